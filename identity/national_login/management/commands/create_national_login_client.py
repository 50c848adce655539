"""Register a portal with the national login service; print its client id and secret once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from identity.national_login import services
from identity.national_login.models import AttributeProfile


class Command(BaseCommand):
    help = (
        "Đăng ký một cổng dịch vụ công với Hệ thống xác thực; in client_id và client_secret "
        "(chỉ hiển thị một lần)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Tên hệ thống, ví dụ 'Cổng DVC tỉnh X'.")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            required=True,
            dest="redirect_uris",
            help="Địa chỉ chuyển hướng (callback); lặp lại cho nhiều địa chỉ.",
        )
        parser.add_argument(
            "--post-logout-redirect-uri",
            action="append",
            default=[],
            dest="post_logout_redirect_uris",
            help="Địa chỉ quay lại sau đăng xuất.",
        )
        parser.add_argument("--backchannel-logout-uri", default="")
        parser.add_argument("--frontchannel-logout-uri", default="")
        parser.add_argument(
            "--attribute-profile",
            default=AttributeProfile.DVCQG,
            choices=AttributeProfile.values,
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client, secret = services.create_client(
                name=options["name"],
                redirect_uris=options["redirect_uris"],
                post_logout_redirect_uris=options["post_logout_redirect_uris"],
                backchannel_logout_uri=options["backchannel_logout_uri"],
                frontchannel_logout_uri=options["frontchannel_logout_uri"],
                attribute_profile=options["attribute_profile"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"client_id: {client.client_id}")
        self.stdout.write(f"client_secret: {secret}")
        self.stdout.write("Lưu client_secret ngay: hệ thống chỉ lưu bản băm, không hiển thị lại.")
