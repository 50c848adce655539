"""Make a new RSA key sign VNeID ID tokens; earlier keys stay published."""

from typing import Any

from django.core.management.base import BaseCommand

from vneid.keys import rotate_signing_key


class Command(BaseCommand):
    help = (
        "Tạo khoá ký ID token mới và dùng nó để ký; các khoá cũ vẫn được công bố trong JWKS "
        "để token đã cấp vẫn kiểm tra được."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        key = rotate_signing_key()
        self.stdout.write(key.kid)
