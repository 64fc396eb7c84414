"""Attribution of a long history and the voices page of a large network, on PostgreSQL.

One run builds, straight into the tables (as merges leave them), a 10,000-word document of 50
principles taken through 500 merged amendments (500 versions, each changing a few words of one
principle), 1,000 organisations in every region and 10,000 comments. It times the first
attribution of the last version (computed and stored) and then the cached one, and the voices
page (computed and rendered as HTML) with the number of SQL statements it takes.

Needs PostgreSQL (TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test): its
tables are dropped and created again. Run as ``python -m benchmarks bench_voices``.
"""

from __future__ import annotations

import hashlib
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PRINCIPLES = 50
WORDS_PER_PRINCIPLE = 200
AMENDMENTS = 500
ORGANISATIONS = 1_000
COMMENTS = 10_000
REGIONS = ("africa", "americas", "asia_pacific", "europe_central_asia", "mena")
FIRST_TARGET_S = 2.0
CACHED_TARGET_MS = 100
PAGE_TARGET_MS = 300
VOCABULARY = [
    "partners",
    "listen",
    "share",
    "credit",
    "decide",
    "together",
    "members",
    "region",
    "people",
    "data",
    "safe",
    "publish",
    "name",
    "work",
    "trust",
    "network",
    "views",
    "local",
    "language",
    "time",
    "consent",
    "risk",
    "open",
    "fair",
    "report",
    "evidence",
    "support",
    "colleagues",
]


def _database_url() -> str:
    base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    return base.replace("postgresql://", "postgresql+psycopg://", 1)


def _text(rng: random.Random, words: int) -> str:
    sentences, current = [], []
    for i in range(words):
        current.append(rng.choice(VOCABULARY))
        if len(current) >= 12 or i == words - 1:
            sentences.append(" ".join(current).capitalize() + ".")
            current = []
    return " ".join(sentences)


def _edit(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(words))
        action = rng.random()
        if action < 0.5:
            words[at] = rng.choice(VOCABULARY)
        elif action < 0.8:
            words.insert(at, rng.choice(VOCABULARY))
        elif len(words) > 20:
            del words[at]
    return " ".join(words)


def _seed(rng: random.Random) -> dict[str, Any]:
    """Write the network, the document, its 500 versions and merged amendments, and the comments."""
    from principles_app.domain.amendments import AmendmentKind, AmendmentStatus
    from principles_app.domain.comments import TargetType
    from principles_app.extensions import db
    from principles_app.models import Amendment, Comment, Document, Organisation, Principle, Role, User, Version

    organisations = [
        Organisation(
            name=f"Organisation {i}",
            region=REGIONS[i % len(REGIONS)],
            category="member" if i % 10 else "ally",
            vote_weight=Decimal(1),
            active=True,
            credit_opt_out=i % 7 == 0,
        )
        for i in range(ORGANISATIONS)
    ]
    db.session.add_all(organisations)
    db.session.flush()
    users = [
        User(
            email=f"user{i}@example.org",
            name=f"User {i}",
            password_hash="!",
            role=Role.MEMBER,
            organisation_id=o.id,
            active=True,
        )
        for i, o in enumerate(organisations)
    ]
    db.session.add_all(users)
    document = Document(slug="principles", title="Principles", preamble="", current_version=1)
    db.session.add(document)
    db.session.flush()
    principles = [
        Principle(document_id=document.id, number=n, title=f"Principle {n}", text=_text(rng, WORDS_PER_PRINCIPLE - 2))
        for n in range(1, PRINCIPLES + 1)
    ]
    db.session.add_all(principles)
    db.session.flush()
    state = {p.id: {"id": p.id, "number": p.number, "title": p.title, "text": p.text} for p in principles}

    def snapshot() -> dict[str, Any]:
        return {"title": "Principles", "preamble": "", "principles": [dict(p) for p in state.values()]}

    def sha(value: dict) -> str:
        return hashlib.sha256(repr(value).encode()).hexdigest()

    first = snapshot()
    db.session.add(
        Version(document_id=document.id, number=1, snapshot=first, merged_amendment_ids=[], sha256=sha(first))
    )
    for number in range(2, AMENDMENTS + 2):
        target = state[rng.choice(principles).id]
        proposer = rng.choice(users)
        new_text = _edit(rng, target["text"])
        amendment = Amendment(
            document_id=document.id,
            kind=AmendmentKind.MODIFY,
            status=AmendmentStatus.MERGED,
            principle_id=target["id"],
            base_version=number - 1,
            base_title=target["title"],
            base_text=target["text"],
            proposed_title=target["title"],
            proposed_text=new_text,
            original_proposed_title=target["title"],
            original_proposed_text=new_text,
            rationale="Because.",
            proposer_id=proposer.id,
            organisation_id=proposer.organisation_id,
            merged_in_version=number,
        )
        db.session.add(amendment)
        db.session.flush()
        target["text"] = new_text
        version = snapshot()
        db.session.add(
            Version(
                document_id=document.id,
                number=number,
                snapshot=version,
                merged_amendment_ids=[amendment.id],
                sha256=sha(version),
            )
        )
        db.session.flush()
    document.current_version = AMENDMENTS + 1
    for principle in principles:
        principle.text = state[principle.id]["text"]
    comments = []
    for i in range(COMMENTS):
        author = users[rng.randrange(len(users))]
        comments.append(
            Comment(
                target_type=TargetType.PRINCIPLE,
                target_id=rng.choice(principles).id,
                author_id=author.id,
                organisation_id=author.organisation_id,
                body="A view.",
                body_html="<p>A view.</p>",
                anonymous=i % 4 == 0,
            )
        )
    db.session.add_all(comments)
    db.session.commit()
    return {"document_id": document.id, "user_id": users[1].id}


