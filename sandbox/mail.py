"""An e-mail backend that files every message in the sandbox outbox instead of sending it."""

from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from .models import OutboxMessage


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            OutboxMessage.objects.create(
                channel=OutboxMessage.Channel.EMAIL,
                recipients=", ".join(message.recipients()),
                # Both may be lazy translations; the columns hold their text.
                subject=str(message.subject),
                body=str(message.body),
            )
        return len(email_messages)
