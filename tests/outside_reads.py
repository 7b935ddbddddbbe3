"""A pytest plugin that fails the run if a test, or code a test runs, reads beside the repository.

Everything the project reads lives in its own tree (data/ has the datasets, each with a
SOURCE.md). A clone on a user's machine has nothing beside it, so a test that opened
a file in a folder beside the repository would pass here and fail there. An audit hook (PEP 578) sees every open(),
directory listing and glob of this process; any whose path lies in the repository's parent
directory but not in the repository is recorded, and the run fails at its end with the list.
Paths elsewhere (the interpreter, /tmp, /proc, /usr) are the machine's and are not ours to police.
Subprocesses (a Celery worker, gunicorn) run the same modules the suite already exercises here.
"""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BESIDE = ROOT.parent

_EVENTS = {"open", "os.listdir", "os.scandir", "glob.glob", "os.chdir"}
outside: list[tuple[str, str]] = []


def outside_the_repository(path) -> bool:
    """True for a path under the repository's parent that is not under the repository."""
    if isinstance(path, int) or path is None:  # a file descriptor, or the working directory
        return False
    try:
        resolved = Path(os.fsdecode(path))
        if not resolved.is_absolute():
            resolved = Path.cwd() / resolved
        resolved = Path(os.path.normpath(resolved))
    except (TypeError, ValueError):
        return False
    return resolved.is_relative_to(BESIDE) and not resolved.is_relative_to(ROOT)


def _audit(event: str, args: tuple) -> None:
    if event in _EVENTS and args and outside_the_repository(args[0]):
        outside.append((event, os.fsdecode(args[0])))


sys.addaudithook(_audit)  # hooks cannot be removed; the plugin is loaded once per run


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if not outside:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = sorted(set(outside))
    if reporter is not None:
        reporter.write_sep("=", f"{len(lines)} read(s) outside the repository {ROOT}", red=True)
        for event, path in lines[:50]:
            reporter.write_line(f"  {event}: {path}")
        reporter.write_line("  Copy what the project needs into data/ (with a SOURCE.md) and read it there.")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
