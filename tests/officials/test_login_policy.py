"""The officials' admin login is not the citizens' portal login: vneid_only leaves it alone."""

import pytest

from accounts import login_policy
from sandbox.personas import ensure_personas

from .test_login import log_in


@pytest.fixture
def lan(db):
    ensure_personas()


def test_vneid_only_leaves_the_admin_login_working(client, lan):
    login_policy.set_policy(policy="vneid_only")

    response = log_in(client)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
