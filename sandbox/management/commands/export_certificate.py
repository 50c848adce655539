"""Write a persona's USB token certificate and key as a PKCS#12 file and print its password."""

from pathlib import Path
from typing import Any

from django.core.management import BaseCommand, CommandError
from django.core.management.base import CommandParser

from certificate_authority import services as ca
from sandbox.personas import PERSONAS_BY_KEY, ensure_personas
from sandbox.usb_tokens import PKCS12_PASSWORD, persona_token


class Command(BaseCommand):
    help = (
        "Export a persona's certificate, private key and the CA root as PKCS#12, for "
        "integration teams testing their own signature checks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persona", required=True, help="Persona key, e.g. nga.")
        parser.add_argument(
            "--out", help="File to write (default: <persona>-usb-ky-so.p12 in this folder)."
        )

    def handle(self, *args: Any, persona: str, out: str | None, **options: Any) -> None:
        if persona not in PERSONAS_BY_KEY:
            raise CommandError(
                f"Không có persona '{persona}'. Các persona: {', '.join(PERSONAS_BY_KEY)}."
            )
        ensure_personas()
        token = persona_token(PERSONAS_BY_KEY[persona])
        if token is None:
            raise CommandError(
                f"Persona '{persona}' không có tài khoản Cổng nên không có USB ký số."
            )
        path = Path(out or f"{persona}-usb-ky-so.p12")
        path.write_bytes(
            ca.export_pkcs12(
                certificate=token.certificate,
                password=PKCS12_PASSWORD,
                reason="Xuất tệp PKCS#12 của persona bằng lệnh export_certificate",
            )
        )
        certificate = token.certificate
        self.stdout.write(f"file: {path}")
        self.stdout.write(f"password: {PKCS12_PASSWORD}")
        self.stdout.write(f"subject: CN={certificate.holder_name}, UID={certificate.subject_uid}")
        self.stdout.write(f"serial: {certificate.serial_number}")
