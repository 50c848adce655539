"""Print the shipped personas and their current state, for scripts and testers."""

import json
from typing import Any

from django.core.management.base import CommandParser

from sandbox.management.base import PersonaCommand
from sandbox.personas import PERSONAS, persona_state


class Command(PersonaCommand):
    help = "List the sandbox personas (credentials, numbers, state)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print JSON for scripts."
        )

    def handle(self, *args: Any, as_json: bool, **options: Any) -> None:
        states = [persona_state(persona) for persona in PERSONAS]
        if as_json:
            self.stdout.write(json.dumps(states, ensure_ascii=False, indent=2))
            return
        for state in states:
            self.stdout.write(
                f"{state['key']:<6} {state['full_name']:<16} "
                f"{state['username'] or '-':<13} linked={state['linked']} {state['role']}"
            )
