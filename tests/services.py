"""Servers of their own for the tests that stop, break or recreate one: a PostgreSQL cluster."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

STARTUP_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path: Path, chars: int = 4000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else f"({path} was not written)"


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own, on a free loopback port, to stop and start at will.

    Found and run as scripts/services.sh does: the highest version under /usr/lib/postgresql,
    as the `postgres` user when we are root (PostgreSQL refuses root). fsync is off: the test
    is about restarts, not power cuts; commits stay synchronous so a success means written.
    """

    def __init__(self):
        initdbs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
        if not initdbs:
            pytest.fail("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (make test installs them)")
        self.bin = Path(initdbs[-1]).parent
        self.port = free_port()
        # Not pytest's tmp_path: its parents are private to us, and `postgres` must reach in.
        self.root = Path(tempfile.mkdtemp(prefix="chancery-reliability-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.sockets = self.root / "sock"
        self.log = self.root / "postgresql.log"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/chancery"
        self.running = False

    def _run(self, tool: str, *args: str) -> None:
        as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run(
            [*as_owner, str(self.bin / tool), *args],
            cwd="/",
            capture_output=True,
            text=True,
            timeout=STARTUP_TIMEOUT + 10,
        )
        assert result.returncode == 0, (
            f"{tool} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}\n{tail(self.log)}"
        )

    def create(self) -> None:
        self.sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sockets, "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"
        )
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "chancery")

    def create_standby_of(self, primary: "ThrowawayPostgres") -> None:
        """This cluster as a streaming replica of `primary`: a base backup taken over the
        replication protocol, with the settings that make it follow (pg_basebackup -R)."""
        self.sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sockets, "postgres")
        self._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", str(self.data),
            "-R", "-X", "stream", "--no-sync", "--checkpoint=fast",
        )  # fmt: skip
        self.start()

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sockets} -c fsync=off -c full_page_writes=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            str(STARTUP_TIMEOUT),
            "start",
        )
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", str(STARTUP_TIMEOUT), "stop")
        self.running = False

    def destroy(self) -> None:
        try:
            if self.running:
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
