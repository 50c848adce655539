"""Factories for portal accounts and their dossiers."""

from datetime import date

import factory
from django.contrib.auth import get_user_model

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
