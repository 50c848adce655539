"""Each persona's state at Quảng Nam's portal: data, `personas --json`, resets and workspaces."""

import json
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from provincial_portal.models import ProvincialAccount, ProvincialDossier
from sandbox.persona_data import PERSONAS_BY_KEY, load_personas
from sandbox.personas import ensure_personas, persona_state, reset_persona
from sandbox.workspaces import create_class, delete_workspace, reset_workspace, workspace_personas
from tests.personas import (
    AN_CCCD,
    AN_PROVINCIAL_USERNAME,
    HOA_CCCD,
    NGA_CCCD,
    NGA_CMND,
    NGA_PROVINCIAL_USERNAME,
    PROVINCIAL_PASSWORD,
)


def _accounts_of(*numbers):
    return ProvincialAccount.objects.filter(Q(cccd_number__in=numbers) | Q(cmnd_number__in=numbers))


def test_the_data_gives_nga_a_cmnd_only_account_an_his_cccd_and_hoa_none():
    nga, an, hoa = (PERSONAS_BY_KEY[key].provincial for key in ("nga", "an", "hoa"))

    assert nga is not None and an is not None and hoa is None
    assert (nga.username, nga.cmnd_number, nga.cccd_number) == (
        NGA_PROVINCIAL_USERNAME,
        NGA_CMND,
        "",
    )
    assert [d.status for d in nga.dossiers] == ["done", "processing"]
    assert all(".H47-" in d.code for d in nga.dossiers)
    assert (an.username, an.cccd_number) == (AN_PROVINCIAL_USERNAME, AN_CCCD)
    assert nga.password == an.password == PROVINCIAL_PASSWORD
    assert [key for key, p in PERSONAS_BY_KEY.items() if p.provincial] == ["nga", "an"]


def test_a_provincial_account_holding_no_number_is_refused(tmp_path):
    path = tmp_path / "personas.toml"
    path.write_text(
        """
password = "P"
vneid_password = "V"
provincial_password = "Q"
[procedures]
[[personas]]
key = "mai"
role = "Thử"
[personas.citizen]
cccd_number = "001190000001"
full_name = "Trần Thị Mai"
birth_date = 1990-01-02
[personas.provincial]
username = "tranthimai"
full_name = "Trần Thị Mai"
birth_date = 1990-01-02
""",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="holds a CCCD or a CMND"):
        load_personas(path)


@pytest.mark.django_db
def test_personas_json_has_each_personas_provincial_account_or_null(capsys):
    ensure_personas()
    call_command("personas", "--json")
    states = {state["key"]: state for state in json.loads(capsys.readouterr().out)}

    assert states["nga"]["provincial"] == {
        "username": NGA_PROVINCIAL_USERNAME,
        "password": PROVINCIAL_PASSWORD,
        "full_name": "Tô Thị Nga",
        "has_cccd": False,
        "dossiers": 2,
        "inherited": False,
        "created_by_vneid": False,
    }
    assert states["an"]["provincial"]["has_cccd"] is True
    assert states["an"]["provincial"]["dossiers"] == 1
    assert states["hoa"]["provincial"] is None
    nga = ProvincialAccount.objects.get(username=NGA_PROVINCIAL_USERNAME)
    assert check_password(PROVINCIAL_PASSWORD, nga.password)
    assert nga.origin == ProvincialAccount.Origin.LEGACY


@pytest.mark.django_db
def test_reset_puts_the_provincial_state_back_and_takes_hoas_new_account_away():
    ensure_personas()
    nga = ProvincialAccount.objects.get(username=NGA_PROVINCIAL_USERNAME)
    ProvincialDossier.objects.filter(account=nga).delete()
    ProvincialAccount.objects.filter(pk=nga.pk).update(cccd_number=NGA_CCCD, national_sub="x")
    # What Hoa's first VNeID login at the province leaves behind.
    ProvincialAccount.objects.create(
        username="hoa-vneid",
        full_name="Lê Thị Hoa",
        birth_date=date(1995, 1, 9),
        cccd_number=HOA_CCCD,
        origin=ProvincialAccount.Origin.VNEID,
    )
    assert persona_state(PERSONAS_BY_KEY["hoa"])["provincial"]["created_by_vneid"] is True

    reset_persona("nga")
    reset_persona("hoa")

    state = persona_state(PERSONAS_BY_KEY["nga"])["provincial"]
    assert (state["has_cccd"], state["dossiers"], state["inherited"]) == (False, 2, False)
    assert persona_state(PERSONAS_BY_KEY["hoa"])["provincial"] is None
    assert not _accounts_of(HOA_CCCD).exists()


@pytest.mark.django_db
def test_ensure_personas_adds_a_missing_provincial_account_and_leaves_the_rest_alone():
    ensure_personas()
    _accounts_of(NGA_CMND).delete()

    assert ensure_personas() == ["nga"]
    assert persona_state(PERSONAS_BY_KEY["nga"])["provincial"]["dossiers"] == 2
    assert ensure_personas() == []


