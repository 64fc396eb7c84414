"""Build test data through the real services: people, documents, amendments, rounds, adopted texts.

Every factory commits (in the default rolled-back test transaction a commit only releases a
savepoint, so requests made through the test client see the data). Sections:

- people and API access: organisations, users, tokens, signing in, the API's error body;
- drafts: documents, principles, amendments rounds, proposals and merges;
- comments: bare principles and amendments written as rows;
- voting: a scene of delegates and amendments, voting and adoption rounds;
- publications: documents drafted, amended and adopted, and their publication.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import Amendment, Document, Meeting, Organisation, Principle, Role, Round, User
from principles_app.services import amendments as amendment_service
from principles_app.services import auth as auth_service
from principles_app.services import ballots, closing
from principles_app.services import drafts as draft_service
from principles_app.services import meetings as meeting_service
from principles_app.services import motions as motion_service
from principles_app.services import organisations as org_service
from principles_app.services import publications as publication_service
from principles_app.services import rounds as round_service

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
ROLE_CATEGORY = {"member": "member", "observer": "ally", "secretariat": "secretariat"}


# --------------------------------------------------------------------------
# People and API access
# --------------------------------------------------------------------------


def make_organisation(
    name: str | None = None,
    region: str = "africa",
    category: str = "member",
    weight: str | Decimal = "1",
    active: bool = True,
) -> Organisation:
    """Create and commit an organisation."""
    organisation = org_service.create_organisation(
        None,
        name=name or f"Organisation {next(_counter)}",
        region=region,
        category=category,
        vote_weight=Decimal(weight),
        active=active,
    )
    db.session.commit()
    return organisation


def make_user(
    role: str = "member",
    organisation: Organisation | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    **org_fields,
) -> User:
    """Create and commit a user, with a fitting organisation unless one is given."""
    if organisation is None:
        organisation = make_organisation(category=org_fields.pop("category", ROLE_CATEGORY[role]), **org_fields)
    user = org_service.create_user(
        None,
        email=email or f"user{next(_counter)}@example.org",
        name=f"User {next(_counter)}",
        password=password,
        role=Role(role),
        organisation=organisation,
    )
    db.session.commit()
    return user


def token_for(user: User) -> str:
    """Issue and commit an API token for the user; return the bearer string."""
    token, _row = auth_service.issue_token(user)
    db.session.commit()
    return token


def auth_header(token: str) -> dict[str, str]:
    """Return the Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def sign_in(client, user: User, password: str = PASSWORD):
    """Sign a browser client in through the form."""
    return client.post("/sign-in", data={"email": user.email, "password": password})


def error_of(response, status: int | None = None) -> dict:
    """Return an API response's error object, checking the spec's error body (and the status, when given)."""
    body = response.get_json()
    if status is not None:
        assert response.status_code == status, body
    assert isinstance(body, dict) and set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]


# --------------------------------------------------------------------------
# Drafts: documents, amendments rounds, proposals, merges
# --------------------------------------------------------------------------

PRINCIPLES = [
    {"title": "Listen first", "text": "Partners listen to each other before they decide anything together."},
    {"title": "Share credit", "text": "Every organisation that contributes is named and credited for its work."},
    {
        "title": "Keep people safe",
        "text": "No partner publishes information that could expose colleagues on the ground.",
    },
]
# The first principle of PRINCIPLES, amended, and its translations (translation tests).
LISTEN = "Partners listen to each other before they decide anything together."
LISTEN_AMENDED = "Partners listen carefully to each other before they decide anything together."
SPANISH_TITLE = "Escuchar primero"
SPANISH = "Los socios se escuchan antes de decidir nada juntos."
SPANISH_AMENDED = "Los socios se escuchan con atención antes de decidir nada juntos."
ARABIC_TITLE = "الإصغاء أولاً"
ARABIC = "يصغي الشركاء بعضهم إلى بعض قبل أن يقرّروا أي شيء معاً."


def make_document(slug: str = "charter", principles=None, actor=None):
    """Create and commit a document as version 1 (with PRINCIPLES unless others are given)."""
    document = draft_service.create_document(actor, slug, "Our charter", "We agree on this.", principles or PRINCIPLES)
    db.session.commit()
    return document


def open_amendments_round(document, days: int = 14):
    """Create, open and commit an amendments round of the document."""
    created = round_service.create_round(None, document, "amendments", "Amendments", utcnow() + timedelta(days=days))
    closing.open_round(None, created)
    db.session.commit()
    return created


def draft_in_round():
    """Create a document with an open amendments round and return it."""
    document = make_document()
    open_amendments_round(document)
    return document


def principle(document, number: int):
    """Return the live principle with that number."""
    return draft_service.live_principles(document)[number - 1]


