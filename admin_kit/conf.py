"""One settings object per organisation, read through one small accessor with declared defaults.

The shape of django-oauth-toolkit's `oauth2_provider.settings`: the settings module holds a
dict (`VNEID = {...}`), the package that reads it declares every key with its default, and
reads `vneid_settings.ISSUER`. A key nobody declared is a configuration error, not a silent
default, and a test's `settings.VNEID = {...}` is seen at once.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed


class OrganisationSettings:
    """The dict setting `name`, each key read as an attribute, falling back to defaults."""

    def __init__(self, name: str, defaults: Mapping[str, Any]) -> None:
        self.name = name
        self.defaults = dict(defaults)
        self._cached: dict[str, Any] | None = None
        setting_changed.connect(self._reload, weak=False)

    def _values(self) -> dict[str, Any]:
        if self._cached is None:
            configured = getattr(settings, self.name, None) or {}
            if not isinstance(configured, dict):
                raise ImproperlyConfigured(f"{self.name} must be a dict of settings.")
            unknown = set(configured) - set(self.defaults)
            if unknown:
                raise ImproperlyConfigured(
                    f"{self.name} has unknown keys: {', '.join(sorted(unknown))}; "
                    f"known: {', '.join(sorted(self.defaults))}."
                )
            self._cached = {**self.defaults, **configured}
        return self._cached

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_") or key not in self.defaults:
            raise AttributeError(f"{self.name} has no setting {key!r}.")
        return self._values()[key]

    def _reload(self, *, setting: str, **kwargs: Any) -> None:
        if setting == self.name:
            self._cached = None
