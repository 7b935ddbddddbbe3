"""The overrides of library internals the project keeps, each measured beside its revert.

The project keeps an override of a library's internals only where it gains at least 10 % on
the benchmark it targets. bench/overrides/ holds one patch per override that puts the
library's plain behaviour back (the smallest revert that leaves the answers as they are);
this applies each to a copy of the work tree in the run's temporary directory and measures
the two side by side, so that an override that no longer earns its keep shows:

A-D, the flows page (GET /api/v1/trade/flows/?reporter=RUS&page_size=100 with the bench
    token): the app as it is, the app from the reverted copy and bench/bare_app.py, under the
    Makefile's gunicorn on the same database and Redis (the as-is app on BENCH_APP_PORT, the
    reverted one on BENCH_LAYERS_PORT, the bare app on BENCH_BARE_PORT). Before measuring,
    the reverted app must answer the page byte for byte as the as-is one does; then wrk at 16
    connections, BENCH_DURATION seconds a run, the three back to back in each of
    BENCH_REPEAT repetitions, the order rotating. (E, imports.seen_keys, went in issue 20:
    imports keep their keys in the database now, and only the XML importers' small files
    still keep them in the process.)

Each result is the revert against the as-is code in the same repetitions (the ratio
reverted / as-is), and its target is the override's gain, as-is / reverted - 1, >= 10 % on
requests/s.

Environment: bench_api.py's (DATABASE_URL, REDIS_URL, BENCH_API_TOKEN, the ports,
BENCH_DURATION, BENCH_WARMUP), BENCH_WORK_DIR and BENCH_LOG_DIR.
"""

import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench_api import (
    APP_PORT,
    BARE_PORT,
    DURATION,
    HEADERS,
    LAYERS_PORTS,
    WARMUP,
    app_environment,
    get,
    gunicorn_command,
    launch,
    start_servers,
    stop_servers,
    warm_workers,
    wrk,
)
from common import REPEAT, ROOT, Result, Target, median, record

SECTION = "Overrides: each kept one beside its revert"
PATCHES = ROOT / "bench" / "overrides"
FLOWS_PATH = "/api/v1/trade/flows/?reporter=RUS&page_size=100"
REVERTED_PORT = LAYERS_PORTS[0]
CONNECTIONS = 16
GAIN_TARGET = 0.10
# (patch, what is kept, what the revert puts back)
API_OVERRIDES = [
    (
        "A-filterset.patch",
        "A. core/api/filters.py FilterSet: shallow copy, cached subset form (SharedFields)",
        "django-filter's FilterSet",
    ),
    (
        "B-token-cache.patch",
        "B. core/api/auth.py TokenAuthentication: the token cache",
        "knox's authenticate_credentials",
    ),
    (
        "C-flow-sql.patch",
        "C. trade/flow_sql.py + flows_as_json + TradeFlowViewSet.page",
        "filter_queryset, the ORM and TradeFlowSerializer",
    ),
    (
        "D-known-codes.patch",
        "D. directory/filters.py _known_codes(): a cached set of country codes",
        "a query per code",
    ),
]


def reverted_tree(patch: str, parent: Path) -> Path:
    """A copy of the work tree (the files git tracks or would track, as they are now) with the patch applied."""
    tree = Path(tempfile.mkdtemp(prefix=f"{Path(patch).stem}-", dir=parent))
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name)
    applied = subprocess.run(["git", "apply", str(PATCHES / patch)], cwd=tree, capture_output=True, text=True)
    if applied.returncode != 0:
        raise SystemExit(f"bench_overrides: {patch} does not apply to the work tree:\n{applied.stderr}")
    return tree


def start_reverted(tree: Path, log_dir: Path, name: str) -> dict:
    """The app from `tree` under the same gunicorn command and settings as the as-is app."""
    command = gunicorn_command("chancery.wsgi", REVERTED_PORT, "--chdir", str(tree))
    environment = dict(os.environ, **app_environment(secrets.token_urlsafe(50)), PYTHONPATH=str(tree))
    return launch({name: (REVERTED_PORT, command, environment)}, log_dir)


