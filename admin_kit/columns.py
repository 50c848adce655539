"""A model field as an admin column under a Vietnamese heading, its choice label when it has one."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import Model


def column(name: str, description: str) -> Callable[[Model], Any]:
    """Return a list/detail column showing field name under a Vietnamese heading."""

    @admin.display(description=description, ordering=name)
    def show(obj: Model) -> Any:
        label = getattr(obj, f"get_{name}_display", None)
        return label() if label else getattr(obj, name)

    show.__name__ = name
    return show
