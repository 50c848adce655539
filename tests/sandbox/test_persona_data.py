"""The personas are read from a data file into the dataclasses the seeding code takes."""

import ast
from datetime import date
from pathlib import Path

import pytest

import sandbox
from accounts.roles import ACCOUNT_OFFICER
from sandbox.persona_data import PERSONAS_BY_KEY, PersonaDossier, load_personas
from tests.personas import NGA_CCCD, NGA_CMND, PORTAL_PASSWORD, VNEID_PASSWORD

MINIMAL = """
password = "P"
vneid_password = "V"

[procedures]
birth = ["1.004884", "Đăng ký khai sinh"]

[[personas]]
key = "mai"
role = "Thử"
roles = {roles}

[personas.citizen]
cccd_number = "001190000001"
full_name = "Trần Thị Mai"
birth_date = 1990-01-02

[[personas.dossiers]]
code = "G22.230410.000999"
procedure = "birth"
status = "completed"
submitted_on = 2023-04-10
"""


def test_the_shipped_file_gives_every_persona_its_numbers_dates_and_passwords():
    personas, password, vneid_password = load_personas()

    nga = next(persona for persona in personas if persona.key == "nga")
    assert (password, vneid_password) == (PORTAL_PASSWORD, VNEID_PASSWORD)
    assert (nga.citizen["cccd_number"], nga.account["username"]) == (NGA_CCCD, NGA_CMND)
    assert nga.citizen["birth_date"] == date(1990, 3, 15)
    assert nga.dossiers[0] == PersonaDossier(
        "G22.230410.000101",
        "1.001233",
        "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam",
        "completed",
        date(2023, 4, 10),
    )
    assert [persona.key for persona in personas] == list(PERSONAS_BY_KEY)


def test_a_persona_without_an_account_or_a_vneid_level_in_the_file_has_neither():
    assert PERSONAS_BY_KEY["hoa"].account is None
    assert PERSONAS_BY_KEY["dung"].vneid_level is None
    assert PERSONAS_BY_KEY["khoa"].vneid_level == 1
    assert PERSONAS_BY_KEY["lan"].roles == (ACCOUNT_OFFICER,)


def test_a_data_file_is_read_with_its_procedures_named_once(tmp_path):
    path = tmp_path / "personas.toml"
    path.write_text(MINIMAL.format(roles="[]"), encoding="utf-8")

    (mai,), password, vneid_password = load_personas(path)

    assert (password, vneid_password) == ("P", "V")
    assert mai.account is None and mai.vneid_level is None and mai.roles == ()
    assert mai.dossiers[0].procedure_name == "Đăng ký khai sinh"


def test_a_data_file_naming_an_unknown_role_is_refused(tmp_path):
    path = tmp_path / "personas.toml"
    path.write_text(MINIMAL.format(roles='["Thủ quỹ"]'), encoding="utf-8")

    with pytest.raises(ValueError, match="unknown roles"):
        load_personas(path)


SEEDING_MODULES = ("personas", "workspaces", "progress", "usb_tokens", "signing_sims")


@pytest.mark.parametrize("module", SEEDING_MODULES)
def test_the_sandbox_reaches_the_organisations_rows_only_through_their_services(module):
    tree = ast.parse((Path(sandbox.__file__).parent / f"{module}.py").read_text(encoding="utf-8"))
    foreign_models = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").endswith(".models")
        and not (node.module or "").startswith("sandbox")
        for alias in node.names
    }

    queried = {
        node.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "objects"
        and isinstance(node.value, ast.Name)
        and node.value.id in foreign_models
    }
    calls = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }

    assert not queried
    assert "get_user_model" not in calls
