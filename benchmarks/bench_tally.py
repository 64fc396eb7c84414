"""Time the tally on a large round: 10,000 electors, all of whom vote.

Run as ``python benchmarks/bench_tally.py``; ``run()`` returns the rows for
any report that collects benchmark figures.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

# Let the script run from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from principles_app.domain.tally import (
    CATEGORIES,
    CHOICES,
    REGIONS,
    CastBallot,
    Elector,
    participation,
    tally,
    to_jsonable,
)

ELECTORS = 10_000
REPEATS = 7
TARGET_MS = Decimal("100")


def _round(size: int, seed: int = 20250331) -> tuple[list[Elector], list[CastBallot]]:
    """Build a reproducible electorate spread over every region and category, all voting."""
    rng = random.Random(seed)
    electorate = [
        Elector(
            organisation_id=i,
            region=REGIONS[i % len(REGIONS)],
            category=CATEGORIES[(i // len(REGIONS)) % len(CATEGORIES)],
            # Integers scaled to four places: realistic weights, no float involved.
            weight=Decimal(rng.randrange(0, 50_000)).scaleb(-4),
        )
        for i in range(1, size + 1)
    ]
    ballots = [CastBallot(e.organisation_id, rng.choice(CHOICES)) for e in electorate]
    rng.shuffle(ballots)
    return electorate, ballots


def _median_ms(action: Callable[[], Any]) -> Decimal:
    """Return the median wall time of several runs, in milliseconds."""
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter_ns()
        action()
        timings.append(time.perf_counter_ns() - start)
    timings.sort()
    return (Decimal(timings[len(timings) // 2]) / Decimal(1_000_000)).quantize(Decimal("0.1"))


def _row(name: str, ms: Decimal) -> dict[str, Any]:
    """Format one benchmark row against the 100 ms target."""
    target = f"< {TARGET_MS} ms"
    return {"benchmark": name, "value": f"{ms} ms", "target": target, "ok": ms < TARGET_MS}


def run() -> list[dict[str, Any]]:
    """Run the tally benchmarks and return one row per figure."""
    electorate, ballots = _round(ELECTORS)
    tally(electorate, ballots, "two_thirds")  # warm up caches before timing
    return [
        _row(
            "tally of 10,000 ballots",
            _median_ms(lambda: tally(electorate, ballots, "two_thirds")),
        ),
        _row(
            "tally of 10,000 ballots + JSON",
            _median_ms(lambda: to_jsonable(tally(electorate, ballots, "two_thirds"))),
        ),
        _row(
            "participation of 10,000 ballots",
            _median_ms(lambda: participation(electorate, ballots)),
        ),
    ]


if __name__ == "__main__":
    rows = run()
    for row in rows:
        mark = "ok " if row["ok"] else "SLOW"
        print(f"[{mark}] {row['benchmark']}: {row['value']} (target {row['target']})")
    sys.exit(0 if all(row["ok"] for row in rows) else 1)
