"""Today's date, in one place so that pages, jobs and tests agree on it."""

from __future__ import annotations

from datetime import date


def today() -> date:
    """Today's date on this machine (the servers run on German time)."""
    return date.today()
