"""Workspaces: every seat holds its own fresh copy of every persona, and goes away whole."""

import json
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
import time_machine
from cryptography.hazmat.primitives.serialization import pkcs12
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from accounts.services import save_cccd_link
from certificate_authority.models import Certificate, UsbToken
from citizen_registry.models import Citizen
from idnumbers.numbers import cccd_problems, decode_birth
from mobile_operator.models import Sim
from portal.models import Dossier
from sandbox.models import TrainingClass, Workspace, WorkspacePersona
from sandbox.personas import (
    PASSWORD,
    PERSONAS,
    PERSONAS_BY_KEY,
    ensure_personas,
    persona_state,
    record_of,
)
from sandbox.usb_tokens import PKCS12_PASSWORD, persona_token
from sandbox.usb_views import plugged_in_tokens
from sandbox.workspaces import (
    SEAT_SESSION_KEY,
    WorkspaceError,
    class_state,
    create_class,
    create_workspace,
    delete_workspace,
    purge_expired,
    reset_workspace,
    seat_state,
    workspace_personas,
)
from vneid.models import VneidAccount


def seat_personas(workspace):
    return seat_state(workspace)["personas"]


pytestmark = pytest.mark.django_db


@pytest.fixture
def two_seats(db):
    ensure_personas()
    return create_class(name="Lớp 1", seats=2)


def _log_in(username):
    request = RequestFactory().post("/dang-nhap/")
    return authenticate(request, username=username, password=PASSWORD)


def test_each_seat_copies_every_persona_with_valid_numbers_of_its_own(two_seats):
    seats = list(two_seats.workspaces.all())
    numbers = []
    for workspace in seats:
        copies = workspace_personas(workspace)
        assert [copy.key for copy in copies] == [persona.key for persona in PERSONAS]
        for copy in copies:
            shipped = PERSONAS_BY_KEY[copy.key]
            citizen = copy.citizen
            assert copy.full_name == shipped.full_name
            assert (
                cccd_problems(
                    citizen["cccd_number"],
                    birth_date=citizen["birth_date"],
                    gender=citizen["gender"],
                )
                == []
            )
            assert citizen["cccd_number"][:3] == shipped.citizen["cccd_number"][:3]
            assert decode_birth(citizen["cccd_number"])[0] == citizen["birth_date"].year
            numbers += [citizen["cccd_number"], citizen["cmnd_number"]]
            if copy.account:
                numbers.append(copy.account["phone"])
    shipped_numbers = {p.citizen["cccd_number"] for p in PERSONAS} | {
        p.citizen["cmnd_number"] for p in PERSONAS
    }
    numbers = [number for number in numbers if number]
    assert len(numbers) == len(set(numbers))
    assert not shipped_numbers & set(numbers)


def test_each_seat_has_its_own_records_accounts_dossiers_token_and_sim(two_seats):
    for workspace in two_seats.workspaces.all():
        nga = next(c for c in workspace_personas(workspace) if c.key == "nga")
        citizen = Citizen.objects.get(cccd_number=nga.citizen["cccd_number"])
        account = get_user_model().objects.get(username=nga.account["username"])
        assert account.cccd_number == ""
        assert Dossier.objects.filter(owner=account).count() == 3
        assert VneidAccount.objects.get(citizen=citizen).assurance_level == 2
        assert UsbToken.objects.filter(certificate__id_number=nga.account["username"]).exists()
        assert Sim.objects.filter(phone_number=nga.account["phone"]).exists()
        assert _log_in(nga.account["username"]) == account


def test_a_link_in_one_seat_is_not_seen_in_another_or_in_the_guide(two_seats):
    first, second = two_seats.workspaces.all()
    nga_one = next(c for c in workspace_personas(first) if c.key == "nga")
    account = get_user_model().objects.get(username=nga_one.account["username"])
    citizen = Citizen.objects.get(cccd_number=nga_one.citizen["cccd_number"])
    save_cccd_link(account=account, record=record_of(citizen), actor=account)

    states = {s["key"]: s for s in class_state(two_seats)["seats"][1]["personas"]}
    assert states["nga"]["linked"] is False
    assert persona_state(PERSONAS_BY_KEY["nga"])["linked"] is False
    assert class_state(two_seats)["seats"][0]["personas"][0]["linked"] is True
    assert second.code != first.code


def test_resetting_a_workspace_puts_its_personas_back(two_seats):
    workspace = two_seats.workspaces.first()
    nga = next(c for c in workspace_personas(workspace) if c.key == "nga")
    get_user_model().objects.filter(username=nga.account["username"]).update(is_active=False)

    reset_workspace(workspace)

    assert _log_in(nga.account["username"]) is not None


def test_a_deleted_workspace_leaves_nothing_that_logs_in(two_seats):
    workspace = two_seats.workspaces.first()
    copies = workspace_personas(workspace)
    nga = next(c for c in copies if c.key == "nga")
    an = next(c for c in copies if c.key == "an")
    account = get_user_model().objects.get(username=an.account["username"])
    # Activity leaves audit rows that protect the account: they go with the workspace.
    reset_workspace(workspace)
    assert account.audit_entries.exists()

    delete_workspace(workspace)

    assert _log_in(nga.account["username"]) is None
    assert _log_in(an.account["username"]) is None
    cccds = [c.citizen["cccd_number"] for c in copies]
    assert not Citizen.objects.filter(cccd_number__in=cccds).exists()
    assert not VneidAccount.objects.filter(citizen__cccd_number__in=cccds).exists()
    assert not Certificate.objects.filter(id_number=nga.account["username"]).exists()
    assert not Sim.objects.filter(phone_number=nga.account["phone"]).exists()
    assert not WorkspacePersona.objects.filter(workspace_id=workspace.pk).exists()
    # The other seat and the guide's own Nga are untouched.
    other = two_seats.workspaces.get()
    other_nga = next(c for c in workspace_personas(other) if c.key == "nga")
    assert _log_in(other_nga.account["username"]) is not None
    assert _log_in(PERSONAS_BY_KEY["nga"].account["username"]) is not None


