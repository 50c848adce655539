"""Number search: the term goes to the session, the URL carries a token; whole numbers only."""

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.models import Group
from django.test import RequestFactory

from admin_kit.search import SEARCH_TOKEN_VAR, NumberSearchMixin, masked_term


class GroupSearchAdmin(NumberSearchMixin, admin.ModelAdmin):
    number_search_fields = ("name",)
    name_search_field = "name"


def _admin(**attributes):
    return type("Admin", (GroupSearchAdmin,), attributes)(Group, AdminSite())


def _post_search(model_admin, term, session, path="/admin/auth/group/?o=1&p=3"):
    request = RequestFactory().post(path, {"q": term, "_number_search": "1"})
    request.session = session
    return model_admin.changelist_view(request)


def _searched(model_admin, location, session):
    request = RequestFactory().get(location)
    request.session = session
    return model_admin._searched_term(request)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("001 085 004 321", "0010******21"),
        ("０１２３４５６７８", "0123***78"),
        ("12345", "*****"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("0011-90", "0011-90"),
        ("", ""),
    ],
    ids=["cccd-spaced", "full-width-cmnd", "short", "name", "not-a-number", "empty"],
)
def test_a_searched_number_is_shown_masked_and_anything_else_as_typed(term, expected):
    assert masked_term(term) == expected


def test_the_session_key_defaults_to_the_models_app_label_and_can_be_set():
    assert _admin().get_search_session_key() == "auth.admin_searches"
    assert _admin(search_session_key="x.searches").get_search_session_key() == "x.searches"


def test_a_posted_search_redirects_with_a_token_and_keeps_the_term_in_the_session():
    model_admin, session = _admin(), {}
    response = _post_search(model_admin, " 0123 456 78 ", session)

    assert response.status_code == 302
    location = response["Location"]
    token = session["auth.admin_searches"]
    assert list(token.values()) == ["0123 456 78"]
    assert location == f"/admin/auth/group/?o=1&{SEARCH_TOKEN_VAR}={next(iter(token))}"
    assert _searched(model_admin, location, session) == "0123 456 78"


def test_an_empty_search_clears_the_token_and_stores_nothing():
    session, path = {}, f"/admin/auth/group/?{SEARCH_TOKEN_VAR}=a"
    response = _post_search(_admin(), "  ", session, path=path)
    assert response["Location"] == "/admin/auth/group/"
    assert session == {}


def test_only_the_last_ten_searches_are_kept():
    model_admin, session = _admin(), {}
    for n in range(12):
        _post_search(model_admin, f"search {n}", session)
    assert list(session["auth.admin_searches"].values()) == [f"search {n}" for n in range(2, 12)]


def test_an_unknown_token_searches_nothing():
    assert _searched(_admin(), f"/admin/auth/group/?{SEARCH_TOKEN_VAR}=nope", {}) == ""
    assert _searched(_admin(), "/admin/auth/group/", {}) == ""


@pytest.mark.django_db
def test_a_whole_number_matches_exactly_and_a_name_matches_in_part():
    names_created = ("012345678", "0123456789", "Cán bộ tra cứu")
    groups = Group.objects.filter(
        pk__in=[Group.objects.create(name=name).pk for name in names_created]
    )
    model_admin = _admin()

    def names(term):
        queryset, may_have_duplicates = model_admin.search_numbers(groups, term)
        assert may_have_duplicates is False
        return set(queryset.values_list("name", flat=True))

    assert names("012 345 678") == {"012345678"}
    assert names("0123") == set()
    assert names("tra cứu") == {"Cán bộ tra cứu"}
    assert names("  ") == set(names_created)


@pytest.mark.django_db
def test_without_number_fields_a_number_matches_nobody():
    Group.objects.create(name="012345678")
    queryset, _ = _admin(number_search_fields=()).search_numbers(Group.objects.all(), "012345678")
    assert not queryset.exists()
