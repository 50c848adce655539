"""Fast generation and bulk loading of realistic fictional citizens."""

import csv
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any, Self, TypeVar

from django.db import connection, transaction
from django.db.models import Field

import idnumbers
from idnumbers.numbers import FEMALE, MALE, make_cccd, province_codes

from .models import RECORD_FIELDS, Citizen

# Fixed, so that a seed gives the same citizens whatever day it is run.
REFERENCE_DATE = date(2025, 12, 31)
DEFAULT_SEED = 2025
BATCH_SIZE = 50_000
# CMND was replaced by the CCCD: only people born before this year were issued one.
LAST_CMND_BIRTH_YEAR = 1994
# Chip-less CCCD cards were first issued in 2016; none before.
FIRST_CARD_DATE = date(2016, 1, 1)
# Sixteen years, counted generously (four leap days) so the card always comes after the birthday.
SIXTEEN_YEARS_IN_DAYS = 16 * 365 + 4

FAMILY_NAMES = {
    "Nguyễn": 38.0, "Trần": 11.0, "Lê": 9.5, "Phạm": 7.0, "Hoàng": 3.2, "Huỳnh": 2.0,
    "Phan": 4.5, "Vũ": 2.4, "Võ": 1.5, "Đặng": 2.1, "Bùi": 2.0, "Đỗ": 1.4, "Hồ": 1.3,
    "Ngô": 1.3, "Dương": 1.0, "Lý": 0.5, "Tô": 0.3, "Trịnh": 0.5, "Đinh": 0.5, "Lâm": 0.4,
    "Mai": 0.4, "Trương": 0.5, "Cao": 0.3, "Lưu": 0.2, "Hà": 0.3, "Tạ": 0.2, "Đoàn": 0.4,
    "Lương": 0.3, "Châu": 0.2, "Phùng": 0.2, "Triệu": 0.2, "Kiều": 0.1, "Quách": 0.1,
    "Chu": 0.1, "Lại": 0.1, "Vương": 0.1,
}  # fmt: skip
MIDDLE_NAMES = {
    MALE: {
        "Văn": 30, "Đức": 8, "Minh": 8, "Quốc": 6, "Hữu": 6, "Thanh": 5, "Công": 5, "Đình": 4,
        "Ngọc": 4, "Xuân": 4, "Quang": 3, "Anh": 3, "Gia": 3, "Hoàng": 3, "Trọng": 3, "Thế": 2,
        "Tuấn": 2, "Thành": 2, "Mạnh": 2, "Bảo": 2, "Duy": 2, "Việt": 2, "Huy": 2, "Tiến": 1,
        "Khắc": 1, "Hải": 1, "Trung": 1, "Chí": 1,
    },
    FEMALE: {
        "Thị": 40, "Ngọc": 7, "Thu": 5, "Thanh": 5, "Minh": 4, "Phương": 3, "Bảo": 3,
        "Hồng": 3, "Kim": 3, "Thùy": 3, "Khánh": 2, "Mai": 2, "Quỳnh": 2, "Mỹ": 2, "Như": 2,
        "Bích": 2, "Diệu": 1, "Hoài": 1, "Huyền": 1, "Lan": 1, "Tường": 1, "Cẩm": 1, "Hải": 1,
        "Vân": 1, "Yến": 1, "Ánh": 1,
    },
}  # fmt: skip
# A second middle name, as in "Nguyễn Thị Thanh Hương", for about one person in six.
SECOND_MIDDLE_NAMES = {
    MALE: ["Anh", "Minh", "Quang", "Hoàng", "Tuấn", "Đức", "Gia", "Bảo", "Nhật", "Thiên"],
    FEMALE: ["Thanh", "Ngọc", "Thu", "Minh", "Bảo", "Khánh", "Phương", "Mai", "Diệu", "Quỳnh"],
}
SECOND_MIDDLE_SHARE = 0.16
GIVEN_NAMES = {
    MALE: [
        "An", "Anh", "Bảo", "Bình", "Cường", "Chiến", "Công", "Dũng", "Duy", "Dương", "Đạt",
        "Đông", "Đức", "Giang", "Hải", "Hào", "Hậu", "Hiếu", "Hiển", "Hòa", "Hoàng", "Hùng",
        "Huy", "Hưng", "Khải", "Khang", "Khánh", "Khoa", "Khôi", "Kiên", "Lâm", "Lộc", "Lợi",
        "Long", "Luân", "Mạnh", "Minh", "Nam", "Nghĩa", "Nhân", "Nhật", "Phát", "Phong", "Phú",
        "Phúc", "Phước", "Quân", "Quang", "Quý", "Sang", "Sơn", "Tài", "Tâm", "Tân", "Thắng",
        "Thành", "Thiện", "Thịnh", "Thông", "Tiến", "Toàn", "Trí", "Trung", "Trường", "Tú",
        "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Vương"
    ],
    FEMALE: [
        "An", "Anh", "Ánh", "Bích", "Châu", "Chi", "Diễm", "Diệp", "Dung", "Duyên", "Giang",
        "Hà", "Hạnh", "Hằng", "Hân", "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Hường", "Huyền",
        "Khanh", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngà", "Ngân", "Nghi",
        "Ngọc", "Nhi", "Nhung", "Oanh", "Phương", "Phượng", "Quyên", "Quỳnh", "Tâm", "Thảo",
        "Thanh", "Thắm", "Thơ", "Thủy", "Thư", "Thúy", "Trang", "Trâm", "Trinh", "Tú", "Tuyết",
        "Uyên", "Vân", "Vy", "Xuân", "Yến"
    ],
}  # fmt: skip
ETHNICITIES = {
    "Kinh": 85.3, "Tày": 1.9, "Thái": 1.9, "Mường": 1.5, "H'Mông": 1.5, "Khmer": 1.4,
    "Nùng": 1.1, "Dao": 0.9, "Hoa": 0.8, "Gia Rai": 0.5, "Ê Đê": 0.4, "Ba Na": 0.3,
    "Sán Chay": 0.2, "Chăm": 0.2, "Cơ Ho": 0.2,
}  # fmt: skip
STATUSES = {
    Citizen.Status.ALIVE.value: 97.0,
    Citizen.Status.DECEASED.value: 2.0,
    Citizen.Status.CARD_REVOKED.value: 1.0,
}
# Rough population in millions, so big provinces get more births; the rest weigh 1.
PROVINCE_WEIGHTS = {
    "001": 8.5, "079": 9.4, "038": 3.7, "040": 3.4, "075": 3.3, "074": 2.7, "031": 2.1,
    "089": 1.9, "030": 1.9, "066": 1.9, "034": 1.9, "024": 1.9, "036": 1.8, "082": 1.8,
    "091": 1.7, "080": 1.7, "087": 1.6, "064": 1.6, "049": 1.5, "052": 1.5, "025": 1.5,
    "027": 1.4, "022": 1.3, "014": 1.3, "042": 1.3, "019": 1.3, "068": 1.3, "033": 1.3,
    "083": 1.3, "060": 1.2, "092": 1.2, "051": 1.2, "026": 1.2, "056": 1.2, "077": 1.2,
    "094": 1.2, "072": 1.2, "048": 1.2, "096": 1.2, "046": 1.1, "044": 0.9, "054": 0.9,
    "002": 0.9, "017": 0.9, "035": 0.9, "095": 0.9, "020": 0.8, "015": 0.8, "008": 0.8,
    "010": 0.8, "093": 0.7, "067": 0.7, "011": 0.6, "045": 0.6, "058": 0.6, "062": 0.6,
    "004": 0.5, "012": 0.5, "006": 0.3,
}  # fmt: skip
STAY_IN_BIRTH_PROVINCE = 0.8
ORIGIN_IS_BIRTH_PROVINCE = 0.75
COMMUNES = [
    "An Bình", "An Phú", "Bình An", "Bình Minh", "Đông Hòa", "Hòa Bình", "Hòa Lạc", "Hưng Đạo",
    "Hưng Thịnh", "Long Hưng", "Minh Khai", "Nam Sơn", "Phú Lợi", "Phú Thịnh", "Phước Long",
    "Quang Trung", "Tân An", "Tân Bình", "Tân Hòa", "Tân Lập", "Tân Phong", "Tân Phú",
    "Tân Thành", "Thạnh Phú", "Thanh Xuân", "Thịnh Long", "Trung Hòa", "Trung Sơn", "Xuân Hòa",
    "Đồng Tâm", "Hồng Phong", "Nghĩa Hưng", "Quảng Phú", "Yên Bình", "Kim Liên", "Vĩnh Hưng",
    "Hải Anh", "Cẩm Thành", "Đại Đồng", "Thuận An",
]  # fmt: skip
STREETS = [
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
    "Nguyễn Huệ", "Lê Duẩn", "Điện Biên Phủ", "Hùng Vương", "Trần Phú", "Phan Đình Phùng",
    "Nguyễn Du", "Bà Triệu", "Lê Lai", "Võ Thị Sáu", "Hoàng Diệu", "Chu Văn An", "Phan Chu Trinh",
    "Lạc Long Quân", "Ngô Quyền", "Nguyễn Thái Học", "Lê Hồng Phong", "Tôn Đức Thắng",
]  # fmt: skip

