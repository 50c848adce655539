"""VNeID's JSON error format: OAuth's, shared with every provider of the single logout."""

from oidc_kit.errors import OAUTH_ERRORS

__all__ = ["OAUTH_ERRORS"]
