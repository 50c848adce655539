"""Print the shipped personas and their current state, for scripts and testers."""

import json
from typing import Any

from django.core.management.base import CommandParser

from sandbox.management.base import PersonaCommand
from sandbox.organisations import ORGANISATIONS, organisation_state
from sandbox.personas import PERSONAS, persona_state


class Command(PersonaCommand):
    help = "List the sandbox personas (credentials, numbers, state)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print JSON for scripts."
        )

    def handle(self, *args: Any, as_json: bool, **options: Any) -> None:
        states = [{"type": "citizen", **persona_state(persona)} for persona in PERSONAS]
        # One list, keyed by `key` as before: the organisations follow the citizens, told
        # apart by `type` (their keys never clash: persona_data refuses that).
        organisations = [
            {"type": "organisation", **organisation_state(organisation)}
            for organisation in ORGANISATIONS
        ]
        if as_json:
            self.stdout.write(json.dumps(states + organisations, ensure_ascii=False, indent=2))
            return
        for state in states:
            self.stdout.write(
                f"{state['key']:<8} {state['full_name']:<16} "
                f"{state['username'] or '-':<13} linked={state['linked']} {state['role']}"
            )
        for state in organisations:
            eid = state["eid"]["status"] if state["eid"] else "chưa có định danh"
            self.stdout.write(
                f"{state['key']:<8} {state['name']:<34} MST {state['tax_code']} "
                f"e-ID: {eid} {state['role']}"
            )
