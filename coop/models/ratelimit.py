"""Uses of a limited action (the accessibility feedback form) per key and time window, shared
by every instance through the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UtcDateTime


class RateLimit(db.Model):
    """How often `key` (an action and who does it) was used in the window starting at
    `window_start`."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
