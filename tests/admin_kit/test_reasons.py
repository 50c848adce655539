"""Confirm-with-reason: the action runs only once confirmed with a reason, in one transaction."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory

from admin_kit.reasons import confirm_with_reason, reason_field, reason_form, reason_page

ReasonForm = reason_form(help_text="Bắt buộc: lý do được ghi vào nhật ký thử.")


def _modeladmin():
    site = SimpleNamespace(each_context=lambda request: {"site_header": "Quản trị"})
    return SimpleNamespace(admin_site=site, model=Group)


def _confirm(data, perform):
    request = RequestFactory().post("/admin/auth/group/", data)
    return confirm_with_reason(
        _modeladmin(),
        request,
        Group.objects.none(),
        form_class=ReasonForm,
        title="Thử",
        question="Làm thử?",
        perform=perform,
    )


def test_the_reason_field_is_required_and_says_so_in_vietnamese():
    field = reason_field(help_text="Ghi vào nhật ký.")
    assert field.required
    assert field.label == "Lý do thay đổi"
    assert field.help_text == "Ghi vào nhật ký."
    assert field.error_messages["required"] == "Vui lòng nhập lý do thay đổi."


def test_a_reason_form_takes_its_label_and_help_text():
    form = reason_form(label="Lý do", help_text="Ghi lại.")(data={"reason": ""})
    assert not form.is_valid()
    assert form.errors["reason"] == ["Vui lòng nhập lý do thay đổi."]
    assert form.fields["reason"].label == "Lý do"
    assert form.fields["reason"].help_text == "Ghi lại."


def test_reason_forms_do_not_share_their_fields():
    assert reason_form(help_text="a")().fields["reason"] is not ReasonForm().fields["reason"]


def test_the_action_menu_post_asks_for_confirmation_and_runs_nothing():
    performed = []
    response = _confirm({"action": "do_it"}, lambda queryset, reason: performed.append(reason))

    assert performed == []
    assert response.template_name == "admin/confirm_with_reason.html"
    context = response.context_data
    assert context["site_header"] == "Quản trị"
    assert (context["title"], context["question"]) == ("Thử", "Làm thử?")
    assert context["action"] == "do_it"
    assert context["opts"] is Group._meta
    assert not context["form"].is_bound


def test_a_confirmation_without_a_reason_asks_again():
    performed = []
    data = {"action": "do_it", "confirm": "yes", "reason": "  "}
    response = _confirm(data, lambda queryset, reason: performed.append(reason))

    assert performed == []
    assert response.context_data["form"].errors["reason"] == ["Vui lòng nhập lý do thay đổi."]


@pytest.mark.django_db
def test_a_confirmed_action_runs_in_a_transaction_with_the_reason_and_returns_its_result():
    depth = len(connection.atomic_blocks)
    seen = {}

    def perform(queryset, reason):
        seen.update(reason=reason, nested=len(connection.atomic_blocks) > depth)
        return "done"

    result = _confirm({"action": "do_it", "confirm": "yes", "reason": "Văn bản số 12"}, perform)

    assert result == "done"
    assert seen == {"reason": "Văn bản số 12", "nested": True}


def test_the_reason_page_renders_the_given_form():
    request = RequestFactory().post("/admin/auth/group/", {"action": "rotate"})
    form = ReasonForm()
    response = reason_page(_modeladmin(), request, [], form, title="T", question="Q?")
    assert response.context_data["form"] is form
    assert response.context_data["queryset"] == []
