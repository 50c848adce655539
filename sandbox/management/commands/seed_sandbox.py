"""Prepare a database for `make run`: the portal's registry key, a small registry, personas."""

from django.core.management import call_command

from citizen_registry.models import Citizen
from sandbox.management.base import PersonaCommand
from sandbox.personas import (
    PASSWORD,
    PERSONAS,
    VNEID_PASSWORD,
    ensure_personas,
    register_portal,
)


class Command(PersonaCommand):
    help = "Seed the sandbox (idempotent): registry API key, fictional citizens, personas."

    def add_arguments(self, parser):
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
            "default http://127.0.0.1:8000 and http://localhost:8000).",
        )
        parser.add_argument("--quiet", action="store_true", help="Print no persona table.")

    def handle(self, *args, citizens, base_urls, quiet, **options):
        register_portal(base_urls=base_urls or ["http://127.0.0.1:8000", "http://localhost:8000"])
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
        self.stdout.write("DVC Sandbox: http://127.0.0.1:8000/  ·  console: /sandbox/")
        self.stdout.write("Personas (every portal password is the same):")
        for persona in PERSONAS:
            login = persona.account["username"] if persona.account else "(chỉ có trong CSDL)"
            self.stdout.write(
                f"  {persona.key:<6} {persona.full_name:<16} {login:<13} {persona.role}"
            )
        self.stdout.write(f"  portal password: {PASSWORD}   VNeID password: {VNEID_PASSWORD}")
        self.stdout.write("Captcha: set CAPTCHA_TEST_MODE=1 to make the answer PASSED accepted.")
