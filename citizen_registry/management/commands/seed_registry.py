"""Fill the population database with realistic fictional citizens, fast."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from citizen_registry.seeding import DEFAULT_SEED, seed_citizens


class Command(BaseCommand):
    help = (
        "Thêm N công dân hư cấu (tên tiếng Việt, số CCCD/CMND hợp lệ) vào CSDL dân cư. "
        "Cùng --seed cho cùng dữ liệu; số đã có được bỏ qua, nên chạy lại không tạo bản sao."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="số công dân cần tạo")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"hạt giống (mặc định {DEFAULT_SEED})"
        )

    def handle(self, *args: Any, count: int, seed: int, **options: Any) -> None:
        if count < 0:
            raise CommandError("--count phải là số không âm.")
        report = seed_citizens(count, seed=seed)
        self.stdout.write(
            f"Đã thêm {report.inserted} công dân, bỏ qua {report.skipped} số đã có, "
            f"trong {report.seconds:.1f} s ({report.rows_per_second:,.0f} dòng/giây)."
        )
