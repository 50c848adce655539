"""Send again the back-channel logouts that portals did not accept (fresh tokens each time)."""

from typing import Any

from django.core.management.base import BaseCommand

from identity.national_login.logout import retry_deliveries


class Command(BaseCommand):
    help = "Gửi lại các thông báo đăng xuất back-channel chưa gửi được tới cổng dịch vụ công."

    def handle(self, *args: Any, **options: Any) -> None:
        delivered, failing = retry_deliveries()
        self.stdout.write(f"delivered: {delivered}, still failing: {failing}")
