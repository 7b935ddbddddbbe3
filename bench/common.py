"""What every benchmark module shares: the result record, timing, peak memory, the environment.

The machines we run on are shared and noisy, so a result is never one absolute time: it is
the samples of at least three repetitions, and where there is a baseline, the baseline's
samples measured in the same repetitions (interleaved), so the ratio of the two is what the
report leans on. A benchmark module appends `Result`s to the JSON file named by
BENCH_RESULTS_JSON; bench/report.py turns them into bench/RESULTS.md.

This module imports nothing outside the standard library, so bench/bare_app.py and the
generators can use it without Django.
"""

import fcntl
import json
import os
import platform
import re
import statistics
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = os.environ.get("BENCH_PYTHON") or str(ROOT / ".venv" / "bin" / "python")


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return default if raw in (None, "") else float(raw)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw in (None, "") else int(raw)


SCALE = env_float("BENCH_SCALE", 1.0)
REPEAT = max(3, env_int("BENCH_REPEAT", 3))
QUICK = os.environ.get("BENCH_QUICK", "") == "1"


@dataclass
class Target:
    """What the issue asks for, and whether this run met it."""

    text: str
    met: bool | None  # None: cannot be judged by this run (e.g. bench-quick's smaller data)
    measured: str = ""  # the figure the verdict rests on, e.g. "0.31x" or "max 96 MB"


@dataclass
class Result:
    """One benchmark: its samples, optionally a baseline's samples from the same repetitions.

    `ratio` is the benchmark over the baseline per repetition (so both came from the same
    moment of the machine's load); for "lower is better" metrics the report says so.
    `extra` holds further per-repetition metrics (latency percentiles, peak memory).
    """

    section: str
    name: str
    metric: str
    samples: list[float]
    higher_is_better: bool = True
    baseline_name: str = ""
    baseline_samples: list[float] = field(default_factory=list)
    extra: dict[str, list[float]] = field(default_factory=dict)
    baseline_extra: dict[str, list[float]] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    note: str = ""

    @property
    def ratios(self) -> list[float]:
        return [a / b for a, b in zip(self.samples, self.baseline_samples, strict=False) if b]


def interleaved(steps: list, rep: int) -> None:
    """Run the steps of one repetition, in reverse order every other one (the machine's load
    drifts: neither side always goes first)."""
    for step in steps if rep % 2 == 0 else steps[::-1]:
        step()


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def record(result: Result) -> Result:
    """Append a result to BENCH_RESULTS_JSON (one JSON object per line; several writers may append)."""
    path = os.environ.get("BENCH_RESULTS_JSON")
    line = json.dumps(asdict(result)) + "\n"
    if path:
        with open(path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(line)
    print(summary_line(result), flush=True)
    return result


def summary_line(result: Result) -> str:
    text = f"[{result.section}] {result.name}: {result.metric} median {median(result.samples):.4g} (samples {fmt_list(result.samples)})"
    if result.baseline_samples:
        text += f"; {result.baseline_name} {median(result.baseline_samples):.4g}; ratio {median(result.ratios):.3f}"
    for target in result.targets:
        text += f"; target {target.text}: {'met' if target.met else 'NOT met' if target.met is False else 'not judged'}"
    return text


def fmt_list(values: list[float]) -> str:
    return ", ".join(f"{v:.4g}" for v in values)


def run_and_measure(
    args: list[str], *, env: dict | None = None, cwd: Path = ROOT, input_bytes: bytes | None = None
) -> tuple[float, int, str]:
    """Run a command to its end: (wall seconds, peak RSS of that process in bytes, its stdout).

    stdout and stderr go to temporary files (a full pipe would stall the child); the peak
    comes from wait4() on that very child, so it is the command's own high-water mark.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        if input_bytes is not None:
            inp.write(input_bytes)
            inp.seek(0)
        started = time.perf_counter()
        process = subprocess.Popen(args, env=env, cwd=cwd, stdin=inp, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}... exited {process.returncode}:\n{stderr[-3000:]}\n{stdout[-2000:]}")
    return seconds, usage.ru_maxrss * 1024, stdout


def proc_status_kb(pid: int, field_name: str) -> int:
    """A field of /proc/PID/status in kB (VmRSS, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise KeyError(field_name)


def reset_peak_rss(pid: int) -> bool:
    """Reset a process's VmHWM to its current RSS (Linux: write 5 to clear_refs); False if not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(p) for p in text]
    return found


def answers(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(port):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} within {timeout:.0f}s")


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def markers(name: str) -> tuple[str, str]:
    """The markers around a section another tool than bench/report.py writes (report.py keeps them)."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(results: Path, name: str, section: str) -> None:
    """Put the section (markers included) in place of the one of that name in the results
    file, else before "## Raw samples", else at the end; the rest of the file as it is."""
    start, end = markers(name)
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    elif "\n## Raw samples" in text:
        head, tail = text.split("\n## Raw samples", 1)
        text = f"{head.rstrip()}\n\n{section}\n\n## Raw samples{tail}"
    else:
        text = f"{text.rstrip()}\n\n{section}\n"
    results.write_text(text)
