"""The simulated VNeID phone app: log in, scan (open or paste) a QR link, approve or refuse."""

from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from idnumbers.numbers import mask_number

from . import login_state, qr, single_logout, throttling
from .forms import LoginForm
from .login_state import APP_COOKIE_NAME
from .models import LoginSession
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
