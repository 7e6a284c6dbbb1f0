"""The release as the operator runs it: what deploy/install.sh installed (COOP_RELEASE_DIR;
.ci/run installs it on the fresh CI machine, as the Containerfile does), started with the
commands of compose.yaml against a real PostgreSQL: the web process under gunicorn, the
release step, the one scheduler; checked end to end through /healthz, /readyz, a page, the
JSON request log and the scheduler's lock."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
import yaml

from tests import pg
from tests.conftest import CI
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[1]


def _compose_commands() -> dict[str, list[str]]:
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    return {name: services[name]["command"] for name in ("release", "web", "scheduler", "worker")}


def test_compose_describes_the_release():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "release", "web", "scheduler", "worker"}
    assert services["release"]["command"][-2:] == ["db", "upgrade"]
    assert services["web"]["command"][0] == "gunicorn"
    for name in ("web", "scheduler", "worker"):
        assert services[name]["depends_on"]["release"]["condition"] == (
            "service_completed_successfully"
        )
        assert services[name]["environment"]["SECRET_KEY_FILE"].startswith("/run/secrets/")
    # published on this machine only: the trusted proxy is the one way in
    assert services["web"]["ports"] == ["${COOP_PUBLISH:-127.0.0.1:8000}:8000"]
    containerfile = (ROOT / "Containerfile").read_text()
    assert "deploy/install.sh" in containerfile and "USER coop" in containerfile


@pytest.fixture(scope="module")
def release_dir() -> Path:
    folder = os.environ.get("COOP_RELEASE_DIR")
    if not folder:
        if CI:
            pytest.fail("COOP_RELEASE_DIR (deploy/install.sh's PREFIX) is required under CI=true")
        pytest.skip("no installed release (run deploy/install.sh PREFIX, set COOP_RELEASE_DIR)")
    return Path(folder)


@pytest.fixture(scope="module")
def database():
    bindir = pg.find_bindir()
    if bindir is None:
        if CI:
            pytest.fail("PostgreSQL is required under CI=true")
        pytest.skip("PostgreSQL not available")
    server = pg.TempPostgres(bindir)
    url = server.start()
    yield url
    server.stop()


def _wait(url: str, status: int = 200, seconds: float = 60) -> requests.Response:
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = requests.get(url, timeout=30)
            if last.status_code == status:
                return last
        except (requests.ConnectionError, requests.Timeout):
            pass  # not up yet, or busy starting: ask again
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer {status} (last: {last and last.status_code})")


class _Said:
    """What a process writes to a stream, read as it comes (the test waits for a line)."""

    def __init__(self, stream):
        self.text = ""
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.text += line

    def finished(self) -> str:
        self._thread.join(timeout=30)
        return self.text


def test_install_and_run_as_compose_does(release_dir, database, tmp_path):
    commands = _compose_commands()
    secret = tmp_path / "secret_key"
    secret.write_text("release-test-" + "k" * 40)
    database_url = tmp_path / "database_url"
    database_url.write_text(database)
    port = pg.free_port()
    env = {
        "PATH": f"{release_dir / 'venv' / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "COOP_ENV": "production",
        "SECRET_KEY_FILE": str(secret),
        "DATABASE_URL_FILE": str(database_url),
        "OPERATOR_NAME": "Kreis Höxter",
        "OPERATOR_ADDRESS": "Moltkestraße 12, 37671 Höxter",
        "OPERATOR_EMAIL": "coop@kreis-hoexter.example",
        "PUBLIC_URL": "https://coop.kreis-hoexter.example",
        "COOP_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "SCHEDULER_LOCK_POLL_SECONDS": "0.5",
        "PYTHONUNBUFFERED": "1",
    }
    app_dir = release_dir / "app"
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen(
        commands["web"], cwd=app_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    schedulers: list[subprocess.Popen] = []
    try:
        # before the release step: up, but not ready
        assert _wait(f"{base}/healthz").json() == {"status": "ok"}
        not_ready = requests.get(f"{base}/readyz", timeout=5)
        assert not_ready.status_code == 503 and not_ready.json()["migrations"] == "pending"

        release = subprocess.run(
            commands["release"], cwd=app_dir, env=env, capture_output=True, text=True, timeout=300
        )
        assert release.returncode == 0, release.stderr[-2000:]
        ready = _wait(f"{base}/readyz")
        assert ready.json() == {"status": "ok", "database": "ok", "migrations": "current"}

        page = requests.get(f"{base}/login", headers={"X-Request-ID": "release-check"}, timeout=10)
        assert page.status_code == 200 and "Anmelden" in page.text
        assert "Impressum" in page.text
        assert requests.get(f"{base}/static/css/coop.css", timeout=5).status_code == 200

        # a worker of the job queue, then the one scheduler and a second that must only wait;
        # each is started when the one before has said it is ready, never after a fixed time
        for command, ready in (
            ("worker", "Worker started"),
            ("scheduler", "Lock acquired"),
            ("scheduler", "waiting"),
        ):
            process = subprocess.Popen(
                commands[command],
                cwd=app_dir,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            output = _Said(process.stderr)
            schedulers.append((process, output))
            assert wait_for(lambda o=output, r=ready: r in o.text, timeout=180), command
    finally:
        web.terminate()
        out, err = web.communicate(timeout=30)
        said = []
        for process, output in schedulers:
            process.terminate()
            process.wait(timeout=30)
            said.append(output.finished())
    lines = [json.loads(line) for line in out.decode().splitlines() if line.startswith("{")]
    checked = [entry for entry in lines if entry["request_id"] == "release-check"]
    assert checked and checked[0]["path"] == "/login" and checked[0]["status"] == 200
    assert "duration_ms" in checked[0] and "user_id" in checked[0]
    worker, first, second = said
    assert "Worker started" in worker and "Traceback" not in worker, worker[-1500:]
    assert "Lock acquired" in first, first[-1500:]
    assert "Lock acquired" not in second and "waiting" in second, second[-1500:]
