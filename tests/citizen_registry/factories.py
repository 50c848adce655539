"""Factories for the population database's models."""

from datetime import date

import factory

from citizen_registry.models import ApiClient, Citizen
from citizen_registry.services import set_key
from idnumbers.numbers import FEMALE, make_cccd


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citizen

    class Params:
        province_code = "036"

    full_name = "Tô Thị Nga"
    birth_date = date(1990, 5, 1)
    gender = FEMALE
    cccd_number = factory.LazyAttributeSequence(
        lambda citizen, n: make_cccd(citizen.province_code, citizen.birth_date, citizen.gender, n)
    )
    cmnd_number = factory.Sequence(lambda n: f"{100000000 + n:09d}")
    place_of_birth = "Nam Định"
    place_of_origin = "Xã Hải Anh, Nam Định"
    permanent_address = "Số 12 Trần Hưng Đạo, Phường Nam Định, Ninh Bình"
    card_issue_date = date(2021, 6, 1)
    status = Citizen.Status.ALIVE


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
