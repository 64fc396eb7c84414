"""The demo's endorsements: three organisations outside the network, from three regions, endorse "1.0"."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from principles_app.demo.publications import DEMO_LABEL
from principles_app.extensions import db
from principles_app.models import Document, Endorsement, Role, User
from principles_app.services import endorsements as endorsement_service
from principles_app.services import publications as publication_service

DEMO_ENDORSEMENTS = [
    {
        "organisation_name": "Nairobi Digital Rights Forum",
        "country": "KE",
        "region": "africa",
        "website": "https://ndrf.example.org",
        "email": "contact@ndrf.example.org",
        "statement": "We will use these principles when we work with partners across East Africa.",
        "language": "en",
    },
    {
        "organisation_name": "Colectivo Voces Libres",
        "country": "MX",
        "region": "americas",
        "website": "https://voceslibres.example.org",
        "email": "hola@voceslibres.example.org",
        "statement": "Respaldamos estos principios y los llevaremos a nuestras alianzas regionales.",
        "language": "es",
    },
    {
        "organisation_name": "Mekong Media Watch",
        "country": "KH",
        "region": "asia_pacific",
        "website": "https://mekongmedia.example.org",
        "email": "office@mekongmedia.example.org",
        "statement": None,
        "language": "en",
    },
]


def endorse_demo_publication(network: dict[str, Any]) -> None:
    """Have three organisations endorse the demo's "1.0", verified and approved, once."""
    slug = (network.get("document") or {}).get("slug")
    document = db.session.execute(select(Document).where(Document.slug == slug)).scalar_one_or_none()
    publication = publication_service.find_publication(document, DEMO_LABEL) if document is not None else None
    secretariat = (
        db.session.execute(select(User).where(User.role == Role.SECRETARIAT).order_by(User.id)).scalars().first()
    )
    if publication is None or secretariat is None:
        return
    if db.session.execute(select(Endorsement.id).where(Endorsement.publication_id == publication.id)).first():
        return
    for spec in DEMO_ENDORSEMENTS:
        fields = {key: value for key, value in spec.items() if key != "language"} | {"consent": True}
        _endorsement, token = endorsement_service.start_endorsement(publication, fields, spec["language"])
        endorsement, _verification = endorsement_service.verify_endorsement(token)
        endorsement_service.approve_endorsement(secretariat, endorsement)
