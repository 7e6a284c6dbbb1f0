"""Benchmarks: whole-Germany GV100AD import on SQLite, and queries per registry page.

Run with `make bench`. Speed is measured here, not asserted in tests.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "GV100AD_301123.txt"
PACKED = ROOT / "tests" / "data" / "GV100AD_301123.txt.gz"


def flask(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def main():
    folder = tempfile.mkdtemp()
    data = DATA
    if not data.exists():
        import gzip

        data = Path(folder) / DATA.name
        data.write_bytes(gzip.decompress(PACKED.read_bytes()))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite"}
    flask(env, "db", "upgrade")
    for run in ("first", "second"):
        started = time.perf_counter()
        out = flask(env, "bodies", "import-gv100ad", str(data))
        wall = time.perf_counter() - started
        print(f"import {run} run: {wall:.1f} s wall, {out.strip().splitlines()[-1]}")

    from sqlalchemy import event

    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    from coop import create_app
    from coop.extensions import db

    app = create_app(WTF_CSRF_ENABLED=False)
    with app.app_context():
        flask(
            env,
            "users",
            "create",
            "--email",
            "bench@x.example",
            "--role",
            "admin",
            "--password",
            "bench-bench-1",
        )
        count = {"n": 0}
        event.listen(
            db.engine, "before_cursor_execute", lambda *a: count.__setitem__("n", count["n"] + 1)
        )
    client = app.test_client()
    client.post("/login", data={"email": "bench@x.example", "password": "bench-bench-1"})
    for path in (
        "/bodies/",
        "/bodies/?per_page=25&page=200",
        "/bodies/?q=stadt",
        "/bodies/1",
        "/api/v1/openapi.json",
    ):
        count["n"] = 0
        started = time.perf_counter()
        client.get(path)
        print(f"{path}: {count['n']} queries, {1000 * (time.perf_counter() - started):.0f} ms")


if __name__ == "__main__":
    main()
