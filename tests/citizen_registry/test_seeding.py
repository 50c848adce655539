"""seed_registry makes valid, unique, realistic citizens fast, and re-runs change nothing."""

import re
import unicodedata
from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from citizen_registry.models import Citizen
from citizen_registry.seeding import (
    FAMILY_NAMES,
    FIRST_CARD_DATE,
    LAST_CMND_BIRTH_YEAR,
    REFERENCE_DATE,
    seed_citizens,
)
from idnumbers.numbers import cccd_problems, province_codes

from .factories import CitizenFactory

# The command's bulk load runs outside a test transaction, as it does for real.
pytestmark = pytest.mark.django_db(transaction=True)

COUNT = 3000


def _seed(count=COUNT, seed=11):
    out = StringIO()
    call_command("seed_registry", "--count", str(count), "--seed", str(seed), stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    _seed()
    return list(Citizen.objects.all())


def test_the_command_reports_rows_inserted_and_rate():
    output = _seed(count=500)
    assert re.search(r"Đã thêm 500 công dân, bỏ qua 0 số đã có, trong [\d.]+ s", output)
    assert re.search(r"\([\d,]+ dòng/giây\)", output)
    assert Citizen.objects.count() == 500


def test_every_cccd_is_structurally_valid_for_its_birth_date_and_gender(seeded):
    assert len(seeded) == COUNT
    for citizen in seeded:
        problems = cccd_problems(
            citizen.cccd_number, birth_date=citizen.birth_date, gender=citizen.gender
        )
        assert problems == [], (citizen.cccd_number, citizen.birth_date, citizen.gender)


def test_the_cccd_province_is_the_place_of_birth(seeded):
    names = province_codes()
    assert all(names[c.cccd_number[:3]] == c.place_of_birth for c in seeded)


def test_old_cmnd_numbers_are_nine_digits_unique_and_only_for_people_born_before_1995(seeded):
    cmnds = [c.cmnd_number for c in seeded if c.cmnd_number]
    assert len(cmnds) == len(set(cmnds))
    assert all(re.fullmatch(r"\d{9}", n) for n in cmnds)
    assert all(c.birth_date.year <= LAST_CMND_BIRTH_YEAR for c in seeded if c.cmnd_number)
    older = [c for c in seeded if c.birth_date.year <= LAST_CMND_BIRTH_YEAR]
    assert sum(bool(c.cmnd_number) for c in older) / len(older) > 0.9


def _sixteenth_birthday(birth):
    if (birth.month, birth.day) == (2, 29):
        return date(birth.year + 16, 3, 1)
    return birth.replace(year=birth.year + 16)


def test_cards_are_issued_after_the_sixteenth_birthday_and_from_2016_on(seeded):
    for citizen in seeded:
        sixteenth = _sixteenth_birthday(citizen.birth_date)
        if citizen.card_issue_date is None:
            # Only children who are not yet 16 on the reference date have no card.
            assert sixteenth >= REFERENCE_DATE - timedelta(days=1)
        else:
            assert sixteenth < citizen.card_issue_date <= REFERENCE_DATE
            assert citizen.card_issue_date >= FIRST_CARD_DATE
    assert any(c.card_issue_date is None for c in seeded)


def test_names_are_vietnamese_nfc_with_a_known_family_name_and_diacritics(seeded):
    families = Counter(c.full_name.split()[0] for c in seeded)
    assert set(families) <= set(FAMILY_NAMES)
    assert families.most_common(1)[0][0] == "Nguyễn"
    assert all(unicodedata.is_normalized("NFC", c.full_name) for c in seeded)
    assert all(3 <= len(c.full_name.split()) <= 4 for c in seeded)
    assert sum(not c.full_name.isascii() for c in seeded) / len(seeded) > 0.9


def test_women_mostly_carry_thi_and_men_van_among_middle_names(seeded):
    middles = {
        gender: Counter(c.full_name.split()[1] for c in seeded if c.gender == gender)
        for gender in ("male", "female")
    }
    assert middles["female"].most_common(1)[0][0] == "Thị"
    assert middles["male"].most_common(1)[0][0] == "Văn"
    assert "Thị" not in middles["male"]


def test_most_citizens_are_alive_and_every_field_is_filled(seeded):
    statuses = Counter(c.status for c in seeded)
    assert statuses["alive"] / len(seeded) > 0.9
    assert set(statuses) <= set(Citizen.Status.values)
    for citizen in seeded:
        assert citizen.place_of_origin and citizen.permanent_address and citizen.ethnicity
        assert citizen.nationality == "Việt Nam"


def test_a_rerun_with_the_same_seed_inserts_nothing_and_changes_nothing(seeded):
    before = set(Citizen.objects.values_list("cccd_number", "cmnd_number", "full_name"))
    output = _seed()
    assert f"Đã thêm 0 công dân, bỏ qua {COUNT} số đã có" in output
    assert set(Citizen.objects.values_list("cccd_number", "cmnd_number", "full_name")) == before


def test_another_seed_adds_new_citizens_with_cmnds_still_unique(seeded):
    _seed(seed=12)
    assert Citizen.objects.count() == 2 * COUNT
    cmnds = list(Citizen.objects.exclude(cmnd_number="").values_list("cmnd_number", flat=True))
    assert len(cmnds) == len(set(cmnds))


def test_numbers_already_held_by_personas_are_skipped_and_left_untouched():
    _seed(count=200)
    same_cccd = Citizen.objects.order_by("id").first()
    same_cmnd = Citizen.objects.exclude(cmnd_number="").exclude(pk=same_cccd.pk).first()
    Citizen.objects.all().delete()
    persona = CitizenFactory(cccd_number=same_cccd.cccd_number, full_name="Tô Thị Nga")
    other = CitizenFactory(cmnd_number=same_cmnd.cmnd_number)

    report_output = _seed(count=200)

    assert "Đã thêm 199 công dân, bỏ qua 1 số đã có" in report_output
    persona.refresh_from_db()
    assert persona.full_name == "Tô Thị Nga"
    assert Citizen.objects.filter(cmnd_number=other.cmnd_number).count() == 1


def test_the_sqlite_connection_settings_are_restored_after_the_load():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        before = cursor.fetchone()[0]
        seed_citizens(100, seed=3)
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == before


def test_on_postgresql_the_rows_arrive_by_copy_not_by_insert():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no COPY")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        report = seed_citizens(500, seed=5)
    assert report.inserted == 500
    assert Citizen.objects.count() == 500
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]
