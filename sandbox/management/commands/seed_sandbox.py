"""Prepare a database for `make run`: the portal's registry key, a small registry, personas."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser

from citizen_registry.models import Citizen
from sandbox.api import ensure_api_token
from sandbox.management.base import PersonaCommand
from sandbox.personas import (
    PASSWORD,
    PERSONAS,
    PROVINCIAL_PASSWORD,
    VNEID_PASSWORD,
    ensure_personas,
    register_portal,
)


def default_base_urls() -> list[str]:
    """Return the addresses the portal answers on: SANDBOX_BASE_URL (and localhost's twin)."""
    base: str = settings.SANDBOX_BASE_URL.rstrip("/")
    urls = [base]
    if "//127.0.0.1:" in base:
        urls.append(base.replace("//127.0.0.1:", "//localhost:"))
    return urls


class Command(PersonaCommand):
    help = "Seed the sandbox (idempotent): registry API key, fictional citizens, personas."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--citizens",
            type=int,
            default=2000,
            help="How many fictional citizens the registry should hold besides the personas.",
        )
        parser.add_argument(
            "--base-url",
            action="append",
            dest="base_urls",
            help="Address the portal is served on, for its VNeID redirect URIs (repeatable; "
            "default SANDBOX_BASE_URL, and its localhost twin when that is 127.0.0.1).",
        )
        parser.add_argument("--quiet", action="store_true", help="Print no persona table.")

    def handle(
        self, *args: Any, citizens: int, base_urls: list[str] | None, quiet: bool, **options: Any
    ) -> None:
        register_portal(base_urls=base_urls or default_base_urls())
        if settings.SANDBOX_API_TOKEN:
            ensure_api_token(name="make run", raw_token=settings.SANDBOX_API_TOKEN)
        created = ensure_personas()
        missing = citizens - (Citizen.objects.count() - len(PERSONAS))
        if missing > 0:
            call_command("seed_registry", count=missing, verbosity=0)
        if quiet:
            return
        self.stdout.write(
            f"Personas created: {', '.join(created) if created else 'none (already there)'}"
        )
        self.stdout.write("")
        base = settings.SANDBOX_BASE_URL
        self.stdout.write(f"DVC Sandbox: {base}/  ·  console: {base}/sandbox/")
        self.stdout.write("Personas (every portal password is the same):")
        for persona in PERSONAS:
            login = persona.account["username"] if persona.account else "(chỉ có trong CSDL)"
            self.stdout.write(
                f"  {persona.key:<6} {persona.full_name:<16} {login:<13} {persona.role}"
            )
        self.stdout.write(f"  portal password: {PASSWORD}   VNeID password: {VNEID_PASSWORD}")
        provincial = ", ".join(
            f"{persona.key} {persona.provincial.username}"
            for persona in PERSONAS
            if persona.provincial is not None
        )
        self.stdout.write(
            f"Quảng Nam portal {base}/quang-nam/: {provincial} · password {PROVINCIAL_PASSWORD}"
        )
        self.stdout.write("Captcha: set CAPTCHA_TEST_MODE=1 to make the answer PASSED accepted.")
        if settings.SANDBOX_API_TOKEN:
            self.stdout.write(
                f"Sandbox API token (POST {base}/sandbox/api/v1/workspaces): "
                f"{settings.SANDBOX_API_TOKEN}"
            )
        self.stdout.write('A class: python manage.py create_class --name "Lớp 1" --seats 30')
