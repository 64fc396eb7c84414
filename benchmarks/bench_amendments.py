"""Time a merge with 200 open siblings, and the draft page and amendment list of a big document.

Run as ``python benchmarks/bench_amendments.py``; ``run()`` returns the rows for any report that
collects benchmark figures. The merge runs on PostgreSQL (``BENCH_DATABASE_URL``, default a
``bench_amendments`` database next to the test database) and falls back to SQLite when no
PostgreSQL answers; the pages run on the same database.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.seeding import bench_app

SIBLINGS = 200
PRINCIPLES = 50
AMENDMENTS = 500
REPEATS = 7
MERGE_TARGET_MS = Decimal("1000")
PAGE_TARGET_MS = Decimal("300")
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_amendments")

WORDS = [
    "partners",
    "network",
    "listen",
    "share",
    "credit",
    "region",
    "safety",
    "trust",
    "budget",
    "language",
    "meeting",
    "decide",
    "together",
    "colleagues",
    "ground",
    "publish",
    "consent",
    "local",
    "voices",
    "funding",
    "rotate",
]


def _database_url() -> tuple[str, str]:
    """Return a fresh database URL and its name: PostgreSQL when it answers, else SQLite."""
    from sqlalchemy import create_engine, text

    try:
        admin = create_engine(PG_URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        name = PG_URL.rsplit("/", 1)[1]
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return PG_URL, "PostgreSQL"
    except Exception:  # no PostgreSQL here: measure on SQLite and say so
        return f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}", "SQLite"


def _text(rng: random.Random, sentences: int = 6) -> str:
    return " ".join(" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(sentences))


def _app(url: str):
    from principles_app.extensions import db

    app = bench_app(url, TESTING=True, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def _people():
    from principles_app.extensions import db
    from principles_app.services import organisations as org_service

    org = org_service.create_organisation(
        None, name="Bench member", region="africa", category="member", vote_weight=Decimal(1)
    )
    member = org_service.create_user(
        None, email="bench@example.org", name="Bench", password="bench-password", role="member", organisation=org
    )
    db.session.commit()
    return member


def _member():
    from sqlalchemy import select

    from principles_app.extensions import db
    from principles_app.models import User

    return db.session.execute(select(User).where(User.email == "bench@example.org")).scalar_one()


def _amendment(document, principle, member, proposed: str):
    from principles_app.models import Amendment

    return Amendment(
        document_id=document.id,
        kind="modify",
        status="open",
        principle_id=principle.id,
        base_version=1,
        base_title=principle.title,
        base_text=principle.text,
        proposed_title=principle.title,
        proposed_text=proposed,
        original_proposed_title=principle.title,
        original_proposed_text=proposed,
        rationale="Bench.",
        proposer_id=member.id,
        organisation_id=member.organisation_id,
    )


def _edit(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    at = rng.randrange(len(words))
    words[at] = words[at].rstrip(".") + "-amended" + ("." if words[at].endswith(".") else "")
    return " ".join(words)


def bench_merge(app) -> Decimal:
    """Merge one amendment of a principle that has 200 open siblings; median of several runs."""
    from principles_app.extensions import db
    from principles_app.services import amendments as amendment_service
    from principles_app.services import drafts as draft_service

    rng = random.Random(7)
    timings = []
    with app.app_context():
        _people()
        for run in range(3):
            member = _member()
            document = draft_service.create_document(
                None, f"merge-{run}", "Merge bench", "", [{"title": "Long", "text": _text(rng, 10)}]
            )
            principle = draft_service.live_principles(document)[0]
            rows = [_amendment(document, principle, member, _edit(rng, principle.text)) for _ in range(SIBLINGS + 1)]
            db.session.add_all(rows)
            db.session.commit()
            target_id = rows[0].id
            db.session.remove()
            start = time.perf_counter()
            result = amendment_service.merge_amendment(None, amendment_service.get_amendment(target_id))
            db.session.commit()
            timings.append(time.perf_counter() - start)
            assert len(result.rebased_ids) + len(result.conflicted_ids) == SIBLINGS
            db.session.remove()
    return Decimal(str(round(statistics.median(timings) * 1000, 1)))


def bench_pages(app) -> tuple[Decimal, Decimal]:
    """Render the draft page and the amendment list of 50 principles and 500 amendments; p50 each."""
    from principles_app.extensions import db
    from principles_app.services import drafts as draft_service

    rng = random.Random(11)
    with app.app_context():
        member = _member()
        document = draft_service.create_document(
            None,
            "big",
            "Big draft",
            "A preamble.",
            [{"title": f"Principle {i}", "text": _text(rng, 4)} for i in range(PRINCIPLES)],
        )
        principles = draft_service.live_principles(document)
        db.session.add_all(
            [
                _amendment(document, p, member, _edit(rng, p.text))
                for n in range(AMENDMENTS)
                for p in [principles[n % PRINCIPLES]]
            ]
        )
        db.session.commit()
        email = member.email
        db.session.remove()
    client = app.test_client()
    client.post("/sign-in", data={"email": email, "password": "bench-password"})
    results = []
    for url in ("/documents/big/", "/documents/big/amendments/"):
        assert client.get(url).status_code == 200  # warm up
        timings = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200
        results.append(Decimal(str(round(statistics.median(timings) * 1000, 1))))
    return results[0], results[1]


def run() -> list[dict[str, Any]]:
    """Run the amendment benchmarks and return report rows."""
    url, name = _database_url()
    app = _app(url)
    merge_ms = bench_merge(app)
    draft_ms, list_ms = bench_pages(app)
    with app.app_context():
        from principles_app.extensions import db

        db.engine.dispose()
    return [
        {
            "benchmark": f"merge with {SIBLINGS} open siblings on one principle ({name})",
            "value": f"{merge_ms} ms",
            "target": f"< {MERGE_TARGET_MS} ms",
            "ok": merge_ms < MERGE_TARGET_MS,
        },
        {
            "benchmark": f"draft page, {PRINCIPLES} principles / {AMENDMENTS} amendments, p50 ({name})",
            "value": f"{draft_ms} ms",
            "target": f"< {PAGE_TARGET_MS} ms",
            "ok": draft_ms < PAGE_TARGET_MS,
        },
        {
            "benchmark": f"amendment list, {AMENDMENTS} amendments, p50 ({name})",
            "value": f"{list_ms} ms",
            "target": f"< {PAGE_TARGET_MS} ms",
            "ok": list_ms < PAGE_TARGET_MS,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['benchmark']}: {row['value']} (target {row['target']}) {'ok' if row['ok'] else 'SLOW'}")
