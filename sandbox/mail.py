"""An e-mail backend that files every message in the sandbox outbox instead of sending it."""

from django.core.mail.backends.base import BaseEmailBackend

from .models import OutboxMessage


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            OutboxMessage.objects.create(
                channel=OutboxMessage.Channel.EMAIL,
                recipients=", ".join(message.recipients()),
                subject=message.subject,
                body=message.body,
            )
        return len(email_messages)
