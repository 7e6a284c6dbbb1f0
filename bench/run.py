"""`make bench`: what users feel at the scale of a whole country, on PostgreSQL.

1. Starts a throwaway PostgreSQL server (or uses `--database-url`), migrates it and fills it with
   `flask bench seed --scale national`; a second database gets `--scale district` for the
   queries per request at the smaller scale.
2. Serves the app and a bare Flask route ("ok") with gunicorn, 2 sync workers each, on 127.0.0.1.
3. For every page (anonymous and signed in), API read and OParl list: the bare route under wrk
   right before it (the baseline of this moment on this noisy machine), then the endpoint, with
   the same User-Agent as the login (sessions are bound to it).
4. Prints one table: requests/s, share of the bare route, p50, p95, timeouts, queries per request
   at district and at national scale, size of the answer; and whether each meets its target.

Speed is measured here, not asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
USER_AGENT = "coop-bench/1.0"
PASSWORD = "coop-bench-2026"
TARGET_PAGE = 0.10  # share of the bare route's requests/s
TARGET_API = 0.25
TARGET_P95_MS = 100
MAX_PAGE_BYTES = 1024 * 1024
WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("COOP p50=%d p95=%d requests=%d timeouts=%d non2xx=%d\\n",
    latency:percentile(50), latency:percentile(95), summary.requests,
    summary.errors.timeout, summary.errors.status))
end
"""


@dataclass
class Endpoint:
    label: str
    path: str
    kind: str  # page, api, oparl, file
    auth: str  # anon, session, token


@dataclass
class Measured:
    rps: float
    p50_ms: float
    p95_ms: float
    timeouts: int
    non2xx: int


