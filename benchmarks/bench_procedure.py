"""Time the editorial procedure: the consolidated text of a big document, and a big batch merge.

Run as ``python benchmarks/bench_procedure.py`` or ``python -m benchmarks bench_procedure``;
``run()`` returns the rows. Both run on PostgreSQL (``BENCH_DATABASE_URL``, default a
``bench_procedure`` database) and fall back to SQLite when no PostgreSQL answers.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_amendments as shared

PRINCIPLES = 50
RECOMMENDED = 200
BATCH = 100
REPEATS = 7
CONSOLIDATED_TARGET_MS = Decimal("500")
BATCH_TARGET_MS = Decimal("2000")
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_procedure")


def _recommend_all(amendments, secretariat_id: int) -> list:
    from principles_app.db import utcnow
    from principles_app.domain.procedure import Procedure
    from principles_app.models import Recommendation

    now = utcnow()
    return [
        Recommendation(
            amendment_id=a.id,
            procedure=Procedure.ACCEPT,
            reason="Bench.",
            user_id=secretariat_id,
            created_at=now,
            updated_at=now,
        )
        for a in amendments
    ]


def _word_edit(text: str, at: int) -> str:
    words = text.split(" ")
    words[at] = words[at].rstrip(".") + "-amended" + ("." if words[at].endswith(".") else "")
    return " ".join(words)


def bench_consolidated(app) -> tuple[Decimal, int, int]:
    """Fetch the consolidated text of 50 principles with 200 recommended amendments; p50 over the API."""
    from principles_app.extensions import db
    from principles_app.services import auth as auth_service
    from principles_app.services import drafts as draft_service

    rng = random.Random(5)
    with app.app_context():
        member = shared._people()
        document = draft_service.create_document(
            None,
            "consolidated",
            "Consolidated bench",
            "",
            [{"title": f"Principle {i}", "text": shared._text(rng, 6)} for i in range(PRINCIPLES)],
        )
        principles = draft_service.live_principles(document)
        rows = []
        for n in range(RECOMMENDED):
            principle = principles[n % PRINCIPLES]
            # Each amendment edits its own word of the principle, so most apply one after the other.
            words = len(principle.text.split(" "))
            at = (n // PRINCIPLES * 17 + n) % words
            rows.append(shared._amendment(document, principle, member, _word_edit(principle.text, at)))
        db.session.add_all(rows)
        db.session.flush()
        db.session.add_all(_recommend_all(rows, member.id))
        db.session.commit()
        token, _row = auth_service.issue_token(member)
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    url = "/api/v1/documents/consolidated/consolidated"
    first = client.get(url, headers=headers)
    assert first.status_code == 200, first.get_data(as_text=True)[:500]
    body = first.get_json()
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    return (
        Decimal(str(round(statistics.median(timings) * 1000, 1))),
        len(body["applied"]),
        len(body["not_applied"]),
    )


def bench_batch(app) -> tuple[Decimal, int]:
    """Merge 100 amendments in one batch while 100 siblings rebase; median of three runs."""
    from principles_app.extensions import db
    from principles_app.services import drafts as draft_service
    from principles_app.services import merging

    rng = random.Random(9)
    timings = []
    rebased = 0
    with app.app_context():
        for run in range(3):
            member = shared._member()
            document = draft_service.create_document(
                None,
                f"batch-{run}",
                "Batch bench",
                "",
                [{"title": f"Principle {i}", "text": shared._text(rng, 4)} for i in range(BATCH)],
            )
            principles = draft_service.live_principles(document)
            batch = [shared._amendment(document, p, member, _word_edit(p.text, 0)) for p in principles]
            siblings = [shared._amendment(document, p, member, _word_edit(p.text, -1)) for p in principles]
            db.session.add_all(batch + siblings)
            db.session.commit()
            ids = [a.id for a in batch]
            slug = document.slug
            db.session.remove()
            start = time.perf_counter()
            result = merging.merge_batch(None, draft_service.get_document(slug), ids)
            db.session.commit()
            timings.append(time.perf_counter() - start)
            rebased = len(result.rebased_ids)
            db.session.remove()
    return Decimal(str(round(statistics.median(timings) * 1000, 1))), rebased


def run() -> list[dict[str, Any]]:
    """Run the procedure benchmarks and return report rows."""
    shared.PG_URL = PG_URL
    url, name = shared._database_url()
    app = shared._app(url)
    consolidated_ms, applied, refused = bench_consolidated(app)
    batch_ms, rebased = bench_batch(app)
    with app.app_context():
        from principles_app.extensions import db

        db.engine.dispose()
    return [
        {
            "benchmark": f"consolidated text, {PRINCIPLES} principles / {RECOMMENDED} recommended, p50 ({name})",
            "value": f"{consolidated_ms} ms",
            "target": f"< {CONSOLIDATED_TARGET_MS} ms",
            "ok": consolidated_ms < CONSOLIDATED_TARGET_MS,
            "note": f"{applied} applied, {refused} would not apply cleanly",
        },
        {
            "benchmark": f"batch merge of {BATCH} amendments, {BATCH} siblings rebased ({name})",
            "value": f"{batch_ms} ms",
            "target": f"< {BATCH_TARGET_MS} ms",
            "ok": batch_ms < BATCH_TARGET_MS and rebased == BATCH,
            "note": f"{rebased} siblings rebased",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['benchmark']}: {row['value']} (target {row['target']}) {'ok' if row['ok'] else 'SLOW'}")