def check_same_body(patch: str) -> None:
    """The revert must leave the answer as it was, byte for byte (same Host, so the same next link)."""
    headers = dict(HEADERS, Host="127.0.0.1")
    (as_is_status, as_is), (reverted_status, reverted) = (
        get(port, FLOWS_PATH, headers) for port in (APP_PORT, REVERTED_PORT)
    )
    if (as_is_status, reverted_status) != (200, 200) or as_is != reverted:
        raise SystemExit(
            f"bench_overrides: with {patch} applied the app answers {FLOWS_PATH} differently "
            f"({reverted_status}, {len(reverted)} bytes vs {as_is_status}, {len(as_is)}); make the revert keep the answer"
        )
    print(f"bench_overrides: {patch}: the reverted app answers {FLOWS_PATH} byte for byte as the app does", flush=True)


def gain_target(text: str, gains: list[float], judged: bool = True) -> Target:
    gain = median(gains)
    return Target(
        f"{text} >= {GAIN_TARGET:.0%}",
        gain >= GAIN_TARGET if judged else None,
        f"{gain:+.0%} [{min(gains):+.0%} to {max(gains):+.0%}]",
    )


def api_override(patch: str, kept: str, plain: str, work_dir: Path, log_dir: Path) -> Result:
    tree = reverted_tree(patch, work_dir)
    name = f"reverted-{Path(patch).stem}"
    servers = start_reverted(tree, log_dir, name)
    try:
        check_same_body(patch)
        ports = {"as-is": APP_PORT, "reverted": REVERTED_PORT, "bare": BARE_PORT}
        for port in ports.values():
            warm_workers(port, [FLOWS_PATH])
            wrk(port, FLOWS_PATH, CONNECTIONS, WARMUP, warm_up=True)
        runs = {label: [] for label in ports}
        labels = list(ports)
        for rep in range(REPEAT):
            for label in labels[rep % len(labels) :] + labels[: rep % len(labels)]:
                runs[label].append(wrk(ports[label], FLOWS_PATH, CONNECTIONS, DURATION))
    finally:
        stop_servers(servers, log_dir)
        shutil.rmtree(tree, ignore_errors=True)
    rps = {label: [run["rps"] for run in label_runs] for label, label_runs in runs.items()}
    gains = [a / r - 1 for a, r in zip(rps["as-is"], rps["reverted"], strict=True)]
    return record(
        Result(
            section=SECTION,
            name=f"{kept}; reverted: {plain}",
            metric="requests/s",
            samples=rps["reverted"],
            baseline_name="as-is",
            baseline_samples=rps["as-is"],
            extra={
                "p50 ms": [run["p50_us"] / 1000 for run in runs["reverted"]],
                "bare app requests/s": rps["bare"],
            },
            baseline_extra={"p50 ms": [run["p50_us"] / 1000 for run in runs["as-is"]]},
            targets=[gain_target("flows page: gain as-is / reverted - 1", gains)],
            note=f"GET {FLOWS_PATH} with the bench token; wrk -t1 -c{CONNECTIONS}, {DURATION:g}s per run; "
            f"as-is, reverted and bare app back to back, the order rotating; bench/overrides/{patch}",
        )
    )


def main() -> None:
    work_dir = Path(os.environ.get("BENCH_WORK_DIR", "/tmp"))
    log_dir = Path(os.environ.get("BENCH_LOG_DIR", "/tmp"))
    servers = start_servers(log_dir)
    try:
        for patch, kept, plain in API_OVERRIDES:
            api_override(patch, kept, plain, work_dir, log_dir)
    finally:
        stop_servers(servers, log_dir)


if __name__ == "__main__":
    main()