def flask(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def prepare_database(url: str, scale: str, env: dict) -> None:
    env = {**env, "DATABASE_URL": url}
    flask(env, "db", "upgrade")
    started = time.perf_counter()
    out = flask(env, "bench", "seed", "--scale", scale)
    print(f"seed {scale}: {time.perf_counter() - started:.0f} s")
    for line in out.splitlines():
        if line.startswith(("bodies", "initiatives", "largest", "resolutions", "grants", "sec")):
            print("  " + line)


def import_time(national_url: str, env: dict) -> None:
    """The whole GV100AD directory into an empty PostgreSQL database, twice (the second run
    changes nothing), each in one transaction as the command runs it."""
    import psycopg

    from coop.demo.scale import directory_file

    base = national_url.rsplit("/", 1)[0]
    plain = base.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(plain, autocommit=True) as c:
        c.execute("DROP DATABASE IF EXISTS bench_import")
        c.execute("CREATE DATABASE bench_import")
    path = directory_file()
    if path.suffix == ".gz":
        import gzip

        unpacked = Path(tempfile.mkdtemp()) / path.stem
        unpacked.write_bytes(gzip.decompress(path.read_bytes()))
        path = unpacked
    env = {**env, "DATABASE_URL": base + "/bench_import"}
    flask(env, "db", "upgrade")
    for run_name in ("first", "second"):
        started = time.perf_counter()
        out = flask(env, "bodies", "import-gv100ad", str(path))
        wall = time.perf_counter() - started
        print(
            f"GV100AD import on PostgreSQL, {run_name} run: {wall:.1f} s wall, "
            f"{out.strip().splitlines()[-1]}"
        )


def ids(url: str | None = None, connection=None) -> dict:
    """The records the endpoints name: the largest district, one of its initiatives, …"""
    from sqlalchemy import create_engine, text

    engine = create_engine(url) if connection is None else None
    with engine.connect() if engine else _same(connection) as c:

        def one(sql):
            return c.execute(text(sql)).scalar()

        # the district with the most initiatives (Bitburg-Prüm at national scale) among those
        # with a public initiative that has a grant, an estimate and resolutions
        qualifying = (
            "SELECT i.id FROM initiatives i WHERE i.public "
            "AND EXISTS (SELECT 1 FROM grants g WHERE g.initiative_id = i.id) "
            "AND EXISTS (SELECT 1 FROM cost_models m WHERE m.initiative_id = i.id) "
            "AND EXISTS (SELECT 1 FROM resolutions r WHERE r.initiative_id = i.id)"
        )
        district = one(
            "SELECT district_id FROM initiative_districts WHERE district_id IN "
            f"(SELECT district_id FROM initiative_districts WHERE initiative_id IN ({qualifying})) "
            "GROUP BY district_id ORDER BY count(*) DESC, district_id LIMIT 1"
        )
        out = {
            "district": district,
            # a public initiative of the district with a grant, an estimate and resolutions
            "initiative": one(
                f"SELECT initiative_id FROM initiative_districts WHERE district_id = {district} "
                f"AND initiative_id IN ({qualifying}) ORDER BY initiative_id LIMIT 1"
            ),
            "body": None,
            "grant": None,
            "program": one("SELECT id FROM funding_programs ORDER BY id LIMIT 1"),
            "resolution": one("SELECT id FROM resolutions WHERE public ORDER BY id LIMIT 1"),
        }
        out["saved_initiative"] = out["initiative"]
        # the partner of that initiative that takes part in the most public initiatives
        out["body"] = one(
            "SELECT p.body_id FROM initiative_participants p JOIN initiatives i "
            "ON i.id = p.initiative_id WHERE i.public AND p.body_id IN (SELECT body_id FROM "
            f"initiative_participants WHERE initiative_id = {out['initiative']}) "
            "GROUP BY p.body_id ORDER BY count(*) DESC, p.body_id LIMIT 1"
        )
        out["grant"] = one(
            f"SELECT id FROM grants WHERE initiative_id = {out['initiative']} ORDER BY id LIMIT 1"
        )
    if engine:
        engine.dispose()
    return out


class _same:
    """A connection used as a context manager without closing it."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        return self.connection

    def __exit__(self, *exc):
        return False


def endpoints(i: dict) -> list[Endpoint]:
    d, ini, body, grant = i["district"], i["initiative"], i["body"], i["grant"]
    saved = i["saved_initiative"]
    E = Endpoint
    return [
        E("start page (anonymous)", "/", "page", "anon"),
        E("sign-in page", "/login", "page", "anon"),
        E("initiatives (anonymous)", "/initiatives/", "page", "anon"),
        E("initiative (anonymous)", f"/initiatives/{ini}", "page", "anon"),
        E("my town (anonymous)", f"/bodies/{body}/savings", "page", "anon"),
        E("towns (anonymous)", "/kommunen", "page", "anon"),
        E("towns by AGS (anonymous)", "/kommunen?q=05", "page", "anon"),
        E("start page", "/", "page", "session"),
        E("initiatives", "/initiatives/", "page", "session"),
        E("initiatives of the district", f"/initiatives/?district={d}", "page", "session"),
        E("initiative", f"/initiatives/{ini}", "page", "session"),
        E("bodies", "/bodies/", "page", "session"),
        E("body", f"/bodies/{body}", "page", "session"),
        E("resolution", f"/resolutions/{i['resolution']}", "page", "session"),
        E("session entry of a body", f"/bodies/{body}/session", "page", "session"),
        E("search", "/search/?q=Digitalisierung", "page", "session"),
        E("search of a body", f"/search/?body_id={body}", "page", "session"),
        E("decision matrix", f"/initiatives/matrix?district={d}", "page", "session"),
        E("matrix XLSX", f"/initiatives/matrix.xlsx?district={d}", "file", "session"),
        E("funding overview", "/funding/", "page", "session"),
        E("funding: conditions open", "/funding/?open=1", "page", "session"),
        E("funding programmes", "/funding/programs/", "page", "session"),
        E("grant", f"/funding/grants/{grant}", "page", "session"),
        E("grant check", f"/funding/grants/{grant}/check", "page", "session"),
        E("savings estimate", f"/initiatives/{saved}/savings", "page", "session"),
        E("dashboard of the district", f"/dashboard/?district={d}", "page", "session"),
        E("report of the district", f"/report/?district={d}", "page", "session"),
        E("report PDF of the district", f"/report.pdf?district={d}", "file", "session"),
        E("reminders", "/reminders/", "page", "session"),
        E("notifications", "/notifications", "page", "session"),
        E("import form", "/import/resolutions", "page", "session"),
        E("proposals", "/proposals/", "page", "session"),
        E("accounts", "/users/", "page", "session"),
        E("cost-rate tables", "/savings/rates/", "page", "session"),
        E("API bodies", "/api/v1/bodies", "api", "token"),
        E("API search", "/api/v1/search?q=Digitalisierung", "api", "token"),
        E("API body", f"/api/v1/bodies/{body}", "api", "token"),
        E("API initiatives", "/api/v1/initiatives", "api", "token"),
        E("API initiative", f"/api/v1/initiatives/{ini}", "api", "token"),
        E("API decisions", f"/api/v1/initiatives/{ini}/decisions", "api", "token"),
        E("API resolutions", "/api/v1/resolutions", "api", "token"),
        E("API resolution", f"/api/v1/resolutions/{i['resolution']}", "api", "token"),
        E("API programmes", "/api/v1/funding-programs", "api", "token"),
        E("API grants", "/api/v1/grants", "api", "token"),
        E("API grant", f"/api/v1/grants/{grant}", "api", "token"),
        E("API grant check", f"/api/v1/grants/{grant}/check", "api", "token"),
        E("API cost model", f"/api/v1/initiatives/{saved}/cost-model", "api", "token"),
        E("API savings", f"/api/v1/initiatives/{saved}/savings", "api", "token"),
        E("API proposals", "/api/v1/proposals", "api", "token"),
        E("OParl system", "/oparl/v1/system", "oparl", "anon"),
        E("OParl bodies", "/oparl/v1/bodies", "oparl", "anon"),
        E("OParl body", f"/oparl/v1/body/{body}", "oparl", "anon"),
        E("OParl papers", f"/oparl/v1/body/{body}/paper", "oparl", "anon"),
        E("OParl meetings", f"/oparl/v1/body/{body}/meeting", "oparl", "anon"),
        E("OParl organizations", f"/oparl/v1/body/{body}/organization", "oparl", "anon"),
        E("OParl consultations", f"/oparl/v1/body/{body}/consultation", "oparl", "anon"),
        E("OParl agenda items", f"/oparl/v1/body/{body}/agendaItem", "oparl", "anon"),
    ]


# --- queries per request, in-process ---------------------------------------------------------


def query_counts(
    url: str, token_email: str, *, config: str = "development", cold: bool = False
) -> dict[str, tuple[int, int, int | None]]:
    """(status, queries, queries with the cache empty or None) per endpoint label, measured
    with the app's test client after one request to warm it up. The page cache
    (coop/pagecache.py) is emptied before each count: an answer it holds costs one query."""
    from sqlalchemy import event, text

    from coop import create_app
    from coop.extensions import db

    app = create_app(config, SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False)
    count = {"n": 0}
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: count.update(n=count["n"] + 1))
        the_ids = ids(connection=db.session.connection())
        db.session.rollback()
    token = _token(app, token_email)
    pages = app.extensions["coop_pages"]
    anon = app.test_client()
    session = app.test_client()
    session.post("/login", data={"email": token_email, "password": PASSWORD})
    out = {}
    for e in endpoints(the_ids):
        client = anon if e.auth == "anon" else session
        headers = {"Authorization": f"Bearer {token}"} if e.auth == "token" else {}
        client.get(e.path, headers=headers)  # warm
        pages.clear()  # the view itself, not the stored answer (always one query)
        count["n"] = 0
        response = client.get(e.path, headers=headers)
        warm = count["n"]
        empty = None
        if cold:
            with app.app_context():
                db.session.execute(text("DELETE FROM cached_results"))
                db.session.commit()
            pages.clear()
            count["n"] = 0
            client.get(e.path, headers=headers)
            empty = count["n"]
        out[e.label] = (response.status_code, warm, empty)
    with app.app_context():
        db.engine.dispose()
    return out


def _token(app, email: str) -> str:
    from sqlalchemy import select

    from coop.audit import acting_as
    from coop.auth import services
    from coop.extensions import db
    from coop.models import User

    with app.app_context(), acting_as(None, "bench"):
        user = db.session.scalar(select(User).where(User.email == email))
        _, secret = services.issue_token(user, "bench")
        db.session.commit()
    return secret


# --- load with wrk --------------------------------------------------------------------------


def gunicorn(app: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
            app,
        ],
        cwd=ROOT,
        env=env,
    )
    import requests

    for _ in range(150):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn for {app} did not start")


def wrk(url: str, headers: dict, seconds: int, connections: int, script: str) -> Measured:
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    cmd += ["-s", script]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"COOP p50=(\d+) p95=(\d+) requests=(\d+) timeouts=(\d+) non2xx=(\d+)", out)
    return Measured(
        rps, int(m.group(1)) / 1000, int(m.group(2)) / 1000, int(m.group(4)), int(m.group(5))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an already seeded national database")
    parser.add_argument("--district-url", help="an already seeded district-scale database")
    parser.add_argument("--seconds", type=int, default=5, help="load per endpoint")
    parser.add_argument("--baseline-seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--only", help="only endpoints whose label contains this")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    from tests import pg

    env = {
        **os.environ,
        "COOP_ENV": "development",
        "SECRET_KEY": "bench-only-not-secret",
        "PYTHONPATH": str(ROOT),
    }
    server = None
    if not (args.database_url and args.district_url):
        server = pg.TempPostgres(pg.find_bindir())
        base = server.start()
        import psycopg

        plain = base.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain, autocommit=True) as c:
            c.execute("CREATE DATABASE national")
            c.execute("CREATE DATABASE district")
        args.database_url = args.database_url or base.rsplit("/", 1)[0] + "/national"
        args.district_url = args.district_url or base.rsplit("/", 1)[0] + "/district"
        prepare_database(args.district_url, "district", env)
        prepare_database(args.database_url, "national", env)
    import_time(args.database_url, env)
    processes = []
    try:
        run(args, env, processes)
    finally:
        for p in processes:
            p.send_signal(signal.SIGTERM)
            p.wait()
        if server is not None:
            server.stop()


def run(args, env: dict, processes: list) -> None:
    import requests

    from tests.pg import free_port

    email = "koordination@bench.example"
    small = query_counts(args.district_url, email)
    large = query_counts(args.database_url, email)
    env = {**env, "DATABASE_URL": args.database_url}
    app_port, bare_port = free_port(), free_port()
    processes.append(gunicorn("wsgi:app", app_port, env))
    processes.append(gunicorn("bench.bare:app", bare_port, env))
    base = f"http://127.0.0.1:{app_port}"
    browser = requests.Session()
    browser.headers["User-Agent"] = USER_AGENT
    browser.post(f"{base}/login", data=_login_form(browser, base, email))
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    from coop import create_app

    token = _token(create_app("development", SQLALCHEMY_DATABASE_URI=args.database_url), email)
    the_ids = ids(args.database_url)
    script = Path(tempfile.mkdtemp()) / "coop.lua"
    script.write_text(WRK_LUA)
    rows = []
    for e in endpoints(the_ids):
        if args.only and args.only not in e.label:
            continue
        headers = {"User-Agent": USER_AGENT}
        if e.auth == "session":
            headers["Cookie"] = cookie
        if e.auth == "token":
            headers["Authorization"] = f"Bearer {token}"
        times = []
        if e.kind == "file" or e.label.startswith(("dashboard", "report")):
            # the first answer after a change computes it (cold); later ones are cached
            _touch(args.database_url)
            started = time.perf_counter()
            requests.get(base + e.path, headers=headers, timeout=60)
            times.append(time.perf_counter() - started)
        response = requests.get(base + e.path, headers=headers, timeout=60)
        if e.kind == "file":
            for _ in range(2):
                started = time.perf_counter()
                requests.get(base + e.path, headers=headers, timeout=60)
                times.append(time.perf_counter() - started)
        bare = wrk(
            f"http://127.0.0.1:{bare_port}/", {}, args.baseline_seconds, args.connections, script
        )
        got = wrk(base + e.path, headers, args.seconds, args.connections, script)
        rows.append((e, response, got, bare, small.get(e.label), large.get(e.label), times))
        _print_row(rows[-1])
    print()
    print(table(rows))


def _touch(url: str) -> None:
    """Count one change of the data, as any write does (cached results are then recomputed)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("UPDATE data_generation SET value = value + 1 WHERE id = 1"))
    engine.dispose()


