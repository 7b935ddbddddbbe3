"""Real processes to break: a throwaway PostgreSQL cluster, a private Redis, the app under gunicorn.

Each is started by the test that needs it and torn down after, so the suite's own database and
Redis are never stopped. Output goes to log files whose tails are shown when something fails.
"""

import json
import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.services import STARTUP_TIMEOUT, ThrowawayPostgres, free_port, tail
from tests.timelines.test_broker_down import RedisServer
from tests.timelines.test_worker import wait_until

ROOT = Path(settings.BASE_DIR)


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
