"""The trainer's dashboard and a seat's timeline across the three tiers: the national portal ↔
VNeID, and the provincial portal ↔ the national login service ↔ VNeID."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from idnumbers.numbers import mask_number
from provincial_portal.models import AuditEvent as ProvincialEvent
from provincial_portal.models import ProvincialAccount
from sandbox.personas import ensure_personas
from sandbox.progress import PROVINCIAL_LOGIN_LABEL
from sandbox.workspaces import create_class, workspace_personas
from vneid.models import AuditEvent as VneidEvent
from vneid.models import VneidAccount
from vneid.services import ensure_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_seats(db):
    ensure_personas()
    return create_class(name="Lớp ba tầng", seats=2)


def _copy(workspace, key):
    return next(copy for copy in workspace_personas(workspace) if copy.key == key)


def _provincial_hop(copy, endpoint, status_code, *, duration_ms=9, at=None):
    account = ProvincialAccount.objects.get(username=copy.provincial.username)
    event = ProvincialEvent.record(
        kind=ProvincialEvent.Kind.REQUEST_ANSWERED,
        account=account,
        endpoint=endpoint,
        status_code=status_code,
        duration_ms=duration_ms,
    )
    if at is not None:
        ProvincialEvent.objects.filter(pk=event.pk).update(created_at=at)
    return event


def _progress(client, training_class):
    response = client.get(reverse("sandbox:class_progress", args=[training_class.pk]))
    return {seat["seat"]: seat for seat in response.json()["seats"]}


def test_a_provincial_login_shows_in_the_seats_step_and_nowhere_else(client, two_seats):
    first, second = two_seats.workspaces.all()
    # Nga's copy came back from the national login service with a code: the province logged
    # her in (a redirect); An's copy on the other seat only saw a refusal.
    _provincial_hop(_copy(first, "nga"), "callback", 302)
    _provincial_hop(_copy(second, "an"), "callback", 403)

    seats = _progress(client, two_seats)

    assert seats[1]["step_label"] == f"Chưa bắt đầu · {PROVINCIAL_LOGIN_LABEL}"
    assert seats[1]["provincial_login_at"] is not None
    assert PROVINCIAL_LOGIN_LABEL not in seats[2]["step_label"]
    assert seats[2]["provincial_login_at"] is None
    # The refused request is still the seat's latest action.
    assert seats[2]["last_action_at"] is not None
    page = client.get(reverse("sandbox:class_dashboard", args=[two_seats.pk])).content.decode()
    assert page.count(PROVINCIAL_LOGIN_LABEL) == 1
    assert 'data-field="provincial_login_at">✓' in page


def test_an_inheritance_by_password_counts_as_a_provincial_login(client, two_seats):
    first = two_seats.workspaces.first()
    _provincial_hop(_copy(first, "nga"), "ke-thua", 200)
    assert _progress(client, two_seats)[1]["provincial_login_at"] is None

    _provincial_hop(_copy(first, "nga"), "ke-thua", 302)
    assert _progress(client, two_seats)[1]["provincial_login_at"] is not None


def test_a_provincial_login_before_the_seats_reset_does_not_count(client, two_seats):
    first = two_seats.workspaces.first()
    _provincial_hop(_copy(first, "nga"), "callback", 302, at=timezone.now() - timedelta(hours=1))
    client.post(reverse("sandbox:reset_seat", args=[two_seats.pk, first.seat]))
    assert _progress(client, two_seats)[1]["provincial_login_at"] is None


def test_timeline_shows_the_provincial_portals_hops_and_names_vneids_caller(client, two_seats):
    first, second = two_seats.workspaces.all()
    nga = _copy(first, "nga")
    _provincial_hop(nga, "callback", 302, duration_ms=41)
    _provincial_hop(_copy(second, "nga"), "dang-nhap", 302)
    service = ensure_client(
        client_id="xacthuc-test",
        client_secret="xacthuc-test-secret",
        name="Hệ thống xác thực",
        redirect_uris=["http://testserver/xacthuc/vneid/callback"],
    )
    vneid_account = VneidAccount.objects.get(citizen__cccd_number=nga.citizen["cccd_number"])
    VneidEvent.objects.create(
        kind=VneidEvent.Kind.REQUEST_ANSWERED,
        account=vneid_account,
        client=service,
        endpoint="token",
        status_code=200,
        duration_ms=17,
    )

    page = client.get(reverse("sandbox:seat_timeline", args=[first.code])).content.decode()

    assert page.count('data-testid="hop"') == 2
    assert "Hệ thống xác thực → Cổng tỉnh" in page and "/quang-nam/dang-nhap/callback/" in page
    assert "41 ms" in page
    assert "Hệ thống xác thực → VNeID" in page and "/vneid/token" in page
    # Nga's provincial account holds only her CMND: that is the number shown, masked.
    assert nga.citizen["cmnd_number"] not in page
    assert mask_number(nga.citizen["cmnd_number"]) in page
