"""SANDBOX_BASE_URL: every address the sandbox registers or prints follows the trainer's."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from vneid.models import OidcClient

ROOT = Path(__file__).resolve().parents[2]
LAN = "http://192.168.1.10:8080"


def _local_settings(**env):
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "from accounts.conf import ca_settings, operator_settings, registry_settings; "
        "from certificate_authority.conf import authority_settings; "
        "from identity.relying_party.conf import vneid_settings; "
        "print(json.dumps({'SANDBOX_BASE_URL': settings.SANDBOX_BASE_URL, "
        "'VNEID_ISSUER': vneid_settings.ISSUER, 'REGISTRY_BASE_URL': registry_settings.BASE_URL, "
        "'MOBILE_OPERATOR_BASE_URL': operator_settings.BASE_URL, "
        "'CA_BASE_URL': ca_settings.BASE_URL, "
        "'CA_PUBLIC_BASE_URL': authority_settings.PUBLIC_BASE_URL, "
        "'ALLOWED_HOSTS': settings.ALLOWED_HOSTS}))"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.endswith(("_BASE_URL", "_ISSUER")) and key != "DJANGO_ALLOWED_HOSTS"
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.local", **env)
    output = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(output.stdout)


def test_every_address_of_the_local_settings_follows_sandbox_base_url():
    values = _local_settings(SANDBOX_BASE_URL=LAN + "/")

    assert values["SANDBOX_BASE_URL"] == LAN
    assert values["VNEID_ISSUER"] == f"{LAN}/vneid"
    assert values["REGISTRY_BASE_URL"] == f"{LAN}/registry/api/v1/"
    assert values["MOBILE_OPERATOR_BASE_URL"] == f"{LAN}/nha-mang/api/v1/"
    assert values["CA_BASE_URL"] == values["CA_PUBLIC_BASE_URL"] == f"{LAN}/ca/"
    assert "192.168.1.10" in values["ALLOWED_HOSTS"]


def test_without_sandbox_base_url_the_addresses_stay_on_port_8000():
    values = _local_settings()

    assert values["VNEID_ISSUER"] == "http://127.0.0.1:8000/vneid"


@pytest.mark.django_db
def test_seed_registers_the_portal_redirect_uris_at_the_base_url(settings):
    settings.SANDBOX_BASE_URL = LAN
    settings.SANDBOX_API_TOKEN = "dvcs_token"
    out = StringIO()

    call_command("seed_sandbox", citizens=0, stdout=out)

    client = OidcClient.objects.get(client_id=settings.VNEID["CLIENT_ID"])
    assert client.redirect_uri_list
    assert all(uri.startswith(f"{LAN}/") for uri in client.redirect_uri_list)
    assert f"{LAN}/sandbox/" in out.getvalue()
    assert "dvcs_token" in out.getvalue()


@pytest.mark.django_db
def test_seed_on_another_port_of_this_machine_registers_that_port(settings):
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:8080"

    call_command("seed_sandbox", citizens=0, quiet=True)

    uris = OidcClient.objects.get(client_id=settings.VNEID["CLIENT_ID"]).redirect_uri_list
    assert {uri.split("/", 3)[2] for uri in uris} == {"127.0.0.1:8080", "localhost:8080"}
