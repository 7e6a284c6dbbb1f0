"""The outbox: every e-mail coop sends, kept for a while so that people see what went out, and
where no mail server is set up (the demo, a new installation) the only place it goes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UtcDateTime, utcnow

# A mail's state: handed to the mail server, or kept here because there is none.
SENT, KEPT = "sent", "kept"


class OutboxMail(db.Model):
    """One e-mail as it was (or would have been) sent."""

    __tablename__ = "outbox_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    recipients: Mapped[str] = mapped_column(String(2000))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default=KEPT)
    # a mail with a secret (a link to set a password): only admins read it here, and once it
    # was sent its link is not kept
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


__all__ = ["KEPT", "SENT", "OutboxMail"]
