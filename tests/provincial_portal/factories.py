"""Provincial personas as the tests use them: Nga's CMND-only account, An's with his CCCD."""

from datetime import date

from provincial_portal.services import (
    ProvincialAccountSeed,
    ProvincialDossierSeed,
    ProvincialOrganisationSeed,
    seed_accounts,
    seed_organisation_accounts,
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


# Organisations (fictional): valid tax codes (check digit), people acting for them.
ORGANISATION_PASSWORD = "ToChucSandbox@2026"
HOIAN_TAX_CODE = "4001234569"
DIENBAN_TAX_CODE = "4009988776"
# The same nine digits with a wrong check digit.
HOIAN_WRONG_CHECK_DIGIT = "4001234560"
QUANG_CCCD = "049080001234"
THANH_CCCD = "049085002345"
MAI_CCCD = "048192003456"

HOIAN_SEED = ProvincialOrganisationSeed(
    tax_code=HOIAN_TAX_CODE,
    password=ORGANISATION_PASSWORD,
    name="Công ty TNHH Hội An Xanh",
    short_name="HOI AN XANH CO., LTD",
    kind="llc_single",
    established_on=date(2018, 3, 12),
    head_office_address="12 Trần Phú, phường Minh An, thành phố Hội An, tỉnh Quảng Nam",
    representative_name="Đặng Văn Quang",
    dossiers=(
        ProvincialDossierSeed(
            code="000.00.QNA.H47-240115-0102",
            procedure="Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa",
            status="done",
            submitted_on=date(2024, 1, 15),
        ),
        ProvincialDossierSeed(
            code="000.00.QNA.H47-250310-0044",
            procedure="Đăng ký nội quy lao động",
            status="processing",
            submitted_on=date(2025, 3, 10),
        ),
    ),
)


def seed_hoian():
    seed_organisation_accounts([HOIAN_SEED])
