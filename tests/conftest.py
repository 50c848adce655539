"""Fixtures shared by every test package."""

import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that
# thread (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
