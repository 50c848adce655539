"""A reason for every official's change: the reason field and the confirm-with-reason page."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.admin import ModelAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse

REASON_LABEL = "Lý do thay đổi"


def reason_field(*, help_text: str, label: str = REASON_LABEL) -> forms.CharField:
    """Return a required reason field; help_text says where the reason is recorded."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=help_text,
        error_messages={"required": "Vui lòng nhập lý do thay đổi."},
    )


def reason_form(*, help_text: str, label: str = REASON_LABEL) -> type[forms.Form]:
    """Return a form class holding only a reason_field, for the confirmation page."""

    class ReasonForm(forms.Form):
        reason = reason_field(help_text=help_text, label=label)

    return ReasonForm


def reason_page(
    modeladmin: "ModelAdmin[Any]",
    request: HttpRequest,
    queryset: QuerySet[Any],
    form: forms.Form,
    *,
    title: str,
    question: str,
) -> TemplateResponse:
    """Render the page asking the official to confirm an action on queryset with a reason."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "question": question,
        "queryset": queryset,
        "form": form,
        "action": request.POST.get("action"),
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/confirm_with_reason.html", context)


def confirm_with_reason(
    modeladmin: "ModelAdmin[Any]",
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    form_class: type[forms.Form],
    title: str,
    question: str,
    perform: Callable[[QuerySet[Any], str], HttpResponseBase | None],
) -> HttpResponseBase | None:
    """Run an admin action only after the official confirms it with a reason.

    The first POST (from the action menu) renders the confirmation page; its form (a
    form_class from reason_form) posts back with `confirm` and the reason, and
    `perform(queryset, reason)` runs in one transaction. Return the page, or once confirmed
    what perform returns (None: the admin goes back to the list).
    """
    form = form_class(request.POST if request.POST.get("confirm") else None)
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            return perform(queryset, form.cleaned_data["reason"])
    return reason_page(modeladmin, request, queryset, form, title=title, question=question)
