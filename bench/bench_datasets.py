"""load_datasets from empty, again (nothing changed) and forced, on SQLite: what `make run` pays.

Started by bench/run.sh (step "datasets"). `make run` uses the embedded default (SQLite, Celery
tasks in-process), so this does too, whatever DATABASE_URL the other steps use. Each
repetition copies a migrated, empty SQLite file (made once), then in processes of their own:

1. `load_demo` then `load_datasets` from empty: the figure the README gives;
2. `load_datasets` again: every dataset's files are unchanged, so each is skipped;
3. `load_datasets --force`: every file read and matched again, nothing changed.

The ratios are of the same repetition's runs, (2) and (3) over (1). Targets: (1) well under a
minute on this machine, so that `make run` serves within one; (2) a small fraction of (1).
"""

import os
import re
import shutil
from pathlib import Path

from common import REPEAT, VENV_PYTHON, Result, Target, median, record, run_and_measure

SECTION = "Imports"
WORK = Path(os.environ.get("BENCH_WORK_DIR", "/tmp")) / "bench-datasets"


def manage(database: Path, *args: str) -> tuple[float, int, str]:
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
    }
    env.update(DATABASE_URL=f"sqlite:///{database}", CHANCERY_ENV="development", DEBUG="false")
    return run_and_measure([VENV_PYTHON, "manage.py", *args], env=env)


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    template = WORK / "template.sqlite3"
    manage(template, "migrate", "-v0")
    first, again, forced, peaks = [], [], [], []
    for rep in range(REPEAT):
        database = WORK / f"rep{rep}.sqlite3"
        shutil.copy(template, database)
        seconds_demo, _, _ = manage(database, "load_demo", "-v0")
        seconds, peak, output = manage(database, "load_datasets", "--no-progress")
        first.append(seconds_demo + seconds)
        peaks.append(peak / 2**20)
        again.append(manage(database, "load_datasets", "--no-progress")[0])
        forced_seconds, _, forced_output = manage(database, "load_datasets", "--no-progress", "--force")
        forced.append(forced_seconds)
        written = [(int(c), int(u)) for c, u in re.findall(r"created (\d+), updated (\d+)", forced_output)]
        if not written or any(c or u for c, u in written) or "created 0," in output:
            raise SystemExit(f"bench_datasets: a first load created nothing, or a forced one wrote:\n{forced_output}")
        database.unlink()
    record(
        Result(
            SECTION,
            "load_demo + load_datasets from empty (SQLite, as make run)",
            "seconds",
            first,
            higher_is_better=False,
            extra={"peak RSS MB": peaks},
            targets=[
                Target("under 50 s, so make run serves within a minute", median(first) < 50, f"{median(first):.1f} s")
            ],
        )
    )
    record(
        Result(
            SECTION,
            "load_datasets again, files unchanged (each dataset skipped)",
            "seconds",
            again,
            higher_is_better=False,
            baseline_name="the first load",
            baseline_samples=first,
            targets=[Target("a small fraction of the first load (< 0.1x)", median(again) / median(first) < 0.1)],
        )
    )
    record(
        Result(
            SECTION,
            "load_datasets --force (every file read and matched again; nothing changes)",
            "seconds",
            forced,
            higher_is_better=False,
            baseline_name="the first load",
            baseline_samples=first,
            targets=[Target("less than the first load", median(forced) < median(first))],
        )
    )


if __name__ == "__main__":
    main()