@pytest.mark.django_db
def test_every_seat_has_provincial_accounts_of_its_own_gone_with_the_seat():
    ensure_personas()
    training_class = create_class(name="Lớp tỉnh", seats=2)
    first, second = training_class.workspaces.all()
    copies = {seat.code: {p.key: p for p in workspace_personas(seat)} for seat in (first, second)}
    shipped = set(ProvincialAccount.objects.values_list("username", flat=True))

    usernames = []
    for seat in (first, second):
        nga, an, hoa = (copies[seat.code][key] for key in ("nga", "an", "hoa"))
        # The copy's own numbers, as the shipped account holds the shipped ones.
        assert nga.provincial.cmnd_number == nga.citizen["cmnd_number"] != NGA_CMND
        assert nga.provincial.cccd_number == ""
        assert an.provincial.cccd_number == an.citizen["cccd_number"] != AN_CCCD
        assert nga.provincial.username == f"{NGA_PROVINCIAL_USERNAME}.{seat.code.lower()}"
        assert an.provincial.username == f"{AN_PROVINCIAL_USERNAME}.{seat.code.lower()}"
        state = persona_state(nga)["provincial"]
        assert (state["username"], state["has_cccd"], state["dossiers"]) == (
            nga.provincial.username,
            False,
            2,
        )
        assert persona_state(an)["provincial"]["has_cccd"] is True
        assert persona_state(hoa)["provincial"] is None
        codes = set(
            ProvincialDossier.objects.filter(account__username=nga.provincial.username).values_list(
                "code", flat=True
            )
        )
        assert codes == {d.code for d in nga.provincial.dossiers}
        assert not codes & {d.code for d in PERSONAS_BY_KEY["nga"].provincial.dossiers}
        usernames += [nga.provincial.username, an.provincial.username]
    assert len(set(usernames)) == 4 and not set(usernames) & {
        NGA_PROVINCIAL_USERNAME,
        AN_PROVINCIAL_USERNAME,
    }
    assert shipped >= {NGA_PROVINCIAL_USERNAME, AN_PROVINCIAL_USERNAME}

    delete_workspace(first)

    first_numbers = [
        n
        for p in copies[first.code].values()
        for n in (p.citizen["cccd_number"], p.citizen["cmnd_number"])
        if n
    ]
    assert not _accounts_of(*first_numbers).exists()
    assert (
        ProvincialAccount.objects.filter(
            username__in=[copies[second.code][k].provincial.username for k in ("nga", "an")]
        ).count()
        == 2
    )
    assert (
        ProvincialAccount.objects.filter(
            username__in=[NGA_PROVINCIAL_USERNAME, AN_PROVINCIAL_USERNAME]
        ).count()
        == 2
    )


@pytest.mark.django_db
def test_resetting_a_seat_restores_its_own_provincial_accounts_only():
    ensure_personas()
    training_class = create_class(name="Lớp đặt lại", seats=2)
    first, second = training_class.workspaces.all()
    nga_first = next(p for p in workspace_personas(first) if p.key == "nga")
    nga_second = next(p for p in workspace_personas(second) if p.key == "nga")
    ProvincialDossier.objects.filter(account__username=nga_first.provincial.username).delete()
    ProvincialDossier.objects.filter(account__username=nga_second.provincial.username).delete()

    reset_workspace(first)

    assert persona_state(nga_first)["provincial"]["dossiers"] == 2
    assert persona_state(nga_second)["provincial"]["dossiers"] == 0


@pytest.mark.django_db
def test_seed_sandbox_prints_the_provincial_portal_and_its_accounts(settings):
    settings.SANDBOX_BASE_URL = "http://192.168.1.10:8080"
    out = StringIO()

    call_command("seed_sandbox", citizens=0, stdout=out)

    printed = out.getvalue()
    assert "http://192.168.1.10:8080/quang-nam/" in printed
    assert f"nga {NGA_PROVINCIAL_USERNAME}" in printed and f"an {AN_PROVINCIAL_USERNAME}" in printed
    assert PROVINCIAL_PASSWORD in printed


def _provincial_statements(seats):
    with CaptureQueriesContext(connection) as queries:
        create_class(name=f"Lớp {seats} chỗ", seats=seats)
    return [q["sql"] for q in queries.captured_queries if "provincial_portal_" in q["sql"]]


@pytest.mark.django_db
def test_a_class_seeds_the_province_in_one_bulk_call_whatever_its_size():
    ensure_personas()
    one = _provincial_statements(1)
    eight = _provincial_statements(8)
    # The same statements (bulk inserts of more rows), not a round of them per seat: one call
    # for the citizens' accounts, one for the organisations'.
    assert len(one) == len(eight) <= 16
    # Nga's and An's accounts, Hội An's and Phở Bà Lan's: shipped, then per seat.
    assert ProvincialAccount.objects.count() == 4 * (1 + 1 + 8)
