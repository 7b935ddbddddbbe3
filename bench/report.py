"""Write bench/RESULTS.md from the results the benchmark modules recorded (JSON lines).

    python bench/report.py RESULTS.jsonl OUT.md --meta "Scale=1.0" --meta "Trade flows=2,000,000" ...

Per benchmark: the median and the spread (min-max) of its repetitions, the baseline's
measured in the same repetitions, and the ratio of the two taken repetition by repetition;
then whether each target was met. Raw samples are listed at the end. Sections that other
tools write into OUT.md between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers (`make
load`'s) are kept as they were.
"""

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_total() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def num(value: float) -> str:
    if value != value:  # NaN
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def spread(values: list[float]) -> str:
    """median [min–max]"""
    if not values:
        return "–"
    return f"{num(statistics.median(values))} [{num(min(values))}–{num(max(values))}]"


def ratio_text(values: list[float]) -> str:
    if not values:
        return "–"
    return f"{statistics.median(values):.3g}× [{min(values):.3g}–{max(values):.3g}]"


def ratios(result: dict) -> list[float]:
    return [a / b for a, b in zip(result["samples"], result["baseline_samples"], strict=False) if b]


def verdict(target: dict) -> str:
    return {True: "**met**", False: "**NOT met**", None: "not judged"}[target["met"]]


def marked_sections(path: Path) -> dict[str, str]:
    """{NAME: the text from `<!-- NAME:start -->` to `<!-- NAME:end -->`} for each such section of a file."""
    text = path.read_text(errors="replace")
    return {name: section for section, name in re.findall(r"(<!-- ([\w-]+):start -->.*?<!-- \2:end -->)", text, re.S)}


def render(results: list[dict], meta: list[tuple[str, str]], kept: str = "", commit_at_start: str = "") -> str:
    lines = ["# Benchmark results", ""]
    lines.append(
        "Written by `bench/run.sh` (`make bench` / `make bench-quick`); do not edit by hand. "
        "The machine is shared and noisy: read the **ratios**, each taken between a benchmark and its baseline "
        "measured back to back in the same repetition, rather than the absolute figures. "
        "Every figure is `median [min–max]` over the repetitions."
    )
    lines.append("")
    commit = git("rev-parse", "--short", "HEAD")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    commit_text = (
        f"{commit_at_start or commit}{' (with uncommitted changes)' if dirty else ''}" if commit else "unknown"
    )
    if commit_at_start and commit != commit_at_start:
        commit_text += f"; **HEAD moved to {commit} during the run**, so some figures may be of either"
    facts = [
        ("Date", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", f"{cpu_model()}, {os.cpu_count()} cores"),
        ("Memory", memory_total()),
        ("Commit", commit_text),
        *meta,
    ]
    lines += ["| | |", "|---|---|", *[f"| {key} | {value} |" for key, value in facts], ""]

    judged = [(r, t) for r in results for t in r["targets"]]
    if judged:
        lines += ["## Targets", "", "| benchmark | target | measured | |", "|---|---|---|---|"]
        for result, target in judged:
            lines.append(
                f"| {result['section']}: {result['name']} | {target['text']} | {target.get('measured', '')} | {verdict(target)} |"
            )
        lines.append("")

    for section in dict.fromkeys(r["section"] for r in results):
        lines += [f"## {section}", ""]
        lines += [
            "| benchmark | metric | measured | baseline | baseline measured | ratio (per repetition) | more (median: benchmark / baseline) |",
            "|---|---|---|---|---|---|---|",
        ]
        for result in (r for r in results if r["section"] == section):
            better = "higher is better" if result["higher_is_better"] else "lower is better"
            more = []
            for key, values in result["extra"].items():
                base = result["baseline_extra"].get(key)
                more.append(
                    f"{key} {num(statistics.median(values))}" + (f" / {num(statistics.median(base))}" if base else "")
                )
            lines.append(
                f"| {result['name']} | {result['metric']} ({better}) | {spread(result['samples'])} | {result['baseline_name'] or '–'} | "
                f"{spread(result['baseline_samples'])} | {ratio_text(ratios(result))} | {'; '.join(more)} |"
            )
        notes = [f"- {r['name']}: {r['note']}" for r in results if r["section"] == section and r["note"]]
        if notes:
            lines += ["", *notes]
        lines.append("")

    if kept:
        lines += [kept, ""]

    lines += ["## Raw samples", "", "<details><summary>every repetition</summary>", "", "```"]
    for result in results:
        lines.append(f"{result['section']} / {result['name']}")
        lines.append(f"  {result['metric']}: {', '.join(num(v) for v in result['samples'])}")
        if result["baseline_samples"]:
            lines.append(
                f"  baseline ({result['baseline_name']}): {', '.join(num(v) for v in result['baseline_samples'])}"
            )
        for key, values in {
            **result["extra"],
            **{f"baseline {k}": v for k, v in result["baseline_extra"].items()},
        }.items():
            lines.append(f"  {key}: {', '.join(num(v) for v in values)}")
    lines += ["```", "", "</details>", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--meta", action="append", default=[], help="KEY=VALUE shown in the header table")
    parser.add_argument("--commit-at-start", default="", help="the commit the run started on")
    args = parser.parse_args()
    results = (
        [json.loads(line) for line in args.results.read_text().splitlines() if line.strip()]
        if args.results.exists()
        else []
    )
    meta = [tuple(item.split("=", 1)) for item in args.meta]
    # A marked section named like one of this run's sections (an older "timelines") is replaced by it.
    ours = {result["section"].lower() for result in results}
    kept = "\n\n".join(
        text
        for name, text in (marked_sections(args.out) if args.out.exists() else {}).items()
        if name.lower() not in ours
    )
    args.out.write_text(render(results, meta, kept, args.commit_at_start))
    print(f"report.py: {len(results)} results written to {args.out}")


if __name__ == "__main__":
    main()
