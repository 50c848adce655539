"""Provincial personas as the tests use them: Nga's CMND-only account, An's with his CCCD."""

from datetime import date

from provincial_portal.services import (
    ProvincialAccountSeed,
    ProvincialDossierSeed,
    seed_accounts,
)
from tests.personas import AN_CCCD, NGA_CMND

PROVINCIAL_PASSWORD = "QuangNam@2023"

NGA_SEED = ProvincialAccountSeed(
    username="tothinga1990",
    password=PROVINCIAL_PASSWORD,
    full_name="Tô Thị Nga",
    birth_date=date(1990, 3, 15),
    cmnd_number=NGA_CMND,
    dossiers=(
        ProvincialDossierSeed(
            code="000.00.QNA.H47-230412-0007",
            procedure="Đăng ký khai sinh",
            status="done",
            submitted_on=date(2023, 4, 12),
        ),
        ProvincialDossierSeed(
            code="000.00.QNA.H47-231105-0031",
            procedure="Cấp giấy phép xây dựng nhà ở riêng lẻ",
            status="processing",
            submitted_on=date(2023, 11, 5),
        ),
    ),
)
AN_SEED = ProvincialAccountSeed(
    username="nguyenvanan85",
    password=PROVINCIAL_PASSWORD,
    full_name="Nguyễn Văn An",
    birth_date=date(1985, 7, 2),
    cccd_number=AN_CCCD,
    dossiers=(
        ProvincialDossierSeed(
            code="000.00.QNA.H47-230901-0012",
            procedure="Chứng thực bản sao từ bản chính",
            status="done",
            submitted_on=date(2023, 9, 1),
        ),
    ),
)


def seed_nga_and_an():
    seed_accounts([NGA_SEED, AN_SEED])
