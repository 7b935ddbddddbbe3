"""The project reads nothing outside its own tree: a clone with nothing beside it runs whole.

tests/outside_reads.py watches every file the suite opens; these tests show that it catches a
read beside the repository, and that no source file names a path out of it.
"""

import re
import subprocess
from pathlib import Path

from tests import outside_reads

ROOT = Path(__file__).resolve().parents[1]


def test_a_read_beside_the_repository_is_caught():
    beside = ROOT.parent / "a-folder-beside" / "no-such-file.csv"
    before = len(outside_reads.outside)
    try:
        beside.read_text()
    except OSError:
        pass  # whether or not it exists, the attempt is what counts
    caught = outside_reads.outside[before:]
    del outside_reads.outside[before:]  # shown caught; not a failure of this run
    assert caught == [("open", str(beside))]


def test_reads_inside_the_repository_and_elsewhere_on_the_machine_pass(tmp_path):
    assert not outside_reads.outside_the_repository(ROOT / "data" / "comtrade" / "SOURCE.md")
    assert not outside_reads.outside_the_repository(tmp_path / "x")
    assert not outside_reads.outside_the_repository("/usr/lib/python3/dist-packages")
    assert outside_reads.outside_the_repository(ROOT.parent / "elsewhere")
    assert outside_reads.outside_the_repository(ROOT / ".." / "elsewhere")


# A path leaving the tree: "../shared", a parents[N] climb to the folder beside, ROOT.parent / "...".
ESCAPES = re.compile(r"\.\./shared|[\"']shared[\"']\s*/|parent\s*/\s*[\"']shared|/work/shared")


def test_no_source_file_names_a_path_outside_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files", "*.py", "*.sh", "Makefile", "*.yml", "*.toml", "*.ini", "*.cfg"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert len(tracked) > 100, "git ls-files found too few files to be this repository"
    this_file = Path(__file__).relative_to(ROOT).as_posix()
    offenders = [
        f"{name}:{number}: {line.strip()}"
        for name in tracked
        if name != this_file
        for number, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1)
        if ESCAPES.search(line)
    ]
    assert offenders == []
