"""Real processes to break: a throwaway PostgreSQL cluster, a private Redis, the app under gunicorn.

Each is started by the test that needs it and torn down after, so the suite's own database and
Redis are never stopped. Output goes to log files whose tails are shown when something fails.
"""

import glob
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.timelines.test_broker_down import RedisServer
from tests.timelines.test_worker import wait_until

ROOT = Path(settings.BASE_DIR)
STARTUP_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path: Path, chars: int = 4000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else f"({path} was not written)"


def gunicorn_command() -> list[str]:
    """The Makefile's GUNICORN line (the one production runs), started with this interpreter."""
    match = re.search(r"^GUNICORN\s*:=\s*(.+?)\s*$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, "no GUNICORN := ... line in the Makefile"
    words = shlex.split(match.group(1))
    assert words[0] == "gunicorn", words
    return [sys.executable, "-m", "gunicorn", *words[1:]]


def manage(*commands: list[str], env: dict, stdin: str = "") -> list[str]:
    """Run management commands, as `manage.py` would, one after the other in one new process
    (Django starts once: migrations alone take seconds); returns what each wrote to stdout."""
    script = (
        "import io, json, sys, django\n"
        "from django.core.management import call_command\n"
        "django.setup()\n"
        "outputs = []\n"
        "for command in json.loads(sys.argv[1]):\n"
        "    out = io.StringIO()\n"
        "    call_command(*command, stdout=out)\n"
        "    outputs.append(out.getvalue())\n"
        "print(json.dumps(outputs))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(commands)],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"{commands} failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.splitlines()[-1])


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


class Gunicorn:
    """The app as production serves it, in a process group of its own."""

    def __init__(self, log: Path, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = env
        self.process = None

    def start(self) -> None:
        command = [
            *gunicorn_command(),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--no-control-socket",
            "--graceful-timeout",
            "5",
        ]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_until(
            self._answers, timeout=STARTUP_TIMEOUT, what=f"gunicorn on {self.url}\n{tail(self.log)}", interval=0.2
        )

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"gunicorn exited with {self.process.returncode}\n{tail(self.log)}")
        try:
            return requests.get(f"{self.url}/health/", timeout=5).status_code == 200
        except requests.RequestException:  # not listening yet, or a worker still booting
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGQUIT)  # quick shutdown: the test is over
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def app_environment(*, database: str, redis: str) -> dict:
    """What a web process of a deployment gets, with DEBUG off so errors look as users see them."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chancery.settings",
        "CHANCERY_ENV": "development",
        "DEBUG": "false",
        "DATABASE_URL": database,
        "REDIS_URL": redis,
    }


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server for this test alone (the suite's own Redis is never stopped)."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def throwaway_postgres():
    cluster = ThrowawayPostgres()
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def gunicorn(tmp_path):
    """Start the app under gunicorn with the given DATABASE_URL and REDIS_URL; stopped after the test."""
    servers = []

    def start(*, database: str, redis: str) -> Gunicorn:
        server = Gunicorn(tmp_path / f"gunicorn-{len(servers)}.log", app_environment(database=database, redis=redis))
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()
