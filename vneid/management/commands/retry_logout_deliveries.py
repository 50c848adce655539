"""Send again, freshly minted, the logout tokens VNeID's clients did not accept."""

from typing import Any

from django.core.management.base import BaseCommand

from vneid.single_logout import retry_undelivered


class Command(BaseCommand):
    help = (
        "Gửi lại thông báo đăng xuất (back-channel) chưa gửi được tới các hệ thống kết nối VNeID, "
        "mỗi lần bằng logout token mới (chạy mỗi giờ cùng purge_vneid)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        delivered, failing = retry_undelivered()
        self.stdout.write(f"logout deliveries: {delivered} delivered, {failing} still failing")