COLUMNS = RECORD_FIELDS
# One generated citizen, its values in COLUMNS order.
Row = tuple[Any, ...]
Value = TypeVar("Value")


def _weighted(table: Mapping[Value, float]) -> tuple[list[Value], list[float]]:
    """Return (values, cumulative weights) for random.choices."""
    return list(table), list(accumulate(table.values()))


@cache
def _current_province_names() -> dict[str, str]:
    """Return {code: province name since the 2025 merger}, used in today's addresses."""
    path = Path(idnumbers.__file__).with_name("province_codes.csv")
    with path.open(encoding="utf-8") as handle:
        return {row["code"]: row["merged_into_2025"] for row in csv.DictReader(handle)}


def _birth_year_weights() -> dict[int, float]:
    # Flat for the working-age and young population, thinning out for the oldest.
    return {
        year: 1.0 if year >= 1960 else max(0.05, 1 - (1960 - year) * 0.03)
        for year in range(1930, REFERENCE_DATE.year - 5)
    }


@dataclass
class SeedReport:
    """What one run of the seeding did."""

    generated: int
    inserted: int
    seconds: float

    @property
    def skipped(self) -> int:
        return self.generated - self.inserted

    @property
    def rows_per_second(self) -> float:
        return self.inserted / self.seconds if self.seconds else 0.0


