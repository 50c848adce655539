"""Delete expired workspaces with everything in them (run it hourly, beside purge_vneid)."""

from typing import Any

from django.core.management import BaseCommand

from sandbox.workspaces import purge_expired


class Command(BaseCommand):
    help = "Delete expired workspaces (classes' seats, CI runs) with all their data; run hourly."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired()
        self.stdout.write(f"Đã xoá {deleted} không gian làm việc hết hạn.")
