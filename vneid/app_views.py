"""The simulated VNeID phone app: log in, scan (open or paste) a QR link, approve or refuse;
register an organisation e-ID, confirm one, authorise someone, switch personal ↔ organisation.
"""

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from idnumbers.numbers import mask_number

from . import login_state, organisations, qr, single_logout, throttling
from .forms import AuthorisationForm, ConfirmationForm, LoginForm, OrganisationRegistrationForm
from .login_state import APP_COOKIE_NAME
from .models import LoginSession, OrganisationAuthorisation, OrganisationEid
from .organisations import OrganisationRefused
from .server import issuer_for
from .services import LoginAttempt, LoginRefused, authenticate_password

TEMPLATE = "vneid/app.html"


def _token_from_link(link: str | None) -> str | None:
    """Return the QR token a pasted link names, or None when it is no QR link of ours."""
    try:
        match = resolve(urlsplit((link or "").strip()).path)
    except Resolver404:
        return None
    if match.view_name != "vneid:app_scan":
        return None
    qr_token: str = match.kwargs["qr_token"]
    return qr_token


def _app_login(request: HttpRequest, *, qr_token: str | None = None) -> HttpResponse:
    """Show or check the app's own login; continue to the scanned QR afterwards."""
    form = LoginForm(request.POST if request.method == "POST" else None)
    refusal = None
    if form.is_bound and form.is_valid():
        attempt = LoginAttempt(
            personal_id_number=form.cleaned_data["personal_id_number"],
            password=form.cleaned_data["password"],
            ip_address=throttling.client_ip(request),
        )
        try:
            account = authenticate_password(attempt)
        except LoginRefused as error:
            refusal = error
        else:
            login = login_state.start_login(request, account=account, cookie=APP_COOKIE_NAME)
            target = qr.scan_path(qr_token) if qr_token else reverse("vneid:app_home")
            response = redirect(target)
            login_state.set_cookie(response, request, login)
            return response
    status = 429 if refusal is not None and refusal.code == "throttled" else 200
    context = {"mode": "login", "form": form, "refusal": refusal, "scanned": bool(qr_token)}
    return render(request, TEMPLATE, context, status=status)


