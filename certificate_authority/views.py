"""The CA's public HTTP face: its root certificate and its CRL, as relying parties fetch them."""

from cryptography.hazmat.primitives import serialization
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import services


@require_GET
def root_certificate(request: HttpRequest) -> HttpResponse:
    """Serve the root certificate (PEM; ?format=der for DER)."""
    if request.GET.get("format") == "der":
        body = services.root_certificate().public_bytes(serialization.Encoding.DER)
        return _download(body, "application/pkix-cert", "ca-thu-nghiem-dvc-sandbox.cer")
    return _download(services.root_pem(), "application/x-pem-file", "ca-thu-nghiem-dvc-sandbox.crt")


@never_cache
@require_GET
def crl(request: HttpRequest) -> HttpResponse:
    """Serve a freshly signed CRL in DER (RFC 5280), as CRL distribution points do."""
    body = services.current_crl().public_bytes(serialization.Encoding.DER)
    return _download(body, "application/pkix-crl", "ca-thu-nghiem-dvc-sandbox.crl")


@never_cache
@require_GET
def crl_pem(request: HttpRequest) -> HttpResponse:
    """Serve the same CRL in PEM, for people reading it with openssl."""
    body = services.current_crl().public_bytes(serialization.Encoding.PEM)
    return _download(body, "application/x-pem-file", "ca-thu-nghiem-dvc-sandbox.crl.pem")


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
