"""Factories for portal accounts and their dossiers."""

from datetime import date

import factory
from django.contrib.auth import get_user_model

from accounts.models import OrganisationProfile
from idnumbers.tax_codes import with_check_digit
from portal.models import Dossier

PASSWORD = "MatKhau@2026"


class UserFactory(factory.django.DjangoModelFactory):
    """A legacy portal account registered with its 9-digit CMND, no CCCD linked yet."""

    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"{200000000 + n:09d}")
    cmnd_number = factory.SelfAttribute("username")
    cccd_number = ""
    full_name = "Lê Văn Thử"
    birth_date = date(1988, 4, 12)
    gender = "male"
    place_of_birth = "Hà Nội"
    place_of_origin = "Hà Nội"
    phone = "0912000000"
    email = factory.LazyAttribute(lambda account: f"tk{account.username}@example.vn")
    password = factory.django.Password(PASSWORD)

    class Params:
        locked = factory.Trait(is_active=False)


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    code = factory.Sequence(lambda n: f"G22.240101.{n:06d}")
    procedure_code = "1.001233"
    procedure_name = "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam"
    owner = factory.SubFactory(UserFactory)
    status = Dossier.Status.RECEIVED


ORGANISATION_PASSWORD = "ToChucSandbox@2026"


def tax_code(n: int) -> str:
    """Return the n-th valid 10-digit tax code of the tests (no two n share one)."""
    nine = 40123456 + n * 10
    while (code := with_check_digit(f"{nine:09d}")) is None:
        nine += 1
    return code


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A legacy organisation account (tax code + password), not yet inherited by a VNeID e-ID."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(tax_code)
    account_type = "organisation"
    full_name = ""
    birth_date = None
    gender = ""
    password = factory.django.Password(ORGANISATION_PASSWORD)
    profile = factory.RelatedFactory(
        "tests.accounts.factories.OrganisationProfileFactory",
        factory_related_name="account",
    )

    class Params:
        locked = factory.Trait(is_active=False)


class OrganisationProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationProfile

    account = factory.SubFactory(OrganisationFactory, profile=None)
    tax_code = factory.SelfAttribute("account.username")
    enterprise_code = factory.SelfAttribute("tax_code")
    kind = "llc_single"
    name = "Công ty TNHH Hội An Xanh"
    short_name = "HOI AN XANH CO., LTD"
    foreign_name = "HOI AN GREEN COMPANY LIMITED"
    established_on = date(2015, 3, 2)
    head_office_address = "12 Trần Phú, Phường Minh An, TP. Hội An, Quảng Nam"
    legal_representative_name = "Đặng Văn Quang"
    legal_representative_cccd = "049085001234"