class CitizenGenerator:
    """Make rows of fictional citizens, reproducibly for a seed, with numbers not yet taken."""

    def __init__(
        self,
        seed: int,
        *,
        taken_cccd_numbers: Iterable[str] = (),
        taken_cmnd_numbers: Iterable[str] = (),
    ) -> None:
        # Reproducible fictional data, not secrets: a seeded PRNG is what is wanted here.
        self.rng = random.Random(seed)  # noqa: S311
        # Re-draws of a CMND that is already taken use their own stream, so the main
        # stream (and therefore every CCCD) does not depend on what the database holds.
        self.cmnd_rng = random.Random(f"{seed}/cmnd")  # noqa: S311
        # Numbers drawn in this run (so the run alone decides re-draws) and numbers the
        # database already holds (whose citizens are not generated again).
        self.cccd_numbers: set[str] = set()
        self.taken_cccd_numbers = set(taken_cccd_numbers)
        self.cmnd_numbers = set(taken_cmnd_numbers)
        codes = province_codes()
        self.provinces, self.province_cum = _weighted(
            {code: PROVINCE_WEIGHTS.get(code, 1.0) for code in codes}
        )
        self.province_names = dict(codes)
        self.current_province_names = _current_province_names()
        self.years, self.year_cum = _weighted(_birth_year_weights())
        self.year_start = {y: date(y, 1, 1).toordinal() for y in self.years}
        self.year_length = {
            y: date(y + 1, 1, 1).toordinal() - self.year_start[y] for y in self.years
        }
        self.families, self.family_cum = _weighted(FAMILY_NAMES)
        self.middles = {gender: _weighted(MIDDLE_NAMES[gender]) for gender in (MALE, FEMALE)}
        self.ethnicities, self.ethnicity_cum = _weighted(ETHNICITIES)
        self.statuses, self.status_cum = _weighted(STATUSES)
        self.first_card_ordinal = FIRST_CARD_DATE.toordinal()
        self.reference_ordinal = REFERENCE_DATE.toordinal()

    def batch(self, size: int) -> list[Row]:
        """Return, as tuples in COLUMNS order, those of the next size citizens not yet held."""
        rng = self.rng
        random_ = rng.random
        choices = rng.choices
        genders = choices((MALE, FEMALE), k=size)
        years = choices(self.years, cum_weights=self.year_cum, k=size)
        births = [
            date.fromordinal(self.year_start[y] + int(random_() * self.year_length[y]))
            for y in years
        ]
        birth_codes = choices(self.provinces, cum_weights=self.province_cum, k=size)
        names = self._names(genders)
        cccds = self._cccd_numbers(birth_codes, births, genders)
        has_cmnd = [random_() < 0.97 and b.year <= LAST_CMND_BIRTH_YEAR for b in births]
        cmnd_draws = [int(random_() * 400_000_000) for _ in range(size)]
        origins = self._places(birth_codes, ORIGIN_IS_BIRTH_PROVINCE, self._origin)
        addresses = self._places(birth_codes, STAY_IN_BIRTH_PROVINCE, self._address)
        card_dates = [self._card_date(b) for b in births]
        ethnicities = choices(self.ethnicities, cum_weights=self.ethnicity_cum, k=size)
        statuses = choices(self.statuses, cum_weights=self.status_cum, k=size)
        province_names = self.province_names
        return [
            (
                cccds[i],
                self._cmnd(cmnd_draws[i]) if has_cmnd[i] else "",
                names[i],
                births[i],
                genders[i],
                province_names[birth_codes[i]],
                origins[i],
                addresses[i],
                ethnicities[i],
                "Việt Nam",
                card_dates[i],
                statuses[i],
            )
            for i in range(size)
            if cccds[i] not in self.taken_cccd_numbers
        ]

    def _names(self, genders: list[str]) -> list[str]:
        size = len(genders)
        choices, random_ = self.rng.choices, self.rng.random
        families = choices(self.families, cum_weights=self.family_cum, k=size)
        by_gender: dict[str, tuple[list[str], list[str], list[str]]] = {}
        for gender in (MALE, FEMALE):
            values, cum = self.middles[gender]
            by_gender[gender] = (
                choices(values, cum_weights=cum, k=size),
                choices(SECOND_MIDDLE_NAMES[gender], k=size),
                choices(GIVEN_NAMES[gender], k=size),
            )
        extra = [random_() < SECOND_MIDDLE_SHARE for _ in range(size)]
        names = []
        for i, gender in enumerate(genders):
            middles, seconds, givens = by_gender[gender]
            middle = middles[i]
            if extra[i] and seconds[i] != middle:
                middle = f"{middle} {seconds[i]}"
            names.append(f"{families[i]} {middle} {givens[i]}")
        return names

    def _cccd_numbers(self, codes: list[str], births: list[date], genders: list[str]) -> list[str]:
        random_ = self.rng.random
        seen = self.cccd_numbers
        numbers = []
        for code, birth, gender in zip(codes, births, genders, strict=True):
            # A clash needs the same province, century, gender, year and 6-digit tail:
            # rare, and a re-draw from the main stream keeps the run reproducible.
            for _ in range(100):
                number = make_cccd(code, birth, gender, int(random_() * 1_000_000))
                if number not in seen:
                    break
            else:
                raise RuntimeError(f"No free CCCD left for {code}/{birth.year}/{gender}.")
            seen.add(number)
            numbers.append(number)
        return numbers

    def _cmnd(self, draw: int) -> str:
        taken = self.cmnd_numbers
        number = f"{draw:09d}"
        for _ in range(100):
            if number not in taken:
                taken.add(number)
                return number
            number = f"{int(self.cmnd_rng.random() * 400_000_000):09d}"
        raise RuntimeError("No free CMND number found after 100 draws.")

    def _places(
        self,
        birth_codes: list[str],
        same_share: float,
        render: Callable[[str, str, int, str], str],
    ) -> list[str]:
        choices, random_ = self.rng.choices, self.rng.random
        size = len(birth_codes)
        elsewhere = choices(self.provinces, cum_weights=self.province_cum, k=size)
        communes = choices(COMMUNES, k=size)
        numbers = [int(random_() * 200) + 1 for _ in range(size)]
        streets = choices(STREETS, k=size)
        return [
            render(
                birth_codes[i] if random_() < same_share else elsewhere[i],
                communes[i],
                numbers[i],
                streets[i],
            )
            for i in range(size)
        ]

    def _origin(self, code: str, commune: str, number: int, street: str) -> str:
        kind = "Phường" if code in ("001", "079") else "Xã"
        return f"{kind} {commune}, {self.province_names[code]}"

    def _address(self, code: str, commune: str, number: int, street: str) -> str:
        province = self.current_province_names[code]
        if number % 3:
            return f"Số {number} {street}, Phường {commune}, {province}"
        return f"Thôn {number % 12 + 1}, Xã {commune}, {province}"

    def _card_date(self, birth: date) -> date | None:
        start = max(self.first_card_ordinal, birth.toordinal() + SIXTEEN_YEARS_IN_DAYS + 1)
        span = self.reference_ordinal - start
        if span < 0:
            return None
        return date.fromordinal(start + int(self.rng.random() * (span + 1)))


