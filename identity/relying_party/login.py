"""The VNeID login's decisions, in one function (allauth's `complete_login` is the model).

`protocol` speaks OpenID Connect and `state` keeps the session state; this module decides
what a completed VNeID login means for the portal's accounts; the views turn the decision into
pages, and every login ends in `accounts.login_flow.finish_login`.
"""

import logging
from dataclasses import dataclass

from django.http import HttpRequest

from accounts import organisations
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
# An organisation login that inherited the legacy organisation account of its tax code.
INHERITED = "inherited"


@dataclass(frozen=True)
class LoginDecision:
    """What to do with a completed VNeID login; `refusal` names the error page when refused."""

    outcome: str
    account: User | None = None
    refusal: str = ""
    message: str = ""
    next_url: str = ""
    # True when the account is the organisation's (the person acted for it at VNeID).
    organisation: bool = False


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
    if completed.organisation is not None:
        return decide_organisation_login(completed)
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


def decide_organisation_login(completed: CompletedLogin) -> LoginDecision:
    """Log in, inherit or create the organisation's account (accounts.organisations)."""
    claims = completed.organisation
    assert claims is not None
    data = organisations.OrganisationData(
        tax_code=claims.tax_code,
        enterprise_code=claims.enterprise_code,
        kind=claims.kind,
        name=claims.name,
        short_name=claims.short_name,
        foreign_name=claims.foreign_name,
        established_on=claims.established_on,
        head_office_address=claims.head_office_address,
        legal_representative_name=claims.legal_representative_name,
        legal_representative_cccd=claims.legal_representative_id_number,
    )
    acting = organisations.ActingPerson(
        number=claims.acting_number, role=claims.role, scope=claims.authorisation_scope
    )
    try:
        result = organisations.log_in_organisation(
            vneid_sub=claims.sub,
            data=data,
            acting=acting,
            level_reason=services.level_reason(completed.identity),
        )
    except organisations.OrganisationLoginRefused as refusal:
        return LoginDecision(
            REFUSED, refusal=refusal.code, message=refusal.message, organisation=True
        )
    outcome = {
        organisations.CREATED: CREATED,
        organisations.INHERITED: INHERITED,
    }.get(result.outcome, LOG_IN)
    return LoginDecision(outcome, account=result.account, organisation=True)


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
