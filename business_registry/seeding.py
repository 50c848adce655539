"""Fast generation and bulk loading of realistic fictional enterprises and their representatives.

Codes carry the real check digit and start with a real tax office's province prefix; names,
addresses and people are made up. A class's sandbox needs a registry that is not empty besides
the personas' companies, so that a lookup of a mistyped but valid code finds someone else's.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from idnumbers.numbers import FEMALE, MALE, make_cccd
from idnumbers.tax_codes import with_check_digit

from .models import Enterprise, LegalRepresentative

DEFAULT_SEED = 2026
BATCH_SIZE = 5_000
# Tax codes begin with the province of the tax office that issued them; CCCDs with the birth
# province. (tax prefix, CCCD province code, city or province as written in addresses)
PLACES = [
    ("01", "001", "Hà Nội"),
    ("03", "079", "TP. Hồ Chí Minh"),
    ("04", "048", "TP. Đà Nẵng"),
    ("40", "049", "Quảng Nam"),
    ("33", "046", "Thừa Thiên Huế"),
    ("02", "031", "TP. Hải Phòng"),
]
KINDS = [
    (Enterprise.Kind.LLC_SINGLE, "Công ty TNHH", 38),
    (Enterprise.Kind.LLC_MULTI, "Công ty TNHH", 20),
    (Enterprise.Kind.JOINT_STOCK, "Công ty Cổ phần", 18),
    (Enterprise.Kind.PRIVATE_ENTERPRISE, "Doanh nghiệp tư nhân", 4),
    (Enterprise.Kind.PARTNERSHIP, "Công ty hợp danh", 1),
    (Enterprise.Kind.HOUSEHOLD_BUSINESS, "Hộ kinh doanh", 19),
]
TRADES = [
    "Thương mại", "Dịch vụ", "Xây dựng", "Du lịch", "Vận tải", "Cơ khí", "Thực phẩm",
    "Nội thất", "Công nghệ", "Dệt may", "Nông sản", "Thủy sản", "Tư vấn", "Điện tử",
]  # fmt: skip
BRANDS = [
    "Hòa Phát", "Minh Long", "An Khang", "Phú Thịnh", "Sao Mai", "Thành Công", "Bình Minh",
    "Trường Sơn", "Hồng Hà", "Việt Tiến", "Kim Ngân", "Đại Dương", "Ngọc Lan", "Tân Phú",
    "Hưng Thịnh", "Phương Nam", "Bảo An", "Thiên Ân", "Hải Âu", "Quang Minh",
]  # fmt: skip
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
GIVEN = {
    MALE: ["Văn Hùng", "Minh Tuấn", "Quốc Bảo", "Đức Anh", "Hữu Phước", "Thanh Sơn"],
    FEMALE: ["Thị Lan", "Ngọc Ánh", "Thu Hà", "Thị Hương", "Minh Thư", "Thanh Vân"],
}
STREETS = ["Trần Phú", "Lê Lợi", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Hùng Vương"]
POSITIONS = {
    Enterprise.Kind.HOUSEHOLD_BUSINESS: "Chủ hộ kinh doanh",
    Enterprise.Kind.PRIVATE_ENTERPRISE: "Chủ doanh nghiệp",
    Enterprise.Kind.JOINT_STOCK: "Tổng giám đốc",
}


@dataclass(frozen=True)
class Generated:
    enterprise: Enterprise
    representative: LegalRepresentative


def _enterprise(rng: random.Random) -> Generated | None:
    tax_prefix, cccd_province, place = rng.choice(PLACES)
    code = with_check_digit(f"{tax_prefix}{rng.randrange(10**7):07d}")
    if code is None:
        return None
    kind, label, _ = rng.choices(KINDS, weights=[k[2] for k in KINDS])[0]
    brand = rng.choice(BRANDS)
    if kind == Enterprise.Kind.HOUSEHOLD_BUSINESS:
        name = f"{label} {rng.choice(TRADES)} {brand}"
    elif kind == Enterprise.Kind.LLC_SINGLE:
        name = f"{label} Một thành viên {rng.choice(TRADES)} {brand}"
    else:
        name = f"{label} {rng.choice(TRADES)} {brand}"
    established = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
    status = rng.choices(
        [Enterprise.Status.ACTIVE, Enterprise.Status.SUSPENDED, Enterprise.Status.DISSOLVED],
        weights=[90, 6, 4],
    )[0]
    gender = rng.choice([MALE, FEMALE])
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(12000))
    enterprise = Enterprise(
        enterprise_code=code,
        kind=kind,
        name=name,
        short_name="",
        foreign_name="",
        established_on=established,
        head_office_address=f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, {place}",
        status=status,
    )
    representative = LegalRepresentative(
        enterprise=enterprise,
        cccd_number=make_cccd(cccd_province, birth, gender, rng.randrange(10**6)),
        full_name=f"{rng.choice(FAMILY_NAMES)} {rng.choice(GIVEN[gender])}",
        position=POSITIONS.get(kind, "Giám đốc"),
        since=established,
    )
    return Generated(enterprise, representative)


def generate(count: int, *, seed: int = DEFAULT_SEED) -> Iterator[Generated]:
    """Yield count fictional enterprises with distinct codes, the same ones for the same seed."""
    rng = random.Random(seed)  # noqa: S311 — reproducible fiction, not a secret
    seen: set[str] = set()
    while len(seen) < count:
        made = _enterprise(rng)
        if made is None or made.enterprise.enterprise_code in seen:
            continue
        seen.add(made.enterprise.enterprise_code)
        yield made


def load(count: int, *, seed: int = DEFAULT_SEED) -> int:
    """Add up to count fictional enterprises whose codes are not taken; return how many."""
    added = 0
    batch: list[Generated] = []

    def flush() -> None:
        nonlocal added
        codes = [g.enterprise.enterprise_code for g in batch]
        taken = set(
            Enterprise.objects.filter(enterprise_code__in=codes).values_list(
                "enterprise_code", flat=True
            )
        )
        fresh = [g for g in batch if g.enterprise.enterprise_code not in taken]
        with transaction.atomic():
            # bulk_create sets primary keys on SQLite and PostgreSQL alike.
            Enterprise.objects.bulk_create([g.enterprise for g in fresh])
            for g in fresh:
                g.representative.enterprise = g.enterprise
            LegalRepresentative.objects.bulk_create([g.representative for g in fresh])
        added += len(fresh)
        batch.clear()

    for made in generate(count, seed=seed):
        batch.append(made)
        if len(batch) >= BATCH_SIZE:
            flush()
    if batch:
        flush()
    return added
