"""Build a document with amendments and a voting or adoption round for the voting tests."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import Amendment, Document, Organisation, Round, User
from principles_app.services import amendments as amendment_service
from principles_app.services import closing
from principles_app.services import drafts as draft_service
from principles_app.services import motions as motion_service
from principles_app.services import rounds as round_service
from tests.factories import make_organisation, make_user

TEXTS = [
    ("Listen first", "We listen to members in every region before we decide anything together."),
    ("Credit the work", "Every organisation that contributes is named and thanked in what we publish."),
]


@dataclass
class Scene:
    """A document, its secretariat, delegates of member organisations and amendments."""

    secretariat: User
    document: Document
    delegates: list[User] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)

    @property
    def organisations(self) -> list[Organisation]:
        return [d.organisation for d in self.delegates]


def make_scene(weights: tuple[str, ...] = ("1", "2", "3"), regions: tuple[str, ...] | None = None,
               amendments: int = 2) -> Scene:
    """Create a document, member organisations with delegates and open amendments (round closed)."""
    secretariat = make_user("secretariat")
    document = draft_service.create_document(secretariat, "principles", "Principles", "",
                                             [{"title": t, "text": x} for t, x in TEXTS])
    db.session.commit()
    scene = Scene(secretariat, document)
    regions = regions or tuple(["africa", "americas", "asia_pacific", "europe_central_asia", "mena"][i % 5]
                               for i in range(len(weights)))
    for weight, region in zip(weights, regions):
        organisation = make_organisation(region=region, weight=weight)
        scene.delegates.append(make_user("member", organisation=organisation))
    if amendments:
        drafting = round_service.create_round(secretariat, document, "amendments", "Drafting",
                                              utcnow() + timedelta(days=3))
        closing.open_round(secretariat, drafting)
        principles = draft_service.live_principles(document)
        proposals = [
            (principles[0].id, "We listen to members in every region and every language before we decide."),
            (principles[1].id, "Every organisation that contributes is named, thanked and paid in what we publish."),
            (principles[0].id, "We listen to members in every region before we decide anything at all."),
        ]
        for i in range(amendments):
            principle_id, text = proposals[i % len(proposals)]
            scene.amendments.append(amendment_service.propose(
                scene.delegates[i % len(scene.delegates)], document, "modify", "Because it matters.",
                principle_id=principle_id, text=text))
        closing.close_round(secretariat, drafting)
        db.session.commit()
    return scene


def voting_round(scene: Scene, kind: str = "voting", secrecy: str = "named", motions: bool = True,
                 open_it: bool = True, **settings) -> Round:
    """Schedule (and open) a voting or adoption round with every amendment put as a motion."""
    target = round_service.create_round(scene.secretariat, scene.document, kind, f"{kind} round",
                                        utcnow() + timedelta(days=1), secrecy=secrecy, **settings)
    if kind == "voting" and motions:
        for amendment in scene.amendments:
            motion_service.put_motion(scene.secretariat, target, amendment)
    if open_it:
        closing.open_round(scene.secretariat, target)
    db.session.commit()
    return target
