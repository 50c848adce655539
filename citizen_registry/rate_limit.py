"""The population registry API's rate limit (api_kit.rate_limit), with REGISTRY_API's settings."""

from api_kit.rate_limit import RateLimiter

from .conf import registry_api_settings
from .models import RateCounter

limiter = RateLimiter(counter_model=RateCounter, settings=registry_api_settings, name="registry")
limits_for = limiter.limits_for
seconds_refused = limiter.seconds_refused
