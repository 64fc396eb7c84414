"""The demo network: organisations in every region, users per role, and their work, loaded once.

Every step calls the public services, as a person using the site would, and skips what exists,
so `flask demo load` can run again and change nothing. network.json holds the data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from typing import Any

from sqlalchemy import select

from principles_app.demo.comments import load_thread
from principles_app.demo.drafts import load_draft
from principles_app.demo.endorsements import endorse_demo_publication
from principles_app.demo.meetings import load_meeting
from principles_app.demo.points import load_consultation
from principles_app.demo.procedure import load_recommendations
from principles_app.demo.publications import publish_adopted
from principles_app.demo.translations import load_translations
from principles_app.demo.voting import load_votes
from principles_app.extensions import db
from principles_app.models import Organisation, User
from principles_app.services import organisations as org_service


def demo_network() -> dict[str, Any]:
    """Return the demo network shipped with the package."""
    return json.loads(resources.files("principles_app.demo").joinpath("network.json").read_text("utf-8"))


def _users_and_organisations(network: dict[str, Any]) -> None:
    """Create the demo organisations in every region and their users, each once."""
    _load_organisations(network)
    _load_users(network)


def _load_organisations(network: dict[str, Any]) -> None:
    for spec in network["organisations"]:
        existing = select(Organisation).where(Organisation.name == spec["name"])
        if db.session.execute(existing).scalar_one_or_none() is None:
            org_service.create_organisation(
                None,
                name=spec["name"],
                region=spec["region"],
                category=spec["category"],
                vote_weight=Decimal(spec["vote_weight"]),
            )


def _load_users(network: dict[str, Any]) -> None:
    for spec in network["users"]:
        if db.session.execute(select(User).where(User.email == spec["email"].lower())).scalar_one_or_none():
            continue
        organisation = db.session.execute(
            select(Organisation).where(Organisation.name == spec["organisation"])
        ).scalar_one()
        org_service.create_user(
            None,
            email=spec["email"],
            name=spec["name"],
            password=spec["password"],
            role=spec["role"],
            organisation=organisation,
        )


# The order matters: the thread is on an amendment the draft step proposes, the votes merge the
# first amendment and adopt the draft, the translations follow the adopted text, and publication
# needs the adoption.
DEMO_STEPS: list[Callable[[dict[str, Any]], None]] = [
    _users_and_organisations,
    # Key points come before the draft: the consultation is held on version 1 and closed.
    load_consultation,
    load_draft,
    load_thread,
    load_votes,
    load_recommendations,  # on the amendments still open after the vote
    load_translations,
    publish_adopted,
    endorse_demo_publication,  # endorsements need the publication
    load_meeting,  # the next General Meeting of the demo document, with attendance and one proxy
]


def load_demo() -> dict[str, Any]:
    """Create the demo network once; running it again changes nothing."""
    network = demo_network()
    for step in DEMO_STEPS:
        step(network)
        db.session.commit()
    return network
