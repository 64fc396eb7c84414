"""The demo publication: the adopted version published as "1.0"."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from principles_app.extensions import db
from principles_app.models import Document, Version
from principles_app.services import publications as publication_service

DEMO_LABEL = "1.0"
DEMO_APPROVED_AT = date(2024, 6, 14)
DEMO_MEETING = "General Meeting, Berlin 2024"


def publish_adopted(network: dict[str, Any]) -> None:
    """Publish the demo document's adopted version as "1.0", once; skip when nothing passed."""
    slug = (network.get("document") or {}).get("slug")
    document = db.session.execute(select(Document).where(Document.slug == slug)).scalar_one_or_none()
    if document is None or publication_service.find_publication(document, DEMO_LABEL) is not None:
        return
    versions = db.session.execute(
        select(Version.number).where(Version.document_id == document.id).order_by(Version.number.desc())
    ).scalars()
    for number in versions:
        if (
            publication_service.in_open_vote(document, number)
            or publication_service.passed_adoption(document.id, number) is None
        ):
            continue
        publication_service.publish(None, document, number, DEMO_LABEL, DEMO_APPROVED_AT, DEMO_MEETING)
        return
