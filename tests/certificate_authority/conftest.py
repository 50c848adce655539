"""The officials' fixtures, shared with the officials' tests."""

from tests.officials.conftest import official_client, roles  # noqa: F401
