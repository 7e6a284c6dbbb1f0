"""OParl sync throughput: a full read of a local council information system of about 50,000
objects, then a second run with nothing new, on SQLite and on PostgreSQL.

The system is the test suite's fake server (tests/oparl/fake_server.py), served on 127.0.0.1:
N papers with one consultation each, a meeting per ten papers with ten agenda items, three
organizations (3.1 N + 3 objects). Reports objects per second of the full run and the seconds
of the second run. Usage: .venv/bin/python bench/sync.py [--papers 16000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(url: str, papers: int) -> dict:
    """One database: migrate, one body, a full run and a second run."""
    from flask_migrate import upgrade

    from coop import create_app, jobs
    from coop.audit import acting_as
    from coop.extensions import db
    from coop.oparl.client import Fetcher
    from tests import factories
    from tests.oparl.fake_server import CIS, serve

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    system = CIS(papers=papers)
    server = serve(system)
    try:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            with acting_as(None, "bench"):
                body = factories.body(name="Bench", kind="city", ags="05762028")
                body.oparl_url = system.url("/system")
                db.session.commit()
                fetcher = Fetcher(timeout=30, retries=2)
                started = time.perf_counter()
                result, summary = jobs.sync_body(body, fetcher=fetcher)
                full = time.perf_counter() - started
                assert result.ok, summary.errors
                fetched = summary.fetched
                started = time.perf_counter()
                again, summary = jobs.sync_body(body, fetcher=fetcher)
                second = time.perf_counter() - started
                assert again.ok, summary.errors
            db.engine.dispose()
        return {"objects": fetched, "seconds": full, "per_second": fetched / full,
                "second_run": second, "second_fetched": summary.fetched}  # fmt: skip
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=16_000)
    args = parser.parse_args()
    from tests import pg

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("SQLite", measure(f"sqlite:///{tmp}/sync.sqlite", args.papers)))
    server = pg.TempPostgres(pg.find_bindir())
    try:
        rows.append(("PostgreSQL", measure(server.start(), args.papers)))
    finally:
        server.stop()
    print(f"\nOParl sync of a local system, {args.papers} papers")
    print(f"{'database':<12}{'objects':>9}{'seconds':>9}{'objects/s':>11}{'2nd run s':>11}")
    for name, r in rows:
        print(f"{name:<12}{r['objects']:>9}{r['seconds']:>9.1f}{r['per_second']:>11.0f}"
              f"{r['second_run']:>11.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
