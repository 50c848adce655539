"""Admin pages that show records and never change them (audit trails, logs, history)."""

from typing import Any

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Refuse adding, changing and deleting, to everyone, superusers included."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
