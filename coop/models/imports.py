"""ImportJob: a spreadsheet uploaded to record resolutions or initiatives, checked and, once
the person confirms, stored. Kept in the database (file and progress), so that every app
instance sharing it shows the same preview and progress, and a confirmation runs once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, delete, event
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .base import UtcDateTime, utcnow
from .body import Body
from .user import User


class ImportJob(db.Model):
    """One uploaded file and what became of it.

    `state`: checking → checked → storing → stored; or failed. The file stays until the job is
    removed; `result` holds the counts, the problems by row and column (the first 500 of the
    check and of storing, with their totals: coop.imports.plan.kept), and what was stored."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "resolutions" or "initiatives"
    district_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    state: Mapped[str] = mapped_column(String(20), default="checking")
    total: Mapped[int] = mapped_column(Integer, default=0)  # rows of the file
    done: Mapped[int] = mapped_column(Integer, default=0)  # rows worked through so far
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    # storing, batch by batch: counts and problems so far (a worker taking the job up again
    # after another died goes on from here)
    progress: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    district: Mapped[Body] = relationship()
    user: Mapped[User | None] = relationship()

    def valid_rows_count(self) -> int:
        """Rows the check found valid (what a confirmation stores)."""
        return int((self.result or {}).get("valid_rows", 0))


@event.listens_for(Body, "before_delete")
def _import_jobs_go_too(_mapper, connection, body: Body) -> None:
    """Uploads for a deleted district go with it: there is nothing left to store them in."""
    connection.execute(delete(ImportJob).where(ImportJob.district_id == body.id))
