"""Time the consultation pages with 5,000 key points and 20,000 supports, and count their SQL statements.

Needs PostgreSQL (TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test): a
scratch database is created and dropped. The filtered list of key points and the "what we have
not taken up" page are served through the application as a signed-in member; each is timed as
the median of REPEATS requests, and its statements are counted at 100 points and again at 5,000:
the two counts must be equal.

Run alone with ``python -m benchmarks bench_points``.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.seeding import bench_app, scratch_database

POINTS = 5_000
SUPPORTS = 20_000
ORGANISATIONS = 100
SMALL = 200
REPEATS = 9
TARGET_MS = 200
REGIONS = ("africa", "americas", "asia_pacific", "europe_central_asia", "mena", "international")
PAGES = {
    "filtered key point list (region, theme, min support)": "/documents/bench/consultation/?region=americas&min_support=5&theme=2",
    "key point list, language filter, page 2": "/documents/bench/consultation/?language=es&page=2",
    '"what we have not taken up" page': "/documents/bench/consultation/not-taken-up",
    "API: unlinked key points by region": "/api/v1/documents/bench/points?unlinked=true&region=americas",
}


def _seed_network(app) -> dict[str, Any]:
    """Create organisations in every region, a reader, a 10-principle document and its consultation."""
    from principles_app.db import utcnow
    from principles_app.extensions import db
    from principles_app.models import Organisation, Role, Round, Theme, User
    from principles_app.services import auth, drafts

    organisations = [
        Organisation(
            name=f"Org {i}", region=REGIONS[i % len(REGIONS)], category="member" if i % 4 else "ally", vote_weight=1
        )
        for i in range(ORGANISATIONS)
    ]
    staff_org = Organisation(name="Secretariat", region="international", category="secretariat", vote_weight=0)
    db.session.add_all([*organisations, staff_org])
    db.session.flush()
    reader = User(
        email="reader@example.org",
        name="Reader",
        password_hash=auth.hash_password("bench password"),
        role=Role.MEMBER,
        organisation_id=organisations[1].id,
    )
    staff = User(
        email="staff@example.org", name="Staff", password_hash="x", role=Role.SECRETARIAT, organisation_id=staff_org.id
    )
    db.session.add_all([reader, staff])
    db.session.flush()
    document = drafts.create_document(
        staff, "bench", "Bench", "", [{"title": f"Principle {n}", "text": f"Text of principle {n}."} for n in range(10)]
    )
    consultation = Round(
        document_id=document.id,
        kind="consultation",
        title="Key points",
        state="closed",
        closes_at=utcnow() - timedelta(days=1),
        majority="simple",
        quorum=Decimal("0.5"),
        secrecy="named",
    )
    themes = [Theme(document_id=document.id, name=f"Theme {n}") for n in range(10)]
    db.session.add_all([consultation, *themes])
    db.session.commit()
    return {
        "organisations": [o.id for o in organisations],
        "reader": reader,
        "staff": staff.id,
        "document": document.id,
        "round": consultation.id,
        "themes": [t.id for t in themes],
        "principles": [p.id for p in drafts.live_principles(document)],
    }


def _seed_points(seeded: dict[str, Any], start: int, stop: int, supports_per_point: int) -> None:
    """Insert points start..stop-1 with their supports and, for every third point, a principle's link."""
    from principles_app.db import utcnow
    from principles_app.extensions import db
    from principles_app.models import KeyPoint, PointSupport, PrincipleSource

    organisations, now = seeded["organisations"], utcnow()
    languages = ("en", "es", "fr", "ar")
    points = [
        {
            "document_id": seeded["document"],
            "round_id": seeded["round"],
            "organisation_id": organisations[n % len(organisations)],
            "author_id": seeded["staff"],
            "text": f"Key point {n}: partners must be heard in their own language before anything is decided.",
            "language": languages[n % 4],
            "theme_id": seeded["themes"][n % len(seeded["themes"])],
            "anonymous": n % 10 == 0,
            "created_at": now,
        }
        for n in range(start, stop)
    ]
    ids = list(db.session.execute(KeyPoint.__table__.insert().returning(KeyPoint.__table__.c.id), points).scalars())
    supports = []
    for index, point_id in enumerate(ids):
        author = organisations[(start + index) % len(organisations)]
        # Alternately one more and one fewer than the mean, so the total is exact and counts vary.
        count = supports_per_point + (1 if (start + index) % 2 else -1)
        # Offsets 1, 14, 27, ... (mod 100) never reach the author's own organisation.
        chosen = [organisations[(start + index + 1 + k * 13) % len(organisations)] for k in range(count)]
        assert author not in chosen
        supports += [
            {"point_id": point_id, "organisation_id": org, "user_id": seeded["staff"], "created_at": now}
            for org in chosen
        ]
    if supports:
        db.session.execute(PointSupport.__table__.insert(), supports)
    links = [
        {
            "principle_id": seeded["principles"][index % len(seeded["principles"])],
            "point_id": point_id,
            "from_version": 1,
            "created_at": now,
        }
        for index, point_id in enumerate(ids)
        if (start + index) % 3 == 0
    ]
    if links:
        db.session.execute(PrincipleSource.__table__.insert(), links)
    db.session.commit()


