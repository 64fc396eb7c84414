"""Build adopted documents through the real services: draft, amendment, merge, adoption vote."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import Document, Organisation, User
from principles_app.services import amendments as amendments_service
from principles_app.services import ballots as ballot_service
from principles_app.services import closing
from principles_app.services import drafts as drafts_service
from principles_app.services import motions as motion_service
from principles_app.services import publications as publications_service
from principles_app.services import rounds as rounds_service
from tests.factories import make_organisation, make_user

ARABIC_SENTENCE = "نلتزم بهذه المبادئ في كل عمل مشترك"
DRAFT_ONLY_TEXT = "Draft-only wording that nobody adopted"
RATIONALE = "A rationale that belongs to the drafting work, never to the public site"


@dataclass
class Scenario:
    """An adopted document and the people who made it."""

    document: Document
    secretariat: User
    proposer: User
    cosponsor: User
    proposer_org: Organisation
    cosponsor_org: Organisation
    adopted_version: int


def principles(count: int) -> list[dict[str, str]]:
    """Return ``count`` principles with distinct titles; the second carries an Arabic sentence."""
    rows = [{"title": f"Principle title {n}", "text": f"Text of principle {n}. We work together in good faith."}
            for n in range(1, count + 1)]
    if count >= 2:
        rows[1]["text"] += f"\n\n{ARABIC_SENTENCE}"
    return rows


def _round(secretariat: User, document: Document, kind: str):
    found = rounds_service.create_round(secretariat, document, kind, f"{kind} round", utcnow() + timedelta(days=7))
    closing.open_round(secretariat, found)
    return found


def merge_amendment(scenario: Scenario, title: str, text: str, number: int = 1, cosponsor: bool = True) -> int:
    """Propose, co-sponsor and merge a change to principle ``number``; return the new version number."""
    document = scenario.document
    amendments_round = _round(scenario.secretariat, document, "amendments")
    principle = drafts_service.live_principles(document, refresh=True)[number - 1]
    amendment = amendments_service.propose(scenario.proposer, document, "modify", RATIONALE,
                                           principle_id=principle.id, title=title, text=text)
    if cosponsor:
        amendments_service.cosponsor(scenario.cosponsor, amendment)
    result = amendments_service.merge_amendment(scenario.secretariat, amendment)
    closing.close_round(scenario.secretariat, amendments_round)
    db.session.commit()
    return result.version.number


def adopt(scenario: Scenario, choices: tuple[str, str] = ("yes", "yes")) -> int:
    """Hold an adoption vote on the working draft; return the version voted on."""
    adoption = _round(scenario.secretariat, scenario.document, "adoption")
    motion = motion_service.motions_of(adoption)[0]
    ballot_service.cast_ballot(scenario.proposer, motion.id, choices[0])
    ballot_service.cast_ballot(scenario.cosponsor, motion.id, choices[1])
    closing.close_round(scenario.secretariat, adoption)
    db.session.commit()
    return motion.version_number


def adopted_document(count: int = 3, slug: str = "principles") -> Scenario:
    """Create a document, merge one co-sponsored amendment and adopt the result."""
    secretariat = make_user("secretariat")
    proposer_org = make_organisation("Voices of the Sahel", region="africa", weight="2")
    cosponsor_org = make_organisation("Andes Press Freedom", region="americas", weight="1")
    make_organisation("Quiet Observers Network", region="asia_pacific", weight="1")  # never amends
    proposer = make_user("member", organisation=proposer_org)
    cosponsor = make_user("member", organisation=cosponsor_org)
    document = drafts_service.create_document(secretariat, slug, "Principles for Collaboration",
                                              "We adopt these principles together.", principles(count))
    db.session.commit()
    scenario = Scenario(document, secretariat, proposer, cosponsor, proposer_org, cosponsor_org, 0)
    merge_amendment(scenario, "Principle title 1", "Text of principle 1, as amended. We work together in good faith.")
    scenario.adopted_version = adopt(scenario)
    return scenario


def publish(scenario: Scenario, label: str = "1.0", version: int | None = None):
    """Publish the adopted version (or another) under a label and commit."""
    publication = publications_service.publish(
        scenario.secretariat, scenario.document, version or scenario.adopted_version, label, date(2024, 6, 14),
        "General Meeting, Berlin 2024")
    db.session.commit()
    return publication
