"""Authentication of legacy portal accounts by CMND or linked CCCD and password."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from idnumbers.numbers import normalize_number

from .models import AccountType, User

UserModel = get_user_model()


class CmndOrCccdBackend(ModelBackend):
    """Log in with the username (CMND or CCCD) or the CCCD linked to the account.

    Inactive accounts are returned, like AllowAllUsersModelBackend does, so that the login form
    can say that the account is locked instead of "wrong password"; `get_user` still refuses them,
    so locking an account ends its sessions.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if kwargs.get("account_type", AccountType.CITIZEN) != AccountType.CITIZEN:
            return None
        if username is None:
            username = kwargs.get(UserModel.USERNAME_FIELD)
        if not username or password is None:
            return None
        number = normalize_number(username)
        # The account registered under the number comes first; an account that linked the
        # number as its CCCD is the fallback (a 12-digit CMND can equal a later CCCD).
        candidates: list[User] = list(UserModel._default_manager.by_login_number(number)[:2])
        if not candidates:
            # Hash anyway so that an unknown number takes as long as a wrong password.
            UserModel().set_password(password)
            return None
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None

    def user_can_authenticate(self, user: User | AnonymousUser | None) -> bool:
        """Let inactive accounts through: the login form refuses them with its own message."""
        return True

    def get_user(self, user_id: int) -> User | None:
        user = super().get_user(user_id)
        if user is not None and not user.is_active:
            return None
        return user


class OrganisationBackend(ModelBackend):
    """Log an organisation's legacy account in with its tax code and password.

    Only when asked with `account_type="organisation"` (the "Tổ chức" tab): the citizen's form
    never reaches it and it never finds a citizen. django-axes counts failures by the tax code,
    so the lockout is per organisation account, as for citizens. Inactive accounts come back
    for the form's own message, as with CmndOrCccdBackend.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if kwargs.get("account_type") != AccountType.ORGANISATION:
            return None
        if not username or password is None:
            return None
        account: User | None = UserModel._default_manager.by_tax_code(username).first()
        if account is None:
            # Hash anyway so that an unknown tax code takes as long as a wrong password.
            UserModel().set_password(password)
            return None
        if account.check_password(password):
            return account
        return None

    def user_can_authenticate(self, user: User | AnonymousUser | None) -> bool:
        return True

    def get_user(self, user_id: int) -> User | None:
        # Sessions are logged in with CmndOrCccdBackend (login_flow.LOGIN_BACKEND) either way.
        return None
