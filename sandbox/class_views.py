"""A class in the sandbox: the trainee's seat card and the trainer's dashboard."""

from typing import Any

import segno
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .models import TrainingClass, Workspace
from .progress import ORGANISATION_STEP_LABELS, STEP_LABELS, class_progress, seat_timeline
from .views import sandbox_only
from .workspaces import base_url, reset_workspace, seat_state, seat_url


def _seat_card(workspace: Workspace) -> dict[str, Any]:
    """Return what a seat card shows: the seat, its personas and a QR code of its address."""
    state = seat_state(workspace)
    qr = segno.make(state["url"], error="m").svg_inline(scale=3, dark="#000", light="#fff")
    # Printed: the full address a trainee types, not a path.
    provincial_url = base_url() + reverse("provincial_portal:home")
    return {
        "workspace": workspace,
        "state": state,
        "qr_svg": qr,
        "provincial_url": provincial_url,
        "organisations": _organisation_lines(state),
    }


def _organisation_lines(state: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the seat's organisations briefly: who acts for each (by name), and its state."""
    names = {persona["key"]: persona["full_name"] for persona in state["personas"]}
    lines = []
    for organisation in state.get("organisations", ()):
        eid = organisation["eid"]
        legacy = [organisation["national"], organisation["provincial"]]
        lines.append(
            {
                **organisation,
                "legacy_password": next(
                    (account["password"] for account in legacy if account and account["password"]),
                    None,
                ),
                "people": [
                    names.get(rep["persona"], rep["full_name"])
                    + ("" if rep["current"] else " (người đại diện cũ)")
                    for rep in organisation["representatives"]
                ],
                "grantees": [
                    names.get(item["grantee"] or "", "")
                    for item in (eid or {}).get("authorisations", ())
                ],
            }
        )
    return lines


def _class_workspaces(training_class: TrainingClass) -> list[Workspace]:
    return list(training_class.workspaces.all())


def _seat_or_none(code: str) -> Workspace | None:
    return Workspace.objects.select_related("training_class").filter(code=code).first()


def _seat_gone(request: HttpRequest) -> HttpResponse:
    """Tell a trainee whose card points nowhere what happened and what to do."""
    context = {
        "status": 404,
        "heading": "Không tìm thấy chỗ ngồi này",
        "explanation": (
            "Mã chỗ ngồi không đúng, hoặc lớp đã hết hạn hay đã bị xoá cùng mọi tài khoản "
            "thử nghiệm trong đó."
        ),
        "next_step": "Vui lòng kiểm tra lại địa chỉ trên thẻ, hoặc xin giảng viên thẻ mới.",
    }
    return render(request, "error_page.html", context, status=404)


@sandbox_only
def seat_card(request: HttpRequest, code: str) -> HttpResponse:
    workspace = _seat_or_none(code)
    if workspace is None:
        return _seat_gone(request)
    return render(request, "sandbox/seat_card.html", {"cards": [_seat_card(workspace)]})


@sandbox_only
def class_cards(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = get_object_or_404(TrainingClass, pk=pk)
    workspaces = training_class.workspaces.select_related("training_class").prefetch_related(
        "personas"
    )
    return render(
        request,
        "sandbox/seat_card.html",
        {
            "training_class": training_class,
            "cards": [_seat_card(workspace) for workspace in workspaces],
        },
    )


@sandbox_only
def class_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = get_object_or_404(TrainingClass, pk=pk)
    rows = class_progress(_class_workspaces(training_class))
    return render(
        request,
        "sandbox/class_dashboard.html",
        {
            "training_class": training_class,
            "rows": rows,
            "steps": STEP_LABELS,
            "organisation_steps": ORGANISATION_STEP_LABELS,
        },
    )


@never_cache
@sandbox_only
def class_progress_json(request: HttpRequest, pk: int) -> JsonResponse:
    training_class = get_object_or_404(TrainingClass, pk=pk)
    rows = class_progress(_class_workspaces(training_class))
    return JsonResponse(
        {
            "class": {"id": training_class.pk, "name": training_class.name},
            "seats": [row.as_json() for row in rows],
        }
    )


@sandbox_only
def seat_timeline_page(request: HttpRequest, code: str) -> HttpResponse:
    workspace = _seat_or_none(code)
    if workspace is None:
        return _seat_gone(request)
    return render(
        request,
        "sandbox/seat_timeline.html",
        {"workspace": workspace, "hops": seat_timeline(workspace), "url": seat_url(workspace)},
    )


def _restart(workspace: Workspace) -> None:
    reset_workspace(workspace)
    workspace.progress_since = timezone.now()
    workspace.save(update_fields=["progress_since"])


@sandbox_only
@require_POST
def reset_seat(request: HttpRequest, pk: int, seat: int) -> HttpResponse:
    workspace = get_object_or_404(Workspace, training_class_id=pk, seat=seat)
    _restart(workspace)
    messages.success(request, f"Đã đặt lại chỗ {workspace.seat} về bước đầu.")
    return redirect("sandbox:class_dashboard", pk=pk)


@sandbox_only
@require_POST
def reset_class(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = get_object_or_404(TrainingClass, pk=pk)
    # All seats or none: a class half reset would mislead the trainer.
    with transaction.atomic():
        for workspace in training_class.workspaces.all():
            _restart(workspace)
    messages.success(request, f"Đã đặt lại mọi chỗ của {training_class.name} về bước đầu.")
    return redirect("sandbox:class_dashboard", pk=pk)
