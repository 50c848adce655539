"""Create a class: one workspace per seat, each a fresh copy of every shipped persona."""

import json
from typing import Any

from django.core.management import CommandError
from django.core.management.base import CommandParser

from sandbox.management.base import PersonaCommand
from sandbox.workspaces import WorkspaceError, class_state, create_class


class Command(PersonaCommand):
    help = (
        "Create a class (lớp học) of N seats; each seat gets its own copy of every persona, "
        "with its own numbers, accounts, dossiers, USB token and SIM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help='Name of the class, e.g. "Lớp 1".')
        parser.add_argument("--seats", type=int, required=True, help="How many seats (1–200).")
        parser.add_argument("--days", type=int, help="Days before the class expires (default 7).")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print JSON for scripts."
        )

    def handle(
        self, *args: Any, name: str, seats: int, days: int | None, as_json: bool, **options: Any
    ) -> None:
        if days is not None and days <= 0:
            raise CommandError("Số ngày (--days) phải lớn hơn 0.")
        try:
            training_class = create_class(name=name, seats=seats, days=days)
        except WorkspaceError as error:
            raise CommandError(error.message) from error
        state = class_state(training_class)
        if as_json:
            self.stdout.write(json.dumps(state, ensure_ascii=False, indent=2))
            return
        info = state["class"]
        self.stdout.write(
            f"Lớp «{info['name']}» (mã {info['id']}): {info['seats']} chỗ ngồi, "
            f"hết hạn {info['expires_at']}."
        )
        self.stdout.write(f"Bảng theo dõi: {info['url']}")
        for seat in state["seats"]:
            nga = next(p for p in seat["personas"] if p["key"] == "nga")
            self.stdout.write(
                f"  chỗ {seat['seat']:>3}  {seat['code']}  {seat['url']}  "
                f"Nga: {nga['username']} / {nga['password']}"
            )
