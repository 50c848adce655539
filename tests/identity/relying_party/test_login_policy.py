"""Under the vneid_only policy the VNeID login and the legacy account's link offer still work."""

from accounts import login_policy
from accounts.models import AuditEntry
from tests.accounts.factories import PASSWORD, DossierFactory

from .conftest import LINK_PATH, NGA_CCCD, log_in_with_vneid


def test_vneid_only_legacy_account_brings_its_old_dossiers_through_the_link_offer(
    client, vneid, nga_legacy
):
    login_policy.set_policy(policy="vneid_only")
    DossierFactory(owner=nga_legacy, code="G22.230410.000101")

    offer = log_in_with_vneid(client, vneid, next_url="/ho-so/")
    response = client.post(LINK_PATH, {"action": "link", "password": PASSWORD})

    assert offer["Location"] == LINK_PATH
    assert response.status_code == 302
    assert response["Location"] == "/ho-so/"
    nga_legacy.refresh_from_db()
    assert nga_legacy.cccd_number == NGA_CCCD
    assert client.session["_auth_user_id"] == str(nga_legacy.pk)
    assert "G22.230410.000101" in client.get("/ho-so/").content.decode()
    assert nga_legacy.audit_entries.filter(action=AuditEntry.Action.CCCD_LINKED).count() == 1


def test_vneid_only_linked_account_logs_in_with_vneid(client, vneid, nga_linked):
    login_policy.set_policy(policy="vneid_only")

    response = log_in_with_vneid(client, vneid, next_url="/ho-so/")

    assert response["Location"] == "/ho-so/"
    assert client.session["_auth_user_id"] == str(nga_linked.pk)
