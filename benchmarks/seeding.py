"""What several benchmarks start from: a scratch PostgreSQL database, the app on it, a network.

Rows go straight in where the services would hash passwords: the argon2 hash of a thousand
passwords is not what any benchmark measures.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from principles_app.domain.tally import REGIONS

# Cheap password hashing: benchmarks sign in and create users, and measure neither.
FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}


def weight_of(i: int) -> Decimal:
    """Give organisation i an exact weight with up to four places."""
    return Decimal(1 + i % 7) + Decimal(i % 4) / 4 + Decimal(i % 3) / 10000


def scratch_database(prefix: str) -> tuple[str, Callable[[], None]]:
    """Create an empty database beside TEST_DATABASE_URL's; return its URL and how to drop it."""
    from sqlalchemy import create_engine, text

    base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.rsplit("/", 1)[0] + f"/{name}", drop


def bench_app(database_url: str, **config: Any):
    """Create the app on the database, with cheap password hashing and whatever else ``config`` sets."""
    from principles_app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", **FAST_HASHING, **config})


def network(organisations: int) -> tuple[Any, list[Any]]:
    """Create the secretariat and ``organisations`` member organisations with one delegate each.

    Organisation i is in ``REGIONS[i % 6]`` with ``weight_of(i)``; its delegate is m<i>@example.org.
    Runs inside an app context; commits; returns the secretariat's user and the delegates in order.
    """
    from principles_app.extensions import db
    from principles_app.models import Organisation, Role, User

    home = Organisation(
        name="Secretariat",
        region="international",
        category="secretariat",
        vote_weight=Decimal(0),
        active=True,
        credit_opt_out=False,
    )
    db.session.add(home)
    db.session.flush()
    secretariat = User(
        email="sec@example.org",
        name="Sec",
        password_hash="!",
        role=Role.SECRETARIAT,
        organisation_id=home.id,
        active=True,
    )
    db.session.add(secretariat)
    members = []
    for i in range(organisations):
        org = Organisation(
            name=f"Member {i}",
            region=REGIONS[i % len(REGIONS)],
            category="member",
            vote_weight=weight_of(i),
            active=True,
            credit_opt_out=False,
        )
        db.session.add(org)
        db.session.flush()
        member = User(
            email=f"m{i}@example.org",
            name=f"Delegate {i}",
            password_hash="!",
            role=Role.MEMBER,
            organisation_id=org.id,
            active=True,
        )
        db.session.add(member)
        members.append(member)
    db.session.commit()
    return secretariat, members
