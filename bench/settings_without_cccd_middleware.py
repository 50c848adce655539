"""The local settings without the CCCD middleware, to measure what the middleware costs."""

from config.settings.local import *  # noqa: F403
from config.settings.local import MIDDLEWARE

MIDDLEWARE = [name for name in MIDDLEWARE if name != "accounts.middleware.CccdRequiredMiddleware"]
