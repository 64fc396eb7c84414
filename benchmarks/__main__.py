"""Run every benchmark, print a table and write benchmarks/RESULTS.md with the machine and date."""
from __future__ import annotations

import importlib
import os
import platform
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent


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


def main() -> int:
    """Run the benchmark modules named on the command line, or all of them."""
    names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("bench_*.py"))
    rows, failures = [], []
    for name in names:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            for row in module.run():
                rows.append({"module": name, **row})
        except Exception:  # one broken benchmark must not hide the others' figures
            failures.append((name, traceback.format_exc(limit=3)))
    width = max([len(r["benchmark"]) for r in rows] + [9])
    lines = [f"{'benchmark'.ljust(width)}  {'value':>14}  {'target':>12}  ok"]
    for r in rows:
        lines.append(f"{r['benchmark'].ljust(width)}  {str(r['value']):>14}  {str(r['target']):>12}  {'yes' if r['ok'] else 'NO'}")
    print("\n".join(lines))
    for name, trace in failures:
        print(f"\n{name} failed:\n{trace}")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    md = [f"# Benchmark results", "", f"Measured {now} on {machine_description()}.", "",
          "| benchmark | value | target | met |", "|---|---|---|---|"]
    md += [f"| {r['benchmark']} | {r['value']} | {r['target']} | {'yes' if r['ok'] else '**no**'} |" for r in rows]
    md += [f"", *[f"- `{name}` did not run: `{trace.strip().splitlines()[-1]}`" for name, trace in failures]]
    notes = [f"- **{r['benchmark']}**: {r['note']}" for r in rows if r.get("note")]
    if notes:
        md += ["## Notes", "", *notes, ""]
    (HERE / "RESULTS.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    return 1 if failures or not all(r["ok"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