def _account_context(login: LoginSession) -> dict[str, Any]:
    account = login.account
    return {
        "account_name": account.citizen.full_name,
        "account_number": mask_number(account.personal_id_number),
        "account_level": account.get_assurance_level_display(),
        # Which account the app uses now: the header always says it.
        "acting": organisations.current_acting(login),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def app_home(request: HttpRequest) -> HttpResponse:
    """Show the app's scan screen: open the QR link, or paste it here."""
    login = login_state.current_login(request, cookie=APP_COOKIE_NAME)
    if login is None:
        return _app_login(request)
    problem = None
    if request.method == "POST":
        qr_token = _token_from_link(request.POST.get("qr_link"))
        if qr_token:
            return redirect(qr.scan_path(qr_token))
        problem = qr.MESSAGES["invalid"]
    context = {"mode": "scan", "problem": problem, **_account_context(login)}
    return render(request, TEMPLATE, context)


@never_cache
@require_http_methods(["GET", "POST"])
def app_scan(request: HttpRequest, qr_token: str) -> HttpResponse:
    """Show which service asks to log in with this QR, and take the citizen's decision."""
    login = login_state.current_login(request, cookie=APP_COOKIE_NAME)
    if login is None:
        return _app_login(request, qr_token=qr_token)
    context = _account_context(login)
    try:
        if request.method == "POST":
            approve = request.POST.get("decision") == "approve"
            qr.decide(qr_token=qr_token, account=login.account, approve=approve, app_login=login)
            context.update(mode="done", approved=approve)
            return render(request, TEMPLATE, context)
        qr_login = qr.for_scan(qr_token)
    except qr.QrProblem as problem:
        context.update(mode="problem", problem=problem.message, code=problem.code)
        return render(request, TEMPLATE, context)
    context.update(mode="confirm", client=qr_login.client, expires_at=qr_login.expires_at)
    return render(request, TEMPLATE, context)


@never_cache
@require_POST
def app_logout(request: HttpRequest) -> HttpResponse:
    """Log out of the app, ending too the browser logins it approved by QR; tell their clients."""
    login = login_state.current_login(request, cookie=APP_COOKIE_NAME)
    response = redirect("vneid:app_home")
    with transaction.atomic():
        login_state.end_login(response, request, cookie=APP_COOKIE_NAME)
        approved = single_logout.end_logins_approved_by(login) if login is not None else []
    # After the commit, as every logout: the clients' endpoints see the logins ended. The app
    # shows no iframes: only back-channel clients hear of logins in another browser.
    for ended in [login, *approved] if login is not None else []:
        single_logout.login_ended(ended, fallback_issuer=issuer_for(request))
    return response


# --- Định danh tổ chức ----------------------------------------------------------------------

ORGANISATIONS_TEMPLATE = "vneid/app_organisations.html"


def _row_id(raw: str) -> int:
    """Return a posted row id, or 0 (no row) when it is not one a database could hold."""
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 19 else 0
    return value if value <= organisations.MAX_ROW_ID else 0


def _organisations_page(
    request: HttpRequest,
    login: LoginSession,
    *,
    refusal: OrganisationRefused | None = None,
    confirm_form: ConfirmationForm | None = None,
) -> HttpResponse:
    """Show the organisations the person acts for, what waits for their confirmation, the switch."""
    account = login.account
    context = {
        **_account_context(login),
        "mode": "organisations",
        "acted_for": organisations.organisations_acted_for(account),
        "pending": organisations.pending_confirmations(account),
        "waiting": organisations.waiting_for_others(account),
        "refusal": refusal,
        "confirm_form": confirm_form,
    }
    status = refusal.status if refusal is not None else 200
    return render(request, ORGANISATIONS_TEMPLATE, context, status=status)


@never_cache
@require_http_methods(["GET"])
def app_organisations(request: HttpRequest) -> HttpResponse:
    """The "Định danh tổ chức" screen."""
    login = login_state.current_login(request, cookie=APP_COOKIE_NAME)
    if login is None:
        return redirect("vneid:app_home")
    return _organisations_page(request, login)


@never_cache
@require_http_methods(["GET", "POST"])
def app_organisation_register(request: HttpRequest) -> HttpResponse:
    """ "Đăng ký định danh tổ chức": passcode, kind, name and enterprise code."""
    login = login_state.current_login(request, cookie=APP_COOKIE_NAME)
    if login is None:
        return redirect("vneid:app_home")
    form = OrganisationRegistrationForm(request.POST if request.method == "POST" else None)
    refusal = None
    if form.is_bound and form.is_valid():
        try:
            organisation = organisations.register_organisation(
                account=login.account,
                passcode=form.cleaned_data["passcode"],
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                enterprise_code=form.cleaned_data["enterprise_code"],
            )
        except OrganisationRefused as error:
            refusal = error
        else:
            if organisation.is_active:
                text = f"Đã đăng ký và kích hoạt định danh điện tử của {organisation.name}."
            else:
                text = (
                    f"Đã đăng ký định danh điện tử của {organisation.name}. Định danh sẽ được "
                    "kích hoạt khi mọi người đại diện theo pháp luật khác đã xác nhận trong "
                    "ứng dụng VNeID của họ."
                )
            messages.success(request, text)
            return redirect("vneid:app_organisations")
    context = {
        **_account_context(login),
        "mode": "register",
        "form": form,
        "refusal": refusal,
    }
    status = refusal.status if refusal is not None else 200
    return render(request, ORGANISATIONS_TEMPLATE, context, status=status)


@never_cache
@require_POST
def app_organisation_confirm(request: HttpRequest) -> HttpResponse:
    """ "Xác nhận đăng ký": a representative agrees to a registration, with their passcode."""
    login = login_state.current_login(request, cookie=APP_COOKIE_NAME)
    if login is None:
        return redirect("vneid:app_home")
    form = ConfirmationForm(request.POST)
    if not form.is_valid():
        if "organisation" in form.errors:
            # Not a form the screen made: say so instead of showing nothing.
            refusal = OrganisationRefused("not_found", status=404)
            return _organisations_page(request, login, refusal=refusal)
        return _organisations_page(request, login, confirm_form=form)
    try:
        organisation = organisations.confirm_registration(
            account=login.account,
            organisation=form.cleaned_data["organisation"],
            passcode=form.cleaned_data["passcode"],
        )
    except OrganisationRefused as refusal:
        return _organisations_page(request, login, refusal=refusal, confirm_form=form)
    if organisation.is_active:
        text = f"Đã xác nhận. Định danh điện tử của {organisation.name} đã được kích hoạt."
    else:
        text = (
            f"Đã xác nhận đăng ký của {organisation.name}. Định danh sẽ được kích hoạt khi "
            "những người đại diện còn lại xác nhận."
        )
    messages.success(request, text)
    return redirect("vneid:app_organisations")


@never_cache
@require_POST
def app_switch(request: HttpRequest) -> HttpResponse:
    """Switch the app between the personal account and an organisation's ("Chuyển tài khoản")."""
    login = login_state.current_login(request, cookie=APP_COOKIE_NAME)
    if login is None:
        return redirect("vneid:app_home")
    choice = request.POST.get("account_choice") or "personal"
    try:
        acting = organisations.switch_login(
            login=login, organisation=None if choice == "personal" else choice
        )
    except OrganisationRefused as refusal:
        return _organisations_page(request, login, refusal=refusal)
    if acting is None:
        messages.success(request, "Đã chuyển sang tài khoản cá nhân.")
    else:
        messages.success(
            request,
            f"Đã chuyển sang tài khoản tổ chức {acting.organisation.name} "
            f"({acting.role_label.lower()}).",
        )
    return redirect("vneid:app_organisations")


def _representative_page(
    request: HttpRequest, login: LoginSession, organisation_id: int
) -> OrganisationEid | HttpResponse:
    """Return the organisation login's person represents, or the page refusing them."""
    try:
        acting = organisations.acting_for(login.account, organisation_id)
    except OrganisationRefused as refusal:
        return _organisations_page(request, login, refusal=refusal)
    if acting.role != organisations.LEGAL_REPRESENTATIVE:
        return _organisations_page(
            request,
            login,
            refusal=OrganisationRefused("not_representative_to_authorise", status=403),
        )
    return acting.organisation


@never_cache
@require_http_methods(["GET", "POST"])
def app_authorisations(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """ "Ủy quyền": a representative's list of the organisation's authorisations, and a new one."""
    login = login_state.current_login(request, cookie=APP_COOKIE_NAME)
    if login is None:
        return redirect("vneid:app_home")
    found = _representative_page(request, login, organisation_id)
    if isinstance(found, HttpResponse):
        return found
    form = AuthorisationForm(request.POST if request.method == "POST" else None)
    refusal = None
    if form.is_bound and form.is_valid():
        try:
            authorisation = organisations.authorise(
                account=login.account,
                organisation=found,
                grantee_number=form.cleaned_data["grantee_number"],
                scope=form.cleaned_data["scope"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except OrganisationRefused as error:
            refusal = error
        else:
            messages.success(
                request,
                f"Đã ủy quyền cho {authorisation.grantee.citizen.full_name} đến hết ngày "
                f"{authorisation.valid_until:%d/%m/%Y}.",
            )
            return redirect("vneid:app_authorisations", organisation_id=found.pk)
    context = {
        **_account_context(login),
        "mode": "authorisations",
        "organisation": found,
        "authorisations": organisations.authorisations_given(found),
        "form": form,
        "refusal": refusal,
        "latest_end_date": organisations.latest_end_date(),
    }
    status = refusal.status if refusal is not None else 200
    return render(request, ORGANISATIONS_TEMPLATE, context, status=status)


@never_cache
@require_POST
def app_revoke(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """ "Thu hồi": end an authorisation of the organisation at once."""
    login = login_state.current_login(request, cookie=APP_COOKIE_NAME)
    if login is None:
        return redirect("vneid:app_home")
    found = _representative_page(request, login, organisation_id)
    if isinstance(found, HttpResponse):
        return found
    raw = request.POST.get("authorisation") or ""
    authorisation = (
        OrganisationAuthorisation.objects.select_related("organisation", "grantee__citizen")
        .filter(pk=_row_id(raw), organisation=found)
        .first()
    )
    if authorisation is None:
        messages.error(request, "Không tìm thấy ủy quyền này. Vui lòng tải lại danh sách.")
        return redirect("vneid:app_authorisations", organisation_id=found.pk)
    try:
        organisations.revoke_authorisation(account=login.account, authorisation=authorisation)
    except OrganisationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, f"Đã thu hồi ủy quyền của {authorisation.grantee.citizen.full_name}."
        )
    return redirect("vneid:app_authorisations", organisation_id=found.pk)
