"""The demo consultation: key points raised, supported and recorded before the draft, linked to its principles."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources
from typing import Any

from sqlalchemy import select

from principles_app.db import utcnow
from principles_app.domain.rounds import RoundKind
from principles_app.extensions import db
from principles_app.models import Document, Organisation, Round, User
from principles_app.services import closing
from principles_app.services import drafts as draft_service
from principles_app.services import points as point_service
from principles_app.services import rounds as round_service


def demo_points() -> dict[str, Any]:
    """Return the demo consultation shipped with the package."""
    return json.loads(resources.files("principles_app.demo").joinpath("points.json").read_text("utf-8"))


def _user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email.lower())).scalar_one()


def load_consultation(network: dict[str, Any]) -> None:
    """Create the demo document, hold its consultation, link the points to the principles and close it, once."""
    spec = network["document"]
    document = db.session.execute(select(Document).where(Document.slug == spec["slug"])).scalar_one_or_none()
    if document is None:
        document = draft_service.create_document(
            None, spec["slug"], spec["title"], spec.get("preamble"), spec["principles"]
        )
    held = db.session.execute(
        select(Round.id).where(Round.document_id == document.id, Round.kind == RoundKind.CONSULTATION)
    ).first()
    if held is not None:
        return
    data = demo_points()
    secretariat = _user("secretariat@example.org")
    consultation = round_service.create_round(
        secretariat, document, RoundKind.CONSULTATION, data["consultation"], utcnow() + timedelta(days=7)
    )
    closing.open_round(secretariat, consultation)
    for name in data["themes"]:
        point_service.create_theme(secretariat, document, name)
    sources: dict[int, list[int]] = {}
    for item in data["points"]:
        author = _user(item["by"])
        extra: dict[str, Any] = {}
        if "session" in item:
            organisation = db.session.execute(
                select(Organisation).where(Organisation.name == item["organisation"])
            ).scalar_one()
            extra = {
                "session": item["session"],
                "session_date": date.fromisoformat(item["session_date"]),
                "organisation_id": organisation.id,
            }
        point = point_service.submit_point(
            author, document, item["text"], theme=item["theme"], anonymous=item.get("anonymous", False), **extra
        )
        for supporter in item["supporters"]:
            point_service.support_point(_user(supporter), point)
        for number in item["principles"]:
            sources.setdefault(number, []).append(point.id)
    principles = draft_service.live_principles(document)
    for number, point_ids in sorted(sources.items()):
        point_service.set_sources(secretariat, principles[number - 1], point_ids)
    closing.close_round(secretariat, consultation)