def _column(name: str) -> str:
    """Return the quoted database column of one of Citizen's fields."""
    field = Citizen._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise ValueError(f"Citizen.{name} has no column of its own.")
    return connection.ops.quote_name(field.column)


def _insert_sql() -> str:
    table = connection.ops.quote_name(Citizen._meta.db_table)
    columns = ", ".join(_column(name) for name in COLUMNS)
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    unique = _column("cccd_number")
    # Both SQLite (3.24+) and PostgreSQL understand this; numbers already present are skipped.
    # Identifiers come from the model's metadata, values travel as parameters.
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({unique}) DO NOTHING"
    )


class _SqliteBulkLoad:
    """Trade durability for speed on this connection while loading, then put it back."""

    PRAGMAS = {
        "journal_mode": "MEMORY",
        "synchronous": "OFF",
        "cache_size": "-262144",
        "temp_store": "MEMORY",
    }

    def __enter__(self) -> Self:
        self.saved: dict[str, Any] = {}
        # Pragmas cannot change the journal inside a transaction (e.g. a caller's atomic).
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            return self
        with connection.cursor() as cursor:
            for name, value in self.PRAGMAS.items():
                cursor.execute(f"PRAGMA {name}")
                self.saved[name] = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA {name} = {value}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        with connection.cursor() as cursor:
            for name, value in self.saved.items():
                cursor.execute(f"PRAGMA {name} = {value}")


