"""Register a relying party with VNeID and print its credentials once, as JSON."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator

from vneid.services import create_client


def _checked_uri(value: str) -> str:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise CommandError(f"Địa chỉ không hợp lệ: {value}") from None
    return value


class Command(BaseCommand):
    help = (
        "Đăng ký một hệ thống kết nối VNeID (OpenID Connect); in client_id và client_secret "
        "dưới dạng JSON. client_secret chỉ được in ra một lần."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", required=True, help="tên hệ thống kết nối")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            required=True,
            dest="redirect_uris",
            help="địa chỉ nhận mã uỷ quyền (lặp lại tham số để khai nhiều địa chỉ)",
        )
        parser.add_argument(
            "--post-logout-uri",
            action="append",
            default=[],
            dest="post_logout_uris",
            help="địa chỉ quay lại sau khi đăng xuất (có thể lặp lại)",
        )
        parser.add_argument(
            "--backchannel-logout-uri",
            default="",
            help="địa chỉ nhận logout token khi phiên VNeID kết thúc (back-channel; tuỳ chọn)",
        )
        parser.add_argument(
            "--frontchannel-logout-uri",
            default="",
            help="địa chỉ đăng xuất mở trong khung ẩn của trang đăng xuất VNeID (không bắt buộc)",
        )

    def handle(
        self,
        *args: Any,
        name: str,
        redirect_uris: list[str],
        post_logout_uris: list[str],
        backchannel_logout_uri: str,
        frontchannel_logout_uri: str,
        **options: Any,
    ) -> None:
        name = name.strip()
        if not name:
            raise CommandError("--name không được để trống.")
        client, raw_secret = create_client(
            name=name,
            redirect_uris=[_checked_uri(uri) for uri in redirect_uris],
            post_logout_redirect_uris=[_checked_uri(uri) for uri in post_logout_uris],
            backchannel_logout_uri=_checked_uri(backchannel_logout_uri)
            if backchannel_logout_uri
            else "",
            frontchannel_logout_uri=_checked_uri(frontchannel_logout_uri)
            if frontchannel_logout_uri
            else "",
        )
        credentials = {"client_id": client.client_id, "client_secret": raw_secret}
        self.stdout.write(json.dumps(credentials))
