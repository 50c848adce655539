"""The sandbox registers the service at VNeID and the provincial portal at the service."""

from identity.national_login import services
from identity.national_login.models import NationalClient
from identity.national_login.vneid_leg import VNEID_ORGANISATION_SCOPES
from sandbox.personas import register_portal
from vneid.models import OidcClient


def test_register_portal_registers_the_service_and_the_province(db, settings):
    settings.PROVINCIAL_PORTAL = {
        "CLIENT_ID": "qnam-portal-test",
        "CLIENT_SECRET": "qnam-portal-test-secret",
    }
    register_portal(base_urls=["http://127.0.0.1:8000/"])
    register_portal(base_urls=["http://127.0.0.1:8000/"])
    at_vneid = OidcClient.objects.get(client_id="xacthuc-test")
    assert at_vneid.check_client_secret("xacthuc-test-secret")
    assert at_vneid.redirect_uri_list == ["http://127.0.0.1:8000/xacthuc/vneid/callback"]
    assert at_vneid.post_logout_redirect_uri_list == [
        "http://127.0.0.1:8000/xacthuc/oauth2/logout/vneid"
    ]
    assert at_vneid.backchannel_logout_uri == (
        "http://127.0.0.1:8000/xacthuc/oauth2/backchannel-logout"
    )
    # The chooser's organisation option asks for vneid_organisation: VNeID must allow it, or
    # it answers invalid_scope and organisations cannot log in through the service.
    assert set(VNEID_ORGANISATION_SCOPES.split()) <= set(at_vneid.allowed_scopes.split())
    province = NationalClient.objects.get()
    assert province.client_id == "qnam-portal-test"
    assert province.check_client_secret("qnam-portal-test-secret")
    assert province.redirect_uri_list == ["http://127.0.0.1:8000/quang-nam/dang-nhap/callback/"]
    assert province.post_logout_redirect_uri_list == ["http://127.0.0.1:8000/quang-nam/"]
    assert province.backchannel_logout_uri == "http://127.0.0.1:8000/quang-nam/backchannel-logout"
    assert province.frontchannel_logout_uri == (
        "http://127.0.0.1:8000/quang-nam/frontchannel-logout"
    )
    assert province.attribute_profile == "dvcqg"


def test_the_console_switches_the_services_fault(client, db):
    response = client.post("/sandbox/faults/xacthuc/", {"xacthuc-mode": "outage"}, follow=True)
    assert "Hệ thống xác thực (Văn phòng Chính phủ): Ngừng hoạt động (503)." in (
        response.content.decode()
    )
    assert services.current_fault().mode == "outage"
