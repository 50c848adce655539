from django.apps import AppConfig


class CertificateAuthorityConfig(AppConfig):
    name = "certificate_authority"
    verbose_name = "CA thử nghiệm (chứng thư số)"