def _login_form(browser, base: str, email: str) -> dict:
    page = browser.get(f"{base}/login").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"email": email, "password": PASSWORD}
    if csrf:
        data["csrf_token"] = csrf.group(1)
    return data


def _verdict(e: Endpoint, response, got: Measured, bare: Measured, small, large, times) -> str:
    share = got.rps / bare.rps if bare.rps else 0
    problems = []
    if response.status_code != 200:
        problems.append(f"HTTP {response.status_code}")
    if got.non2xx or got.timeouts:
        problems.append("errors")
    if e.kind == "file":
        limit = 2.0 if "PDF" in e.label else 1.0
        if times[0] > limit:
            problems.append(f"> {limit:.0f} s")
    else:
        target = TARGET_PAGE if e.kind == "page" else TARGET_API
        if share < target:
            problems.append(f"< {target:.0%}")
        if got.p95_ms > TARGET_P95_MS:
            problems.append("p95")
    if e.kind == "page" and len(response.content) > MAX_PAGE_BYTES:
        problems.append("> 1 MB")
    if small and large and small[1] != large[1]:
        problems.append("queries grow")
    return "ok" if not problems else ", ".join(problems)


def _print_row(row) -> None:
    e, response, got, bare, small, large, times = row
    print(
        f"{e.label:36} {got.rps:8.0f}/s {got.rps / bare.rps:6.1%} p95 {got.p95_ms:6.1f} ms "
        f"q {small and small[1]}/{large and large[1]} {len(response.content):>9} B "
        f"{_verdict(*row)}",
        flush=True,
    )


def table(rows) -> str:
    lines = [
        "| endpoint | path | req/s | bare req/s | share | p50 ms | p95 ms | queries "
        "(district / national) | size | verdict |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        e, response, got, bare, small, large, times = row
        path = re.sub(r"/\d+", "/…", e.path).replace("district=", "district=…")
        path = re.sub(r"district=…\d+", "district=…", path)
        extra = f" (after a change: {times[0]:.2f} s)" if times else ""
        lines.append(
            f"| {e.label}{extra} | `{path}` | {got.rps:.0f} | {bare.rps:.0f} | "
            f"{got.rps / bare.rps:.1%} | {got.p50_ms:.1f} | {got.p95_ms:.1f} | "
            f"{small and small[1]} / {large and large[1]} | {_size(len(response.content))} | "
            f"{_verdict(*row)} |"
        )
    return "\n".join(lines)


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


if __name__ == "__main__":
    main()
