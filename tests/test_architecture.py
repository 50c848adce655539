"""The organisations talk over HTTP only: the import-linter contracts in pyproject.toml hold."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Every contract in pyproject.toml ran: none was skipped by a typo in its table.
    assert f"Contracts: {len(contracts)} kept, 0 broken." in result.stdout


def test_layers_contract_places_every_package():
    linter = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in linter["contracts"] if c["type"] == "layers"]
    layered = {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}
    expected = set(linter["root_packages"]) - {"identity"} | {
        "vneid",
        "identity.relying_party",
        "identity.national_login",
    }
    # A package missing from the layers could import anything and bring a cycle back.
    assert layered == expected


def test_only_the_sandbox_and_the_configuration_import_the_business_registry():
    linter = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    forbidding = set()
    for contract in linter["contracts"]:
        if contract["type"] == "forbidden" and "business_registry" in contract.get(
            "forbidden_modules", []
        ):
            forbidding.update(contract["source_modules"])
    # VNeID checks an organisation against the registry over HTTP only, like every other
    # consumer; only the sandbox (seeding) and config (URLs, apps) may reach into it.
    allowed = {"config", "sandbox", "business_registry"}
    assert set(linter["root_packages"]) - allowed <= forbidding
