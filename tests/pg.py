"""A throwaway PostgreSQL server for the test session (see TOOLCHAIN.md).

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user in a
directory owned by it. Nothing touches the machine's own cluster on port 5432.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile


def find_bindir() -> str | None:
    """The bin directory of the newest installed PostgreSQL, or None."""
    if os.environ.get("PG_BINDIR"):
        return os.environ["PG_BINDIR"]
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if candidates:
        return os.path.dirname(candidates[-1])
    found = shutil.which("pg_ctl")
    return os.path.dirname(found) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    def __init__(self, bindir: str):
        self.bindir = bindir
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="coop-pg-")
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> str:
        data = os.path.join(self.dir, "data")
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            "initdb", "-D", data, "--auth=trust", "-U", "postgres", "-E", "UTF8", "--locale=C"
        )
        self._run(
            "pg_ctl",
            "-D",
            data,
            "-w",
            "-l",
            os.path.join(self.dir, "log"),
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -F",
            "start",
        )
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
