"""Run every benchmark, print a table and write benchmarks/RESULTS.md with the machine and date."""

from __future__ import annotations

import importlib
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROWS_MARK = "BENCHMARK-ROWS "
# Every module's latest figures, with when and where they were measured: running some modules
# updates theirs and keeps the others', so RESULTS.md always shows every benchmark.
STORE = HERE / "results.json"


def machine_description() -> str:
    """Describe the machine the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _stored_results() -> dict:
    """Read the latest figures of every module run so far."""
    try:
        return json.loads(STORE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _table(rows: list[dict]) -> str:
    """Format rows as a plain-text table for the terminal."""
    width = max([len(r["benchmark"]) for r in rows] + [9])
    lines = [f"{'benchmark'.ljust(width)}  {'value':>14}  {'target':>12}  ok"]
    for r in rows:
        lines.append(
            f"{r['benchmark'].ljust(width)}  {str(r['value']):>14}  {str(r['target']):>12}  {'yes' if r['ok'] else 'NO'}"
        )
    return "\n".join(lines)


def _results_markdown(stored: dict) -> str:
    """Write every module's latest figures, each under the date and machine it was measured on."""
    md = ["# Benchmark results", "", "Run with `make bench` (all) or `make bench BENCH=bench_voices` (some).", ""]
    for name in sorted(stored):
        entry = stored[name]
        md += [f"## {name}", "", f"Measured {entry['when']} on {entry['machine']}.", ""]
        if entry.get("failure"):
            md += [f"Did not run: `{entry['failure']}`", ""]
        if entry["rows"]:
            md += ["| benchmark | value | target | met |", "|---|---|---|---|"]
            md += [
                f"| {r['benchmark']} | {r['value']} | {r['target']} | {'yes' if r['ok'] else '**no**'} |"
                for r in entry["rows"]
            ]
            md += [""]
        md += [f"- **{r['benchmark']}**: {r['note']}" for r in entry["rows"] if r.get("note")]
        if any(r.get("note") for r in entry["rows"]):
            md += [""]
    return "\n".join(md)


def run_one(name: str) -> None:
    """Run one benchmark module and print its rows as JSON (called in a process of its own)."""
    module = importlib.import_module(f"benchmarks.{name}")
    print(ROWS_MARK + json.dumps(module.run(), default=str))


def main() -> int:
    """Run the benchmark modules named on the command line, or all of them, each in a fresh process.

    A process of its own per module: no module measures another's leftovers (its imports, its heap
    for the garbage collector to walk, its threads).
    """
    names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("bench_*.py"))
    rows, failures = [], []
    for name in names:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks", "--one", name],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=False,
        )
        found = [line[len(ROWS_MARK) :] for line in done.stdout.splitlines() if line.startswith(ROWS_MARK)]
        if done.returncode != 0 or not found:
            # One broken benchmark must not hide the others' figures.
            failures.append((name, (done.stderr or done.stdout).strip()[-2000:] or f"exit {done.returncode}"))
            continue
        rows += [{"module": name, **row} for row in json.loads(found[-1])]
    print(_table(rows))
    for name, trace in failures:
        print(f"\n{name} failed:\n{trace}")
    measured = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine_description()}
    stored, failed = _stored_results(), dict(failures)
    for name in names:
        stored[name] = {**measured, "rows": [r for r in rows if r["module"] == name]}
        if name in failed:
            stored[name]["failure"] = failed[name].strip().splitlines()[-1]
    STORE.write_text(json.dumps(stored, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")
    (HERE / "RESULTS.md").write_text(_results_markdown(stored), encoding="utf-8")
    return 1 if failures or not all(r["ok"] for r in rows) else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        run_one(sys.argv[2])
    else:
        sys.exit(main())
