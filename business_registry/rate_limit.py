"""The business registry API's rate limit (api_kit.rate_limit), with its own settings."""

from api_kit.rate_limit import RateLimiter

from .conf import business_registry_settings
from .models import RateCounter

limiter = RateLimiter(
    counter_model=RateCounter, settings=business_registry_settings, name="business-registry"
)
limits_for = limiter.limits_for
seconds_refused = limiter.seconds_refused
