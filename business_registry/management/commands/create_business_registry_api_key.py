"""Register a consuming system of the business registry API and print its key once."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from business_registry.models import ApiClient
from business_registry.services import create_api_client


class Command(BaseCommand):
    help = "Tạo khoá API cho một hệ thống kết nối; khoá chỉ được in ra một lần (JSON)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", required=True, help="tên hệ thống kết nối")
        parser.add_argument(
            "--can-read-records",
            action="store_true",
            help="cho phép tra cứu toàn bộ hồ sơ doanh nghiệp (lookup)",
        )

    def handle(self, *args: Any, name: str, can_read_records: bool, **options: Any) -> None:
        name = name.strip()
        if not name:
            raise CommandError("--name không được để trống.")
        if ApiClient.objects.filter(name=name).exists():
            raise CommandError(f"Đã có hệ thống kết nối tên “{name}”.")
        client, raw_key = create_api_client(name=name, can_read_records=can_read_records)
        self.stdout.write(json.dumps({"name": client.name, "api_key": raw_key}, ensure_ascii=False))
