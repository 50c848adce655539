"""Factories for the business registry's models."""

from datetime import date

import factory

from business_registry.models import ApiClient, Enterprise, LegalRepresentative
from business_registry.services import set_key
from idnumbers.tax_codes import with_check_digit


def _code(n: int) -> str:
    # Walk the nine-digit prefixes until one has a check digit (10 in 11 do).
    while True:
        code = with_check_digit(f"{490000000 + n:09d}")
        if code is not None:
            return code
        n += 100_000


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    enterprise_code = factory.Sequence(_code)
    kind = Enterprise.Kind.LLC_SINGLE
    name = factory.Sequence(lambda n: f"Công ty TNHH Thử Nghiệm Số {n}")
    short_name = ""
    foreign_name = ""
    established_on = date(2015, 3, 20)
    head_office_address = "12 Trần Phú, Phường Minh An, TP. Hội An, Quảng Nam"
    status = Enterprise.Status.ACTIVE


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalRepresentative

    enterprise = factory.SubFactory(EnterpriseFactory)
    cccd_number = factory.Sequence(lambda n: f"049085{n:06d}")
    full_name = "Đặng Văn Quang"
    position = "Giám đốc"
    since = date(2015, 3, 20)
    until = None


class ApiClientFactory(factory.django.DjangoModelFactory):
    """An API client whose raw key is left on the instance as raw_key, for tests only."""

    class Meta:
        model = ApiClient

    name = factory.Sequence(lambda n: f"Hệ thống thử nghiệm {n}")
    can_read_records = False
    is_active = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        client = model_class(*args, **kwargs)
        client.raw_key = set_key(client)
        client.save()
        return client
