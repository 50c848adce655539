"""Fill the business registry with realistic fictional enterprises (idempotent per seed)."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from business_registry.seeding import DEFAULT_SEED, load


class Command(BaseCommand):
    help = "Thêm doanh nghiệp, hộ kinh doanh hư cấu (mã số thuế đúng chữ số kiểm tra)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--count", type=int, default=1000, help="số doanh nghiệp cần tạo")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="hạt giống ngẫu nhiên")

    def handle(self, *args: Any, count: int, seed: int, **options: Any) -> None:
        if count < 0:
            raise CommandError("--count phải là số không âm.")
        started = time.monotonic()
        added = load(count, seed=seed)
        elapsed = time.monotonic() - started
        self.stdout.write(f"Đã thêm {added} doanh nghiệp trong {elapsed:.1f} giây.")