def propose(user, document, number: int = 1, text: str | None = None, kind: str = "modify", **extra):
    """Propose and commit an amendment."""
    target = principle(document, number)
    if kind == "modify" and text is None and "title" not in extra:
        text = target.text.replace("each other", "each other carefully")
    if kind == "insert":
        amendment = amendment_service.propose(
            user,
            document,
            "insert",
            extra.pop("rationale", "Because."),
            after_principle_id=target.id,
            title=extra.pop("title", "New"),
            text=text or "A new principle.",
        )
    else:
        amendment = amendment_service.propose(
            user, document, kind, extra.pop("rationale", "Because."), principle_id=target.id, text=text, **extra
        )
    db.session.commit()
    return amendment


def merge_change(proposer, secretariat, document, number: int = 1, text: str = LISTEN_AMENDED) -> int:
    """Propose and merge a change to a principle's text; return the new version number."""
    target = principle(document, number)
    amendment = amendment_service.propose(
        proposer, document, "modify", "Listening needs care.", principle_id=target.id, text=text
    )
    result = amendment_service.merge_amendment(secretariat, amendment)
    db.session.commit()
    return result.version.number


# --------------------------------------------------------------------------
# Comments: bare rows to comment on
# --------------------------------------------------------------------------


def make_principle(document: Document | None = None, number: int = 1) -> Principle:
    """Create and commit a live principle (in a new document unless one is given)."""
    if document is None:
        n = next(_counter)
        document = Document(slug=f"doc-{n}", title=f"Document {n}", preamble="")
        db.session.add(document)
        db.session.flush()
    created = Principle(
        document_id=document.id, number=number, title=f"Principle {number}", text="Partners share power."
    )
    db.session.add(created)
    db.session.commit()
    return created


def make_amendment(proposer: User, principle: Principle | None = None) -> Amendment:
    """Create and commit an open amendment proposed by this user's organisation."""
    principle = principle or make_principle()
    amendment = Amendment(
        document_id=principle.document_id,
        kind="modify",
        principle_id=principle.id,
        base_version=1,
        base_title=principle.title,
        base_text=principle.text,
        proposed_title=principle.title,
        proposed_text="Partners share power and credit.",
        original_proposed_title=principle.title,
        original_proposed_text="Partners share power and credit.",
        rationale="Credit matters.",
        proposer_id=proposer.id,
        organisation_id=proposer.organisation_id,
    )
    db.session.add(amendment)
    db.session.commit()
    return amendment


def delete_principle(principle: Principle) -> None:
    """Mark a principle as removed by a merged amendment."""
    principle.number = None
    principle.deleted_at = utcnow()
    db.session.commit()


# --------------------------------------------------------------------------
# Voting: delegates, amendments, voting and adoption rounds
# --------------------------------------------------------------------------

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


def make_scene(
    weights: tuple[str, ...] = ("1", "2", "3"), regions: tuple[str, ...] | None = None, amendments: int = 2
) -> Scene:
    """Create a document, member organisations with delegates and open amendments (round closed)."""
    secretariat = make_user("secretariat")
    document = draft_service.create_document(
        secretariat, "principles", "Principles", "", [{"title": t, "text": x} for t, x in TEXTS]
    )
    db.session.commit()
    scene = Scene(secretariat, document)
    regions = regions or tuple(
        ["africa", "americas", "asia_pacific", "europe_central_asia", "mena"][i % 5] for i in range(len(weights))
    )
    for weight, region in zip(weights, regions):
        organisation = make_organisation(region=region, weight=weight)
        scene.delegates.append(make_user("member", organisation=organisation))
    if amendments:
        drafting = round_service.create_round(
            secretariat, document, "amendments", "Drafting", utcnow() + timedelta(days=3)
        )
        closing.open_round(secretariat, drafting)
        principles = draft_service.live_principles(document)
        proposals = [
            (principles[0].id, "We listen to members in every region and every language before we decide."),
            (principles[1].id, "Every organisation that contributes is named, thanked and paid in what we publish."),
            (principles[0].id, "We listen to members in every region before we decide anything at all."),
        ]
        for i in range(amendments):
            principle_id, text = proposals[i % len(proposals)]
            scene.amendments.append(
                amendment_service.propose(
                    scene.delegates[i % len(scene.delegates)],
                    document,
                    "modify",
                    "Because it matters.",
                    principle_id=principle_id,
                    text=text,
                )
            )
        closing.close_round(secretariat, drafting)
        db.session.commit()
    return scene


