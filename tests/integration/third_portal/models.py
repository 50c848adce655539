"""Which local session belongs to which login session (`sid`) of the national login service."""

from django.db import models


class PortalSession(models.Model):
    """One row per local login: the back-channel receiver ends the sessions of a `sid`."""

    sid = models.CharField(max_length=200, db_index=True)
    session_key = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return f"{self.sid} → {self.session_key[:6]}…"
