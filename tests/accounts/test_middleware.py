"""The CCCD middleware: which requests it sends to the CCCD screen, and at what cost."""

import pytest
from django.contrib.auth import login
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.middleware import CCCD_PROMPT_SKIPPED
from tests.conftest import verify_admin_session

from .factories import PASSWORD, UserFactory

MIDDLEWARE_PATH = "accounts.middleware.CccdRequiredMiddleware"
middleware_urls = pytest.mark.urls("tests.accounts.urls_middleware")


@pytest.fixture
def unlinked(db):
    return UserFactory()


@pytest.fixture
def unlinked_client(client, unlinked):
    client.force_login(unlinked)
    return client


@middleware_urls
@pytest.mark.parametrize("method", ["get", "head"])
def test_page_view_of_an_account_without_cccd_goes_to_the_cccd_screen(unlinked_client, method):
    response = getattr(unlinked_client, method)("/plain/?trang=2")

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/cap-nhat-cccd/?next=%2Fplain%2F%3Ftrang%3D2"


@middleware_urls
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_are_never_intercepted(unlinked_client, method):
    response = getattr(unlinked_client, method)("/submit/")

    assert response.status_code == 200
    assert response.content == f"{method.upper()} handled".encode()


@middleware_urls
@pytest.mark.parametrize("path", ["/exempt/", "/exempt-class/"])
def test_views_marked_cccd_not_required_are_shown(unlinked_client, path):
    assert unlinked_client.get(path).status_code == 200


@middleware_urls
def test_other_organisations_namespaces_are_exempt(unlinked_client):
    assert unlinked_client.get("/registry/api/").status_code == 200


@middleware_urls
def test_admin_is_exempt(client, db):
    official = UserFactory(is_staff=True, is_superuser=True)
    verify_admin_session(client, official)

    assert client.get("/admin/").status_code == 200


@middleware_urls
def test_captcha_views_are_exempt(unlinked_client):
    response = unlinked_client.get(
        "/captcha/refresh/", headers={"x-requested-with": "XMLHttpRequest"}
    )

    assert response.status_code == 200
    assert "image_url" in response.json()


def test_login_logout_and_the_cccd_screen_itself_are_exempt(unlinked_client):
    assert unlinked_client.get("/dang-xuat/").status_code == 200
    assert unlinked_client.get("/tai-khoan/cap-nhat-cccd/").status_code == 200
    assert unlinked_client.get("/quen-mat-khau/").status_code == 200


@middleware_urls
def test_linked_and_anonymous_visitors_pass(client, db):
    assert client.get("/plain/").status_code == 200
    client.force_login(UserFactory(cccd_number="001085004321"))
    assert client.get("/plain/").status_code == 200


@middleware_urls
def test_skip_lets_the_account_through_for_the_rest_of_the_session(unlinked_client):
    skip = unlinked_client.post(
        "/tai-khoan/cap-nhat-cccd/?next=/plain/", {"action": "skip", "next": "/plain/"}
    )

    assert skip["Location"] == "/plain/"
    assert unlinked_client.session[CCCD_PROMPT_SKIPPED] is True
    assert unlinked_client.get("/plain/").status_code == 200


@middleware_urls
def test_the_prompt_comes_back_at_the_next_login(client, unlinked):
    login = {"username": unlinked.username, "password": PASSWORD}
    login.update(captcha_0="k", captcha_1="PASSED")
    client.post("/dang-nhap/", login)
    client.post("/tai-khoan/cap-nhat-cccd/", {"action": "skip", "next": "/plain/"})
    assert client.get("/plain/").status_code == 200

    client.post("/dang-xuat/")
    client.post("/dang-nhap/", login)

    assert client.get("/plain/").status_code == 302


def test_logging_in_again_without_logging_out_also_forgets_the_skip(rf, unlinked):
    request = rf.get("/")
    request.session = SessionStore()
    login(request, unlinked, backend="accounts.backends.CmndOrCccdBackend")
    request.session[CCCD_PROMPT_SKIPPED] = True

    login(request, unlinked, backend="accounts.backends.CmndOrCccdBackend")

    assert CCCD_PROMPT_SKIPPED not in request.session


def _client_for(user, *, skipped):
    client = Client()
    if user is not None:
        client.force_login(user)
    if skipped:
        session = client.session
        session[CCCD_PROMPT_SKIPPED] = True
        session.save()
    return client


@pytest.mark.parametrize(
    ("account", "skipped"),
    [("linked", False), ("unlinked", True), ("anonymous", False)],
)
def test_the_middleware_adds_no_query(settings, db, django_assert_num_queries, account, skipped):
    user = {
        "linked": lambda: UserFactory(cccd_number="001085004321"),
        "unlinked": UserFactory,
        "anonymous": lambda: None,
    }[account]()
    path = reverse("accounts:identity") if user else reverse("accounts:login")
    with_middleware = list(settings.MIDDLEWARE)
    assert MIDDLEWARE_PATH in with_middleware

    settings.MIDDLEWARE = [name for name in with_middleware if name != MIDDLEWARE_PATH]
    client = _client_for(user, skipped=skipped)
    # Both requests start from an empty cache, so cached lookups (the login policy) count alike.
    cache.clear()
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(path).status_code == 200
    settings.MIDDLEWARE = with_middleware
    client = _client_for(user, skipped=skipped)
    cache.clear()

    with django_assert_num_queries(len(baseline)):
        assert client.get(path).status_code == 200
