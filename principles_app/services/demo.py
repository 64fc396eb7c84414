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
DEMO_STEPS: list[Callable[[dict[str, Any]], None]] = []


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
    return network
