"""Delete the provincial portal's spent sessions, abandoned logins and old wrong passwords."""

from typing import Any

from django.core.management.base import BaseCommand

from provincial_portal.sessions import purge


class Command(BaseCommand):
    help = "Xoá phiên đăng nhập đã kết thúc, lượt đăng nhập bỏ dở và lần nhập sai mật khẩu cũ."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Đã xoá {purge()} bản ghi.")
