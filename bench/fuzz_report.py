"""`make fuzz`'s record: what Schemathesis sent and what came back, into bench/RESULTS.md.

    python bench/fuzz_report.py REPORT_PREFIX [RESULTS.md]

Reads REPORT_PREFIX.postgresql.json and REPORT_PREFIX.sqlite.json (tests/api/conftest.py
writes them when FUZZ_REPORT is set) and writes the section between `<!-- fuzz:start -->` and
`<!-- fuzz:end -->` in the results file (bench/report.py keeps it when it rewrites the rest).
Exits 1 if a pass is missing, failed, or saw a server error.
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

from common import ROOT, cpu_model, markers, write_section

PASSES = (("postgresql", "PostgreSQL + Redis"), ("sqlite", "SQLite + Redis"))


def main() -> int:
    prefix = sys.argv[1]
    results = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench" / "RESULTS.md"
    start, end = markers("fuzz")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        start,
        "## Fuzzing (`make fuzz`)",
        "",
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {cpu_model()}, {os.cpu_count()} cores, commit {commit or 'unknown'}.",
        "Schemathesis generates requests for every operation of the OpenAPI schema, anonymous, with an analyst's",
        "token and with an editor's (writes included, in the test database); each answer must not be a 5xx and must",
        "conform to the schema (status code, content type, body). About half the requests to a list carry a crafted",
        "`cursor` (base64 JSON of the list's own ordering with nulls, numbers beyond 64 bits, NaN, wrong types; broken",
        "base64; timeline cursors with impossible dates) and a quarter of those to a record an id no record can have",
        "(0, negative, beyond 64 bits, `1e3`, `+1`, `01`): tests/api/test_fuzz.py. `make test` runs the same tests with",
        "8 examples per operation for the editor and 2 for the others, without the coverage phase.",
        "",
        "| pass | method × path pairs sent | examples per operation and role | coverage phase | requests (anonymous / analyst / editor) | answers by status | 5xx | test failures |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ok = True
    for vendor, label in PASSES:
        path = Path(f"{prefix}.{vendor}.json")
        if not path.exists():
            lines.append(f"| {label} | – | – | – | – | – | – | no report: the pass did not run |")
            ok = False
            continue
        report = json.loads(path.read_text())
        sent = report["requests"]
        statuses = report["statuses"]
        server_errors = sum(count for code, count in statuses.items() if int(code) >= 500)
        ok = ok and not server_errors and not report["failed"]
        lines.append(
            f"| {label} | {report['operations']} | {report['examples_per_operation']} | {'on' if report['coverage_phase'] else 'off'} | "
            f"{sum(sent.values()):,} ({sent.get('anonymous', 0):,} / {sent.get('analyst', 0):,} / {sent.get('editor', 0):,}) | "
            f"{', '.join(f'{code}: {count:,}' for code, count in statuses.items())} | {server_errors} | {report['failed']} |"
        )
    lines += ["", f"Zero 5xx and zero schema violations: **{'met' if ok else 'NOT met'}**.", end]
    write_section(results, "fuzz", "\n".join(lines))
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
