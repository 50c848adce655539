"""The VNeID login's decisions, in one function (allauth's `complete_login` is the model).

`protocol` speaks OpenID Connect and `state` keeps the session state; this module decides
what a completed VNeID login means for the portal's accounts; the views turn the decision into
pages, and every login ends in `accounts.login_flow.finish_login`.
"""

import logging
from dataclasses import dataclass

from django.http import HttpRequest

from accounts.models import User
from accounts.services import AccountServiceError

from . import services, state
from .conf import vneid_settings
from .protocol import CompletedLogin

logger = logging.getLogger(__name__)

LOG_IN = "log_in"
CREATED = "created"
OFFER_LINK = "offer_link"
REFUSED = "refused"


@dataclass(frozen=True)
class LoginDecision:
    """What to do with a completed VNeID login; `refusal` names the error page when refused."""

    outcome: str
    account: User | None = None
    refusal: str = ""
    message: str = ""
    next_url: str = ""


def decide_login(request: HttpRequest, completed: CompletedLogin) -> LoginDecision:
    """Check the level, then log in the linked account, offer a legacy one, or create one.

    Never a silent link: a legacy account found by its old number is only offered (the person
    proves ownership by its password or declines, see VneidLinkView).
    """
    identity = completed.identity
    if identity.level is None:
        logger.warning("VNeID login refused: the ID token does not state the level (acr)")
        return LoginDecision(REFUSED, refusal="level_unknown", next_url=completed.next_url)
    if identity.level < vneid_settings.REQUIRED_LEVEL:
        logger.info("VNeID login refused: level %s", identity.level)
        return LoginDecision(REFUSED, refusal="level", next_url=completed.next_url)
    account = User.objects.linked_to(identity.personal_id_number).first()
    if account is not None:
        if not account.is_active:
            return LoginDecision(REFUSED, refusal="locked")
        services.record_vneid_login(account=account, identity=identity)
        return LoginDecision(LOG_IN, account=account)
    numbers = [identity.old_cmnd_number, identity.personal_id_number]
    legacy = User.objects.legacy_without_cccd(numbers).first()
    if legacy is not None:
        state.offer_link(request, account_id=legacy.pk, completed=completed)
        return LoginDecision(OFFER_LINK, account=legacy)
    try:
        account = services.create_account_from_vneid(identity=identity)
    except AccountServiceError as refusal:
        return LoginDecision(REFUSED, refusal="link_refused", message=refusal.message)
    return LoginDecision(CREATED, account=account)


def pending_link(request: HttpRequest) -> tuple[state.PendingLink, User]:
    """Return the link offer in the session and its legacy account, or raise FlowExpired.

    The offer no longer applies once the legacy account linked a CCCD in the meantime.
    """
    offer = state.pending_link(request)
    account = User.objects.awaiting_link(offer.account_id).first()
    if account is None:
        state.drop_pending_link(request)
        raise state.FlowExpired()
    return offer, account
