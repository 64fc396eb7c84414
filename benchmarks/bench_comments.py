"""Time a large thread: 2,000 comments nested up to depth 20, loaded and rendered as the thread page.

Run as ``python benchmarks/bench_comments.py``; ``run()`` returns the rows for any report that
collects benchmark figures. Uses a throwaway SQLite database.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COMMENTS = 2_000
MAX_DEPTH = 20
REPEATS = 7
TARGET_MS = Decimal("300")


def _build_thread(rng: random.Random):
    """Create a document, a principle, users in three roles and a deep thread; return (principle, viewers)."""
    from principles_app.db import utcnow
    from principles_app.domain.markup import render_comment
    from principles_app.extensions import db
    from principles_app.models import Comment, Document, Organisation, Principle, User

    organisations = [
        Organisation(name=f"Org {i}", region=region, category="member", vote_weight=Decimal(1))
        for i, region in enumerate(("africa", "americas", "asia_pacific", "mena", "europe_central_asia"))
    ]
    staff_org = Organisation(name="Secretariat", region="international", category="secretariat")
    db.session.add_all(organisations + [staff_org])
    db.session.flush()
    users = [
        User(
            email=f"m{i}@example.org",
            name=f"Member {i}",
            password_hash="x",
            role="member",
            organisation_id=organisations[i % len(organisations)].id,
        )
        for i in range(20)
    ]
    staff = User(
        email="staff@example.org", name="Staff", password_hash="x", role="secretariat", organisation_id=staff_org.id
    )
    db.session.add_all(users + [staff])
    document = Document(slug="bench", title="Bench", preamble="")
    db.session.add(document)
    db.session.flush()
    principle = Principle(document_id=document.id, number=1, title="One", text="Text")
    db.session.add(principle)
    db.session.flush()
    bodies = [
        "I **support** this, see [the report](https://example.org/report).",
        "> quoted\n\nBut what about *regional* partners?",
        "- one\n- two\n- three",
        "Plain words only.",
    ]
    depth_of: dict[int, int] = {}
    ids: list[int] = []
    now = utcnow()
    for n in range(COMMENTS):
        candidates = [i for i in ids[-60:] if depth_of[i] < MAX_DEPTH - 1]
        parent = rng.choice(candidates) if candidates and rng.random() < 0.85 else None
        body = rng.choice(bodies)
        comment = Comment(
            target_type="principle",
            target_id=principle.id,
            parent_id=parent,
            author_id=users[n % len(users)].id,
            organisation_id=users[n % len(users)].organisation_id,
            body=body,
            body_html=render_comment(body),
            stance=rng.choice([None, "support", "oppose", "question"]),
            anonymous=n % 5 == 0,
            created_at=now - timedelta(minutes=7 * (COMMENTS - n)),
        )
        db.session.add(comment)
        db.session.flush()
        depth_of[comment.id] = 0 if parent is None else depth_of[parent] + 1
        ids.append(comment.id)
    db.session.commit()
    return principle.id, users[0].id, staff.id, max(depth_of.values()) + 1


def _median_ms(action) -> Decimal:
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter_ns()
        action()
        timings.append(time.perf_counter_ns() - start)
    timings.sort()
    return (Decimal(timings[len(timings) // 2]) / Decimal(1_000_000)).quantize(Decimal("0.1"))


def _row(name: str, ms: Decimal) -> dict[str, Any]:
    return {"benchmark": name, "value": f"{ms} ms", "target": f"< {TARGET_MS} ms", "ok": ms < TARGET_MS}


def run() -> list[dict[str, Any]]:
    """Build the thread once, then time loading and rendering it for a member and the secretariat."""
    from flask import render_template
    from flask_login import login_user

    from principles_app import create_app
    from principles_app.extensions import db
    from principles_app.models import User
    from principles_app.services.comments import load_thread
    from principles_app.web.comments.forms import CommentForm
    from principles_app.web.comments.views import target_url

    folder = Path(tempfile.mkdtemp(prefix="bench-comments-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "TESTING": True,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
        }
    )
    rows = []
    with app.app_context():
        db.create_all()
        principle_id, member_id, staff_id, depth = _build_thread(random.Random(20261128))
        for label, user_id in (("member", member_id), ("secretariat", staff_id)):
            with app.test_request_context(f"/threads/principle/{principle_id}"):
                login_user(db.session.get(User, user_id))

                def page(user_id=user_id):
                    db.session.expire_all()
                    view = load_thread("principle", principle_id, db.session.get(User, user_id))
                    return render_template(
                        "comments/thread.html", view=view, form=CommentForm(), target_url=target_url(view.target)
                    )

                def api_tree(user_id=user_id):
                    db.session.expire_all()
                    return load_thread("principle", principle_id, db.session.get(User, user_id))

                page()  # warm up template and statement caches
                rows.append(
                    _row(
                        f"thread of {COMMENTS:,} comments (depth {depth}) loaded + rendered as HTML, {label}",
                        _median_ms(page),
                    )
                )
                rows.append(
                    _row(
                        f"thread of {COMMENTS:,} comments (depth {depth}) loaded as a tree, {label}",
                        _median_ms(api_tree),
                    )
                )
        db.session.remove()
        db.engine.dispose()
    return rows


if __name__ == "__main__":
    results = run()
    for row in results:
        mark = "ok " if row["ok"] else "SLOW"
        print(f"[{mark}] {row['benchmark']}: {row['value']} (target {row['target']})")
    sys.exit(0 if all(row["ok"] for row in results) else 1)
