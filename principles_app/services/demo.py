"""Load the demo network: organisations in every region, users per role, and their work."""
from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from typing import Any, Callable

from sqlalchemy import select

from principles_app.extensions import db
from principles_app.models import Organisation, User
from principles_app.services import organisations as org_service

# Later areas (drafts, comments, rounds, publications) add their demo steps here, in order.
def _demo_draft(network: dict[str, Any]) -> None:
    """Create the draft document, its amendments round and the demo amendments."""
    from principles_app.services.amendments import load_demo_draft

    load_demo_draft(network)


def _demo_votes(network: dict[str, Any]) -> None:
    """Vote an amendment in, adopt the draft, and open a fresh amendments round (voting area)."""
    from principles_app.services.demo_voting import load_demo_votes

    load_demo_votes(network)


def _demo_comments(network: dict[str, Any]) -> None:
    """Start a short thread on a demo amendment: support, a question and its answer, an anonymous voice."""
    from principles_app.services.comments import load_demo_thread

    load_demo_thread(network)


def _demo_translations(network: dict[str, Any]) -> None:
    """Translate the draft into Spanish, and a few principles into French and Arabic (one out of date)."""
    from principles_app.services.translations import load_demo_translations

    load_demo_translations(network)


DEMO_STEPS: list[Callable[[dict[str, Any]], None]] = [_demo_draft, _demo_comments, _demo_votes, _demo_translations]


def demo_network() -> dict[str, Any]:
    """Return the demo network shipped with the package."""
    return json.loads(resources.files("principles_app.demo").joinpath("network.json").read_text("utf-8"))


def _load_organisations(network: dict[str, Any]) -> None:
    for spec in network["organisations"]:
        existing = db.session.execute(select(Organisation).where(Organisation.name == spec["name"])).scalar_one_or_none()
        if existing is None:
            org_service.create_organisation(None, name=spec["name"], region=spec["region"],
                                            category=spec["category"], vote_weight=Decimal(spec["vote_weight"]))


def _load_users(network: dict[str, Any]) -> None:
    for spec in network["users"]:
        if db.session.execute(select(User).where(User.email == spec["email"].lower())).scalar_one_or_none():
            continue
        organisation = db.session.execute(
            select(Organisation).where(Organisation.name == spec["organisation"])).scalar_one()
        org_service.create_user(None, email=spec["email"], name=spec["name"], password=spec["password"],
                                role=spec["role"], organisation=organisation)


def load_demo() -> dict[str, Any]:
    """Create the demo network once; running it again changes nothing."""
    network = demo_network()
    _load_organisations(network)
    _load_users(network)
    db.session.commit()
    for step in DEMO_STEPS:
        step(network)
        db.session.commit()
    # Publication comes last, after the voting step has adopted a version.
    _publish_adopted_version(network)
    db.session.commit()
    return network


def _publish_adopted_version(network: dict[str, Any]) -> None:
    """Publish the version whose adoption passed as "1.0" (runs after every other step)."""
    from principles_app.services.publications import publish_demo

    publish_demo(network)