def run() -> list[dict[str, Any]]:
    """Seed once, then time attribution (first and cached) and the voices page."""
    from flask_login import login_user
    from sqlalchemy import event, func, select

    from principles_app import create_app
    from principles_app.extensions import db
    from principles_app.models import Comment, Document, User, Version
    from principles_app.services import attribution
    from principles_app.web.voices import views

    app = create_app({"SQLALCHEMY_DATABASE_URI": _database_url(), "SECRET_KEY": "bench", "TESTING": True})
    rows: list[dict[str, Any]] = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        seeded = _seed(random.Random(20261204))
        document = db.session.get(Document, seeded["document_id"])
        version = db.session.execute(
            select(Version).where(Version.document_id == document.id, Version.number == document.current_version)
        ).scalar_one()
        words = sum(len(p["text"].split()) + len(p["title"].split()) for p in version.snapshot["principles"])
        db.session.expire_all()
        start = time.perf_counter()
        attribution.attribution_of(document, version)
        db.session.commit()
        first = time.perf_counter() - start
        rows.append(
            {
                "benchmark": f"attribution of {words:,} words through {AMENDMENTS} merged amendments, first",
                "value": f"{first:.2f} s",
                "target": f"< {FIRST_TARGET_S} s",
                "ok": first < FIRST_TARGET_S,
            }
        )
        cached = []
        for _ in range(5):
            start = time.perf_counter()
            attribution.attribution_of(document, version)
            cached.append((time.perf_counter() - start) * 1000)
        cached_ms = statistics.median(cached)
        rows.append(
            {
                "benchmark": "attribution of the same version, cached",
                "value": f"{cached_ms:.1f} ms",
                "target": f"< {CACHED_TARGET_MS} ms",
                "ok": cached_ms < CACHED_TARGET_MS,
            }
        )
        statements: list[str] = []

        def count(conn, cursor, statement, *args) -> None:
            statements.append(statement)

        with app.test_request_context("/documents/principles/voices"):
            login_user(db.session.get(User, seeded["user_id"]))
            views.document_voices("principles")  # warm up templates and statement caches
            timings, counts = [], []
            for _ in range(7):
                db.session.expire_all()
                statements.clear()
                event.listen(db.engine, "before_cursor_execute", count)
                start = time.perf_counter()
                html = views.document_voices("principles")
                timings.append((time.perf_counter() - start) * 1000)
                event.remove(db.engine, "before_cursor_execute", count)
                counts.append(len(statements))
            assert "Least heard" in html
            page_ms = statistics.median(timings)
            comments = db.session.execute(select(func.count()).select_from(Comment)).scalar_one()
        rows.append(
            {
                "benchmark": f"voices page, {ORGANISATIONS:,} organisations and {comments:,} comments",
                "value": f"{page_ms:.0f} ms",
                "target": f"< {PAGE_TARGET_MS} ms",
                "ok": page_ms < PAGE_TARGET_MS,
                "note": f"{counts[-1]} SQL statements per page, the same on every run ({sorted(set(counts))}).",
            }
        )
        db.session.remove()
        db.engine.dispose()
    return rows


if __name__ == "__main__":
    results = run()
    for row in results:
        print(f"[{'ok ' if row['ok'] else 'SLOW'}] {row['benchmark']}: {row['value']} (target {row['target']})")
    sys.exit(0 if all(row["ok"] for row in results) else 1)
