"""Waiting for a state of another process, never for a fixed time."""

from __future__ import annotations

import time


def wait_for(condition, timeout: float = 30.0, step: float = 0.2) -> bool:
    """True as soon as `condition()` holds; False when `timeout` seconds pass first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(step)
    return False
