"""The General Meeting benchmark works end to end at a small size, on the suite's database.

The same seeding (a running meeting, everyone checked in, a vote open), the same load generator
(live screens polling with If-None-Match while delegations vote) against gunicorn, and the same
checks (visibility, stale views, exact tally after closing) as `python -m benchmarks bench_meeting`.
"""

from __future__ import annotations

from benchmarks import bench_meeting
from tests.server.fault_support import scratch_database


def test_the_meeting_benchmark_runs_small_and_its_checks_pass(db_url):
    with scratch_database(db_url) as database_url:
        outcome = bench_meeting.scenario(
            database_url, organisations=5, clients=20, voting_seconds=3, lead=1, tail=2.5, workers=2, solo_repeat=5
        )
    assert outcome.errors == []
    # Screens saw both answers: 304 while nothing changed, the rebuilt view after each ballot.
    assert outcome.answered_304 > 0 and outcome.answered_200 > 0
    # 20 screens every 2 s for the 5.9 s of the run (1 s lead, 2.4 s of ballots, 2.5 s tail).
    assert outcome.polls >= 50
    assert outcome.accepted == outcome.stored == 5 and outcome.final_count == 5
    assert outcome.exact
    assert sum(group["count"] for group in outcome.tally.values()) == 5
    assert len(outcome.visible_first) == 5 and max(outcome.visible_first) < 2
    assert outcome.stale == 0
    rows = {row["benchmark"]: row for row in bench_meeting.rows(outcome)}
    tally_row = next(row for name, row in rows.items() if name.startswith("tally after closing"))
    assert tally_row["ok"] and tally_row["value"].startswith("equal (5 stored, 5 acknowledged of 5")
    assert all({"benchmark", "value", "target", "ok"} <= set(row) for row in rows.values())
