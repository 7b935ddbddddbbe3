"""The load test's two ends: the accounts and record ids it needs, and its section of RESULTS.md.

    python bench/load.py prepare OUT.json         # in the migrated, loaded database (Django)
    python bench/load.py report RUN_DIR... [--results bench/RESULTS.md] [--meta KEY=VALUE]

`prepare` creates the users the locust users act as, through the project's own commands
(`create_user` with a random password, `create_api_token`): analyst accounts that log in
through the login form, analyst accounts whose tokens the API clients use, and one editor
account (password and token) per editor, so that every editor writes only records of its own
and a 412 means a real bug, not two editors racing. It then samples the ids the users visit
(seeded, so runs visit the same records) and writes it all to OUT.json for bench/locustfile.py.

`report` reads the CSV files of each locust run (`--csv RUN_DIR/locust`), prints a summary,
writes the section between `<!-- load:start -->` and `<!-- load:end -->` in the results file
(replacing the one there, else placed before "## Raw samples", else at the end), and exits 1
when any run had an error: a failed request (5xx, unexpected 4xx, connection failure) or a
locust run that did not finish. 412s on a conditional write are counted apart, not as errors.
"""

import argparse
import csv
import datetime
import io
import json
import os
import random
import secrets
import statistics
import sys
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import cpu_model, env_int, markers, write_section  # noqa: E402

START_MARKER, END_MARKER = markers("load")
SEED = 20170228
# Pairs the generated data and the demo case make busy (bench/generate.py's BUSY_PAIRS).
PAIRS = ["RUS-TJK", "RUS-KGZ", "RUS-KAZ", "CHN-RUS", "USA-GBR", "DEU-FRA", "CHN-KAZ", "UZB-TJK", "KAZ-KGZ"]
SEARCH_TERMS = ["Dushanbe", "visit", "aviation", "Moscow", "airfield", "trade", "Eurasian", "commission"]