def test_the_last_deleted_workspace_takes_its_class_with_it(db):
    workspace = create_workspace(name="CI #12")

    delete_workspace(workspace)

    assert not TrainingClass.objects.exists()


def test_purge_deletes_expired_workspaces_only(db):
    with time_machine.travel(timezone.now() - timedelta(days=8), tick=False):
        old = create_workspace(name="cũ")
    fresh = create_workspace(name="mới")

    assert purge_expired() == 1

    assert list(Workspace.objects.values_list("code", flat=True)) == [fresh.code]
    assert not Workspace.objects.filter(pk=old.pk).exists()


def test_a_workspace_expires_after_seven_days_by_default(db):
    workspace = create_workspace()

    assert workspace.expires_at - workspace.created_at == timedelta(days=7)


@pytest.mark.parametrize("seats", [0, -3, 201])
def test_create_class_refuses_a_seat_count_outside_the_limit(db, seats):
    with pytest.raises(WorkspaceError) as raised:
        create_class(name="Lớp 1", seats=seats)

    assert raised.value.code == "seats"
    assert not TrainingClass.objects.exists()


def test_the_seat_limit_follows_the_setting(db, settings):
    settings.SANDBOX_CLASS_SEAT_LIMIT = 1

    with pytest.raises(WorkspaceError, match="tối đa 1 chỗ"):
        create_class(name="Lớp 1", seats=2)


def test_create_class_command_prints_the_class_and_seats_as_json(db, settings):
    settings.SANDBOX_BASE_URL = "http://192.168.1.10:8080"
    out = StringIO()

    call_command("create_class", name="Lớp 1", seats=2, as_json=True, stdout=out)

    data = json.loads(out.getvalue())
    assert data["class"]["name"] == "Lớp 1"
    assert data["class"]["seats"] == 2
    assert [seat["seat"] for seat in data["seats"]] == [1, 2]
    seat = data["seats"][0]
    assert seat["url"] == f"http://192.168.1.10:8080/sandbox/cho-ngoi/{seat['code']}/"
    shipped = persona_state(PERSONAS_BY_KEY["nga"])
    assert [p["key"] for p in seat["personas"]] == [p.key for p in PERSONAS]
    assert set(seat["personas"][0]) == set(shipped)
    assert seat["personas"][0]["cccd_number"] != shipped["cccd_number"]


@pytest.mark.parametrize("seats", ["0", "500"])
def test_create_class_command_explains_a_bad_seat_count(db, seats):
    with pytest.raises(CommandError, match="chỗ ngồi"):
        call_command("create_class", "--name", "Lớp 1", "--seats", seats)


def test_create_class_command_refuses_an_empty_name(db):
    with pytest.raises(CommandError, match="tên lớp"):
        call_command("create_class", "--name", "  ", "--seats", "1")


def test_the_purge_command_deletes_expired_workspaces(db):
    with time_machine.travel(timezone.now() - timedelta(days=8), tick=False):
        create_workspace(name="cũ")
    out = StringIO()

    call_command("purge_workspaces", stdout=out)

    assert not Workspace.objects.exists()
    assert "Đã xoá 1" in out.getvalue()


def test_a_seat_persona_downloads_its_own_certificate(client, two_seats):
    workspace = two_seats.workspaces.first()
    nga = next(p for p in seat_personas(workspace) if p["key"] == "nga")

    response = client.get(nga["usb_token"]["pkcs12_path"])

    assert response.status_code == 200
    bundle = pkcs12.load_pkcs12(response.content, PKCS12_PASSWORD.encode())
    assert nga["username"] in bundle.cert.certificate.subject.rfc4514_string()


def test_an_unknown_seat_code_has_no_certificate(client, two_seats):
    response = client.get("/sandbox/personas/nga/usb-ky-so.p12?cho-ngoi=NOSUCH23")

    assert response.status_code == 404


def _token_of(workspace):
    nga = next(copy for copy in workspace_personas(workspace) if copy.key == "nga")
    return persona_token(nga).pk


def test_the_signing_plugin_at_a_seat_holds_only_that_seats_tokens(two_seats):
    first, second = two_seats.workspaces.all()
    at_first_seat = SimpleNamespace(session={SEAT_SESSION_KEY: first.code})
    elsewhere = SimpleNamespace(session={})

    seat_tokens = set(plugged_in_tokens(at_first_seat).values_list("pk", flat=True))
    shipped_tokens = set(plugged_in_tokens(elsewhere).values_list("pk", flat=True))

    assert _token_of(first) in seat_tokens
    assert _token_of(second) not in seat_tokens
    assert persona_token(PERSONAS_BY_KEY["nga"]).pk not in seat_tokens
    assert len(seat_tokens) == len([p for p in PERSONAS if p.account])
    assert persona_token(PERSONAS_BY_KEY["nga"]).pk in shipped_tokens
    assert not {_token_of(first), _token_of(second)} & shipped_tokens