def _measure(client, headers, path: str) -> tuple[float, int]:
    """Return the median time in ms of REPEATS requests of a page, and the statements one request sends."""
    from sqlalchemy import event

    from principles_app.extensions import db

    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    def get():
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)

    get()  # warm the templates and the caches
    event.listen(db.engine, "before_cursor_execute", record)
    get()
    event.remove(db.engine, "before_cursor_execute", record)
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        get()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), len(statements)


def run() -> list[dict[str, Any]]:
    from sqlalchemy import func, select

    from principles_app.extensions import db
    from principles_app.models import KeyPoint, PointSupport
    from principles_app.services import auth

    database_url, drop = scratch_database("bench_points")
    try:
        app = bench_app(database_url, WTF_CSRF_ENABLED=False)
        rows: list[dict[str, Any]] = []
        with app.app_context():
            db.create_all()
            seeded = _seed_network(app)
            token, _row = auth.issue_token(seeded["reader"])
            db.session.commit()
            supports_per_point = SUPPORTS // POINTS
            _seed_points(seeded, 0, SMALL, supports_per_point)
        client = app.test_client()
        client.post("/sign-in", data={"email": "reader@example.org", "password": "bench password"})
        api = {"Authorization": f"Bearer {token}"}
        small = {}
        for name, path in PAGES.items():
            with app.app_context():
                small[name] = _measure(client, api if path.startswith("/api/") else {}, path)[1]
        with app.app_context():
            _seed_points(seeded, SMALL, POINTS, supports_per_point)
            points = db.session.scalar(select(func.count()).select_from(KeyPoint))
            supports = db.session.scalar(select(func.count()).select_from(PointSupport))
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        for name, path in PAGES.items():
            with app.app_context():
                median, count = _measure(client, api if path.startswith("/api/") else {}, path)
            rows.append(
                {
                    "benchmark": f"{name}, {points} points, {supports} supports (median of {REPEATS})",
                    "value": f"{median:.1f} ms",
                    "target": f"< {TARGET_MS} ms",
                    "ok": median < TARGET_MS,
                }
            )
            rows.append(
                {
                    "benchmark": f"{name}: SQL statements at {SMALL} and at {points} points",
                    "value": f"{small[name]} / {count}",
                    "target": "equal",
                    "ok": small[name] == count,
                }
            )
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        return rows
    finally:
        drop()


if __name__ == "__main__":
    for row in run():
        print(f"{row['benchmark']}: {row['value']} (target {row['target']}) {'ok' if row['ok'] else 'NOT MET'}")