def _copy_sql() -> str:
    table = connection.ops.quote_name(Citizen._meta.db_table)
    columns = ", ".join(_column(name) for name in COLUMNS)
    return f"COPY {table} ({columns}) FROM STDIN"


def _copy_batches(generator: CitizenGenerator, count: int, batch_size: int) -> None:
    """Stream count generated citizens into PostgreSQL with one COPY."""
    # COPY cannot skip a conflicting row, but needs not: the generator already leaves out
    # every number the table holds, and this runs inside the caller's transaction.
    connection.ensure_connection()
    with connection.connection.cursor() as raw, raw.copy(_copy_sql()) as copy:
        done = 0
        while done < count:
            size = min(batch_size, count - done)
            for row in generator.batch(size):
                copy.write_row(row)
            done += size


def seed_citizens(
    count: int, *, seed: int = DEFAULT_SEED, batch_size: int = BATCH_SIZE
) -> SeedReport:
    """Insert count generated citizens, skipping numbers already present; return a SeedReport."""
    started = time.perf_counter()
    sql = _insert_sql()
    with _SqliteBulkLoad(), transaction.atomic(), connection.cursor() as cursor:
        before = Citizen.objects.count()
        held = Citizen.objects.values_list("cccd_number", "cmnd_number")
        taken_cccd: set[str] = set()
        taken_cmnd: set[str] = set()
        for cccd_number, cmnd_number in held.iterator(chunk_size=50_000):
            taken_cccd.add(cccd_number)
            taken_cmnd.add(cmnd_number)
        taken_cmnd.discard("")
        generator = CitizenGenerator(
            seed, taken_cccd_numbers=taken_cccd, taken_cmnd_numbers=taken_cmnd
        )
        if connection.vendor == "postgresql":
            _copy_batches(generator, count, batch_size)
        else:
            done = 0
            while done < count:
                size = min(batch_size, count - done)
                rows = generator.batch(size)
                if rows:
                    cursor.executemany(sql, rows)
                done += size
        inserted = Citizen.objects.count() - before
    return SeedReport(generated=count, inserted=inserted, seconds=time.perf_counter() - started)
