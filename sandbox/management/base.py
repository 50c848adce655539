"""The base of the commands that create or print the sandbox personas."""

from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, CommandError

PRODUCTION_REFUSAL = (
    "Lệnh này tạo hoặc in các tài khoản thử nghiệm có mật khẩu công khai (cả một tài khoản "
    "cán bộ), nên không chạy với cấu hình production. Hãy dùng config.settings.local."
)


class PersonaCommand(BaseCommand):
    """A command about the personas, refused where SANDBOX_PERSONAS_ALLOWED is off."""

    def execute(self, *args: Any, **options: Any) -> str | None:
        if not settings.SANDBOX_PERSONAS_ALLOWED:
            raise CommandError(PRODUCTION_REFUSAL)
        return super().execute(*args, **options)
