"""Bookkeeping of the cache of expensive reads (see coop/cache.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UtcDateTime, utcnow


class DataGeneration(db.Model):
    """One row: how many committed transactions have changed data."""

    __tablename__ = "data_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class CachedResult(db.Model):
    """A computed answer (HTML, PDF, XLSX or JSON bytes) and the generation and day it is for."""

    __tablename__ = "cached_results"

    key: Mapped[str] = mapped_column(String(500), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


__all__ = ["CachedResult", "DataGeneration"]
