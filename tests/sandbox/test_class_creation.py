"""A class is created table by table; its seats must start exactly as restored personas do."""

from types import SimpleNamespace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.db.models import Q

from accounts.models import AuditEntry
from certificate_authority.models import Certificate, CertificateEvent
from mobile_operator.models import Sim
from portal.models import Dossier
from provincial_portal.models import AuditEvent as ProvincialAuditEvent
from provincial_portal.models import ProvincialAccount
from sandbox.personas import (
    PERSONAS,
    create_personas,
    ensure_personas,
    persona_state,
    restore_persona,
)
from sandbox.workspaces import allocate_numbers, copy_of, create_class, workspace_personas
from vneid.models import AuditEvent

pytestmark = pytest.mark.django_db

# What differs between two copies of one persona by construction: their numbers and the
# certificates and addresses derived from them.
NUMBER_FIELDS = {"username", "cmnd_number", "cccd_number", "personal_id_number", "pkcs12_path"}
DEVICE_FIELDS = {"serial_number", "subject_uid", "pem", "certificate_pem", "not_after", "phone"}
DEVICE_FIELDS |= {"serial"}


def _without_numbers(value):
    if isinstance(value, dict):
        return {
            key: _without_numbers(item)
            for key, item in value.items()
            if key not in NUMBER_FIELDS | DEVICE_FIELDS
        }
    return value


def _snapshot(persona):
    """Everything the database holds for a persona, minus the numbers that make it a copy."""
    snapshot = {"state": _without_numbers(persona_state(persona))}
    account = None
    if persona.account is not None:
        account = get_user_model().objects.get(username=persona.account["username"])
        snapshot["account"] = {
            "fields": [
                getattr(account, name)
                for name in (
                    "full_name",
                    "birth_date",
                    "gender",
                    "place_of_birth",
                    "place_of_origin",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "password",
                )
            ],
            "identity_refreshed": account.identity_refreshed_at is not None,
            "groups": sorted(account.groups.values_list("name", flat=True)),
            "totp": list(account.totpdevice_set.values_list("name", "key", "confirmed")),
            "audit": sorted(
                (
                    entry.action,
                    entry.actor_kind,
                    entry.actor_id == account.pk,
                    entry.reason,
                    tuple(sorted(entry.changes)),
                )
                for entry in AuditEntry.objects.filter(account=account)
            ),
            "dossiers": sorted(
                Dossier.objects.filter(owner=account).values_list(
                    "procedure_code", "procedure_name", "status", "submitted_at", "completed_at"
                )
            ),
        }
        ids = [persona.account["username"], persona.citizen["cccd_number"]]
        snapshot["certificates"] = sorted(
            Certificate.objects.filter(id_number__in=ids).values_list(
                "kind", "holder_name", "id_kind", "status"
            )
        )
        snapshot["certificate_events"] = sorted(
            (event.certificate.kind, event.action, event.reason, tuple(sorted(event.changes)))
            for event in CertificateEvent.objects.filter(certificate__id_number__in=ids)
        )
    snapshot["provincial"] = _provincial_snapshot(persona)
    snapshot["vneid_events"] = sorted(
        AuditEvent.objects.filter(
            account__citizen__cccd_number=persona.citizen["cccd_number"]
        ).values_list("kind", "detail")
    )
    return snapshot


def _provincial_snapshot(persona):
    """The persona's account at the province, its dossiers and trail, minus the numbers."""
    numbers = [n for n in (persona.citizen["cccd_number"], persona.citizen["cmnd_number"]) if n]
    accounts = ProvincialAccount.objects.filter(
        Q(cccd_number__in=numbers) | Q(cmnd_number__in=numbers)
    )
    return [
        {
            "fields": [
                getattr(account, name)
                for name in ("full_name", "birth_date", "origin", "is_active", "inherited_at")
            ],
            "holds": (bool(account.cccd_number), bool(account.cmnd_number)),
            # A copy's username is the shipped one with its seat's code.
            "username": account.username.split(".")[0],
            "password": check_password(persona.provincial.password, account.password),
            "dossiers": sorted(account.dossiers.values_list("procedure", "status", "submitted_on")),
            "audit": sorted(
                ProvincialAuditEvent.objects.filter(account=account).values_list("kind")
            ),
        }
        for account in accounts
    ]


def test_a_class_copy_starts_as_restoring_that_copy_one_by_one_would_make_it(db):
    ensure_personas()
    batch_numbers, single_numbers = allocate_numbers(2)
    batch = [
        copy_of(persona, SimpleNamespace(**numbers), workspace_code="BATCH234")
        for persona, numbers in zip(PERSONAS, batch_numbers, strict=True)
    ]
    single = [
        copy_of(persona, SimpleNamespace(**numbers), workspace_code="SINGLE23")
        for persona, numbers in zip(PERSONAS, single_numbers, strict=True)
    ]

    create_personas(batch)
    for persona in single:
        restore_persona(persona)

    for made_in_batch, restored in zip(batch, single, strict=True):
        assert _snapshot(made_in_batch) == _snapshot(restored), made_in_batch.key
    # The comparison covered the province: Nga's and An's copies hold an account there each.
    provincial = [_snapshot(persona)["provincial"] for persona in batch]
    assert [len(accounts) for accounts in provincial] == [
        1 if persona.provincial else 0 for persona in PERSONAS
    ]
    assert sum(1 for persona in PERSONAS if persona.provincial) == 2


def _public_key(pem):
    return (
        x509.load_pem_x509_certificate(pem.encode())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def test_every_device_in_a_class_holds_a_key_of_its_own(db):
    ensure_personas()
    training_class = create_class(name="Lớp khoá riêng", seats=3)
    numbers = [
        number
        for workspace in training_class.workspaces.all()
        for copy in workspace_personas(workspace)
        if copy.account is not None
        for number in (copy.account["username"], copy.citizen["cccd_number"])
    ]
    class_certificates = list(
        Certificate.objects.filter(id_number__in=numbers).values_list("certificate_pem", flat=True)
    )
    shipped = Certificate.objects.exclude(id_number__in=numbers).values_list(
        "certificate_pem", flat=True
    )
    sim_keys = [
        _public_key(pem)
        for pem in Sim.objects.filter(
            phone_number__in=[
                copy.account["phone"]
                for workspace in training_class.workspaces.all()
                for copy in workspace_personas(workspace)
                if copy.account is not None
            ]
        ).values_list("certificate_pem", flat=True)
    ]

    keys = [_public_key(pem) for pem in class_certificates]
    # Six personas with an account, a token and a SIM each, in three seats.
    assert len(keys) == 6 * 2 * 3
    assert len(set(keys)) == len(keys)
    assert not set(keys) & {_public_key(pem) for pem in shipped}
    assert set(sim_keys) <= set(keys) and len(sim_keys) == 6 * 3