def make_meeting(scene, starts_at: datetime, hours: float = 8, **fields) -> Meeting:
    """Schedule a General Meeting of the scene's document, from ``starts_at`` for ``hours`` (not committed).

    Titled "GM" in Berlin unless ``fields`` say otherwise (title, time_zone, place, online_url, quorum ...).
    """
    details = {"title": "GM", "time_zone": "Europe/Berlin", "place": "Berlin", **fields}
    return meeting_service.create_meeting(
        scene.secretariat, scene.document, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **details
    )


def voting_round(
    scene: Scene, kind: str = "voting", secrecy: str = "named", motions: bool = True, open_it: bool = True, **settings
) -> Round:
    """Schedule (and open) a voting or adoption round with every amendment put as a motion."""
    target = round_service.create_round(
        scene.secretariat,
        scene.document,
        kind,
        f"{kind} round",
        utcnow() + timedelta(days=1),
        secrecy=secrecy,
        **settings,
    )
    if kind == "voting" and motions:
        for amendment in scene.amendments:
            motion_service.put_motion(scene.secretariat, target, amendment)
    if open_it:
        closing.open_round(scene.secretariat, target)
    db.session.commit()
    return target


# --------------------------------------------------------------------------
# Publications: drafted, amended, adopted and published documents
# --------------------------------------------------------------------------

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
    rows = [
        {"title": f"Principle title {n}", "text": f"Text of principle {n}. We work together in good faith."}
        for n in range(1, count + 1)
    ]
    if count >= 2:
        rows[1]["text"] += f"\n\n{ARABIC_SENTENCE}"
    return rows


def _open_round(secretariat: User, document: Document, kind: str):
    found = round_service.create_round(secretariat, document, kind, f"{kind} round", utcnow() + timedelta(days=7))
    closing.open_round(secretariat, found)
    return found


def merge_amendment(scenario: Scenario, title: str, text: str, number: int = 1, cosponsor: bool = True) -> int:
    """Propose, co-sponsor and merge a change to principle ``number``; return the new version number."""
    document = scenario.document
    amendments_round = _open_round(scenario.secretariat, document, "amendments")
    target = draft_service.live_principles(document, refresh=True)[number - 1]
    amendment = amendment_service.propose(
        scenario.proposer, document, "modify", RATIONALE, principle_id=target.id, title=title, text=text
    )
    if cosponsor:
        amendment_service.cosponsor(scenario.cosponsor, amendment)
    result = amendment_service.merge_amendment(scenario.secretariat, amendment)
    closing.close_round(scenario.secretariat, amendments_round)
    db.session.commit()
    return result.version.number


def adopt(scenario: Scenario, choices: tuple[str, str] = ("yes", "yes")) -> int:
    """Hold an adoption vote on the working draft; return the version voted on."""
    adoption = _open_round(scenario.secretariat, scenario.document, "adoption")
    motion = motion_service.motions_of(adoption)[0]
    ballots.cast_ballot(scenario.proposer, motion.id, choices[0])
    ballots.cast_ballot(scenario.cosponsor, motion.id, choices[1])
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
    document = draft_service.create_document(
        secretariat, slug, "Principles for Collaboration", "We adopt these principles together.", principles(count)
    )
    db.session.commit()
    scenario = Scenario(document, secretariat, proposer, cosponsor, proposer_org, cosponsor_org, 0)
    merge_amendment(scenario, "Principle title 1", "Text of principle 1, as amended. We work together in good faith.")
    scenario.adopted_version = adopt(scenario)
    return scenario


def publish(scenario: Scenario, label: str = "1.0", version: int | None = None):
    """Publish the adopted version (or another) under a label and commit."""
    publication = publication_service.publish(
        scenario.secretariat,
        scenario.document,
        version or scenario.adopted_version,
        label,
        date(2024, 6, 14),
        "General Meeting, Berlin 2024",
    )
    db.session.commit()
    return publication


# --- Endorsements (SPEC §17) ------------------------------------------------------------------


def endorsement_fields(name: str = "Red de Periodistas Libres", **changes) -> dict:
    """Return the fields of an endorsement as the form and the API take them."""
    fields = {
        "organisation_name": name,
        "country": "CL",
        "region": "americas",
        "website": "https://periodistas.example.org",
        "email": "contacto@periodistas.example.org",
        "statement": "We stand with these principles.",
        "consent": True,
    }
    return fields | changes


def approved_endorsement(publication, name: str = "Red de Periodistas Libres", **changes):
    """Have an organisation endorse a publication, verified and approved by the secretariat, and commit."""
    from principles_app.services import endorsements as endorsement_service

    _pending, token = endorsement_service.start_endorsement(publication, endorsement_fields(name, **changes), "en")
    endorsement, _verification = endorsement_service.verify_endorsement(token)
    endorsement_service.approve_endorsement(make_user("secretariat"), endorsement)
    db.session.commit()
    return endorsement