# --- prepare ----------------------------------------------------------------------------------
def prepare(out: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()

    from agreements.models import Agreement
    from directory.models import Country, Person
    from trade.models import TradeFlow
    from visits.models import NegotiationTopic, Visit

    editors = env_int("LOAD_EDITORS", 10)
    analyst_accounts = env_int("LOAD_ANALYST_ACCOUNTS", 5)
    client_accounts = env_int("LOAD_CLIENT_ACCOUNTS", 3)
    fixture = {
        "analysts": [_account(f"load-analyst-{n:02}", "analyst") for n in range(1, analyst_accounts + 1)],
        "api_clients": [
            _account(f"load-client-{n:02}", "analyst", token=True, login=False) for n in range(1, client_accounts + 1)
        ],
        "editors": [_account(f"load-editor-{n:02}", "editor", token=True) for n in range(1, editors + 1)],
    }

    rng = random.Random(SEED)
    visit_ids = list(Visit.objects.order_by("id").values_list("id", flat=True))
    countries_with_visits = sorted(
        set(Visit.objects.values_list("visitor_country", flat=True).distinct())
        | set(Visit.objects.values_list("host_country", flat=True).distinct())
    )
    reporters = sorted(TradeFlow.objects.values_list("reporter", flat=True).distinct())
    fixture.update(
        visit_ids=sorted(rng.sample(visit_ids, min(len(visit_ids), 2000))),
        agreement_ids=list(Agreement.objects.order_by("id").values_list("id", flat=True)[:500]),
        topic_slugs=list(NegotiationTopic.objects.order_by("slug").values_list("slug", flat=True)[:500]),
        person_ids=sorted(
            rng.sample(list(Person.objects.values_list("id", flat=True)), min(Person.objects.count(), 500))
        ),
        pairs=[p for p in PAIRS if Country.objects.filter(pk__in=p.split("-")).count() == 2],
        countries=countries_with_visits,
        reporters=reporters,
        search_terms=SEARCH_TERMS,
    )
    empty = [
        name
        for name in ("visit_ids", "topic_slugs", "pairs", "countries", "reporters", "agreement_ids")
        if not fixture[name]
    ]
    if empty:
        raise SystemExit(
            f"load.py prepare: the database has no {', '.join(empty)}; load the demo and generated data first"
        )
    out.write_text(json.dumps(fixture, indent=1))
    print(
        f"load.py: {editors} editors, {analyst_accounts} analyst and {client_accounts} API client accounts; "
        f"{len(fixture['visit_ids'])} visits, {len(fixture['agreement_ids'])} agreements, {len(fixture['topic_slugs'])} topics to visit"
    )


def _account(username: str, role: str, *, token: bool = False, login: bool = True) -> dict:
    """A user made by `create_user` (and given a token by `create_api_token`), as a script would."""
    from django.core.management import call_command

    password = secrets.token_urlsafe(24)
    stdin, sys.stdin = sys.stdin, io.StringIO(password + "\n")
    try:
        with redirect_stdout(io.StringIO()):
            call_command("create_user", username, role=role, password_stdin=True)
    finally:
        sys.stdin = stdin
    account = {"username": username}
    if login:
        account["password"] = password
    if token:
        printed, errors = io.StringIO(), io.StringIO()
        call_command("create_api_token", username, name="load test", stdout=printed, stderr=errors)
        account["token"] = printed.getvalue().strip()
    return account


# --- report -----------------------------------------------------------------------------------
def read_run(run_dir: Path) -> dict:
    """One locust run: its per-name rows, its failures, the extras locustfile.py counted."""
    stats_file = run_dir / "locust_stats.csv"
    if not stats_file.exists():
        return {"dir": run_dir, "rows": {}, "failures": [], "extra": {}, "complete": False}
    with stats_file.open(newline="") as handle:
        rows = {
            f"{row['Type']} {row['Name']}".strip() if row["Name"] != "Aggregated" else "Aggregated": row
            for row in csv.DictReader(handle)
        }
    failures = []
    failures_file = run_dir / "locust_failures.csv"
    if failures_file.exists():
        with failures_file.open(newline="") as handle:
            failures = list(csv.DictReader(handle))
    extra_file = run_dir / "extra.json"
    extra = json.loads(extra_file.read_text()) if extra_file.exists() else {}
    complete = "Aggregated" in rows and extra.get("measured", False)
    return {"dir": run_dir, "rows": rows, "failures": failures, "extra": extra, "complete": complete}


def _num(row: dict, key: str) -> float:
    value = row.get(key, "")
    return float(value) if value not in ("", "N/A", None) else float("nan")


def fmt(value: float, digits: int = 3) -> str:
    if value != value:  # NaN
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def spread(values: list[float]) -> str:
    values = [v for v in values if v == v]
    if not values:
        return "–"
    return f"{fmt(statistics.median(values))} [{fmt(min(values))}–{fmt(max(values))}]"


def request_type_order(name: str) -> tuple:
    """Pages, then API reads, then writes; by name within each."""
    label = name.split(" ", 1)[-1]
    kinds = ["page", "api", "write"]
    kind = label.split(":", 1)[0]
    return (kinds.index(kind) if kind in kinds else len(kinds), label)


def render(runs: list[dict], meta: list[tuple[str, str]]) -> tuple[str, bool]:
    complete = [run for run in runs if run["complete"]]
    login_errors = sum(run["extra"].get("login", {}).get("failures", 0) for run in runs)
    errors = sum(int(_num(run["rows"]["Aggregated"], "Failure Count")) for run in complete) + login_errors
    conflicts = sum(run["extra"].get("conflicts_412", 0) for run in complete)
    not_modified = sum(run["extra"].get("not_modified_304", 0) for run in complete)
    resets = sum(run["extra"].get("keepalive_resets_retried", 0) for run in complete)
    met = bool(complete) and len(complete) == len(runs) and errors == 0

    facts = [
        ("Date", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("Machine", f"{cpu_model()}, {os.cpu_count()} cores (shared with other work)"),
        *meta,
        ("Runs", f"{len(runs)} ({len(complete)} complete)"),
    ]
    lines = [START_MARKER, "## Load", ""]
    lines.append(
        "Written by `bench/load.sh` (`make load`); do not edit by hand. Analysts' page views, API clients' "
        "reads and editors' writes at once against gunicorn + PostgreSQL + Redis + a Celery worker "
        "(locust, headless). Figures are `median [min–max]` over the runs; per request type the "
        "counts are summed over the runs and the latencies are the median of the runs' percentiles."
    )
    lines += ["", "| | |", "|---|---|", *[f"| {key} | {value} |" for key, value in facts], ""]

    if complete:
        aggregated = [run["rows"]["Aggregated"] for run in complete]
        total = sum(int(_num(row, "Request Count")) for row in aggregated)
        lines += [
            "| overall | result |",
            "|---|---|",
            f"| requests | {total:,} in all ({spread([_num(r, 'Request Count') for r in aggregated])} per run) |",
            f"| p95 (ms) | **{spread([_num(r, '95%') for r in aggregated])}** |",
            f"| p50 / p99 (ms) | {spread([_num(r, '50%') for r in aggregated])} / {spread([_num(r, '99%') for r in aggregated])} |",
            f"| requests/s | **{spread([_num(r, 'Requests/s') for r in aggregated])}** |",
            f"| errors (5xx, unexpected 4xx, connection failures), logins included | {errors} |",
            f"| 412 on a conditional write (counted apart, not errors) | {conflicts} |",
            f"| 304 on a conditional read (success) | {not_modified} |",
            f"| GETs reset on a reused keep-alive connection and sent again, as browsers do (see below) | {resets} |",
            f"| zero errors | **{'met' if met else 'NOT met'}** |",
            "",
            "| request type | count | failures | p50 ms | p95 ms | p99 ms | req/s |",
            "|---|---|---|---|---|---|---|",
        ]
        # Rows with no request in the measured period (the login form's, after the reset) are left out.
        names = list(
            dict.fromkeys(
                name
                for run in complete
                for name, row in run["rows"].items()
                if name != "Aggregated" and _num(row, "Request Count") > 0
            )
        )
        for name in sorted(names, key=request_type_order):
            rows = [run["rows"][name] for run in complete if name in run["rows"]]
            lines.append(
                f"| {name} | {sum(int(_num(r, 'Request Count')) for r in rows):,} | {sum(int(_num(r, 'Failure Count')) for r in rows)} | "
                f"{fmt(statistics.median(_num(r, '50%') for r in rows))} | {fmt(statistics.median(_num(r, '95%') for r in rows))} | "
                f"{fmt(statistics.median(_num(r, '99%') for r in rows))} | {fmt(statistics.median(_num(r, 'Requests/s') for r in rows))} |"
            )
        logins = [run["extra"]["login"] for run in complete if "login" in run["extra"]]
        if logins:
            lines.append(
                f"| login form, before the measured period ({logins[0]['sessions']} sessions at once) | "
                f"{sum(login['requests'] for login in logins):,} | {login_errors} | "
                f"{fmt(statistics.median(login['submit_p50'] for login in logins))} | {fmt(statistics.median(login['submit_p95'] for login in logins))} | "
                f"max {fmt(max(login['submit_max'] for login in logins))} | – |"
            )
        lines.append("")
        lines.append(
            "Per run: "
            + "; ".join(
                f"run {i}: {int(_num(r, 'Request Count')):,} requests, p95 {fmt(_num(r, '95%'))} ms, {fmt(_num(r, 'Requests/s'))} req/s, "
                f"{int(_num(r, 'Failure Count'))} errors"
                for i, r in enumerate(aggregated, 1)
            )
            + "."
        )
        lines.append("")
    lines += [
        "Keep-alive: gunicorn's gthread worker closes a kept-alive connection 2 s after its last response "
        "(`--keep-alive` default) without checking whether a request has arrived on it, and that request is "
        "reset. The load's clients close their own connections after 1 s idle, as a proxy in front of gunicorn "
        "should; when the worker's event loop stalls (a loaded machine) a reset still happens now and then, "
        "and a GET is then sent again once on a new connection, as browsers do. A reset write would be an error.",
        "",
    ]
    failures = [
        f"{failure.get('Method', '')} {failure.get('Name', '')}: {failure.get('Error', '')} × {failure.get('Occurrences', '')} ({run['dir'].name})"
        for run in runs
        for failure in run["failures"]
    ] + [
        f"{error} ({run['dir'].name}, logging in)"
        for run in runs
        for error in run["extra"].get("login", {}).get("errors", [])
    ]
    if failures:
        lines += ["Errors:", "", *[f"- {failure}" for failure in failures], ""]
    for run in runs:
        if not run["complete"]:
            lines += [f"- {run['dir'].name} did not finish (no statistics written)", ""]
    lines.append(END_MARKER)
    return "\n".join(lines), met


def report(run_dirs: list[Path], results: Path, meta: list[tuple[str, str]]) -> int:
    runs = [read_run(path) for path in run_dirs]
    section, met = render(runs, meta)
    write_section(results, "load", section)
    print(section)
    print(f"load.py: results written to {results}; zero errors {'met' if met else 'NOT met'}")
    return 0 if met else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prepare_parser = commands.add_parser("prepare", help="create the accounts and write the ids the users visit")
    prepare_parser.add_argument("out", type=Path)
    report_parser = commands.add_parser("report", help="summarise locust runs into the results file")
    report_parser.add_argument("runs", type=Path, nargs="+", help="directories holding a run's locust_*.csv")
    report_parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    report_parser.add_argument("--meta", action="append", default=[], help="KEY=VALUE shown in the section's table")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.out)
    else:
        sys.exit(report(args.runs, args.results, [tuple(item.split("=", 1)) for item in args.meta]))


if __name__ == "__main__":
    main()
