"""Endorsements of a publication: sent by anyone, verified by e-mail, moderated by the secretariat.

The contact address only ever receives mail; it is never shown. Whether an address or a name was
used before is never told on the form: a duplicate organisation is found when the link is used,
and told by e-mail. Every change of state is audited; the endorser hears of it in their language.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from principles_app.db import utcnow
from principles_app.domain import endorsements as rules
from principles_app.domain.endorsements import EndorsementState
from principles_app.domain.languages import DEFAULT_LANGUAGE, LANGUAGES
from principles_app.domain.organisations import Region
from principles_app.domain.publication import normalise
from principles_app.domain.text import text_problem
from principles_app.extensions import db
from principles_app.models import Endorsement, Publication, User
from principles_app.ratelimits import count, seconds_until_allowed
from principles_app.services import audit, commit_signal
from principles_app.services.errors import Conflict, Gone, NotFound, RateLimited, ValidationFailed
from principles_app.services.notifications import link_to, notify_address, render_message

REQUIRED = ("organisation_name", "country", "region", "website", "email")
MAX_REASON = 2000
DUPLICATE = "duplicate"  # the reason recorded when an organisation had already endorsed


class Verification(StrEnum):
    """Say what using a verification link did."""

    VERIFIED = "verified"
    DUPLICATE = "duplicate"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _one_line(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _check(fields: dict[str, Any]) -> dict[str, Any]:
    """Return the cleaned fields of an endorsement, or refuse (422) naming every field that needs attention."""
    problems: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name in REQUIRED:
        value = fields.get(name)
        if isinstance(value, str) and (problem := text_problem(value, multiline=False)):
            problems[name] = str(_l(problem))
        clean[name] = _one_line(value)
        if not clean[name] and name not in problems:
            problems[name] = str(_l("This field is required."))
    name = clean["organisation_name"]
    if name and len(name) > rules.MAX_NAME:
        problems["organisation_name"] = str(_l("A name has at most 200 characters."))
    country = clean["country"].upper()
    clean["country"] = country
    if country and not rules.is_country(country):
        problems["country"] = str(_l("Choose a country from the list."))
    if clean["region"] and clean["region"] not in {region.value for region in Region}:
        problems["region"] = str(_l("Choose a region from the list."))
    if clean["website"] and not rules.is_website(clean["website"]):
        problems["website"] = str(_l("Give the website’s address, starting with http:// or https://."))
    clean["email"] = clean["email"].lower()
    if clean["email"] and not rules.is_email(clean["email"]):
        problems["email"] = str(_l("Give one e-mail address, such as name@example.org."))
    statement = fields.get("statement")
    if statement is not None and not isinstance(statement, str):
        problems["statement"] = str(_l("Give the statement as text."))
        statement = None
    statement = normalise(statement).strip() if statement else ""
    if statement and (problem := text_problem(statement, multiline=True)):
        problems["statement"] = str(_l(problem))
    elif len(statement) > rules.MAX_STATEMENT:
        problems["statement"] = str(_l("A statement has at most 500 characters."))
    elif rules.has_markup_or_links(statement):
        problems["statement"] = str(_l("Write the statement as plain text, without HTML or links."))
    clean["statement"] = statement or None
    if fields.get("consent") is not True:
        problems["consent"] = str(_l("Agree to be listed publicly to endorse."))
    if problems:
        raise ValidationFailed(fields=problems)
    return clean


def _title(publication: Publication) -> str:
    return f"{publication.record['title']} {publication.label}"


def _context(endorsement: Endorsement, **extra: Any) -> dict[str, Any]:
    publication = endorsement.publication
    return {
        "title": _title(publication),
        "organisation": endorsement.organisation_name,
        "page_url": link_to("public.publication", slug=publication.record["slug"], label=publication.label),
        **extra,
    }


def start_endorsement(
    publication: Publication, fields: dict[str, Any], language: str | None
) -> tuple[Endorsement, str]:
    """Check and store an endorsement awaiting verification; return it with its verification token (to e-mail)."""
    clean = _check(fields)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    endorsement = Endorsement(
        publication=publication,
        **clean,
        consent=True,
        language=language if language in LANGUAGES else DEFAULT_LANGUAGE,
        state=EndorsementState.PENDING_VERIFICATION,
        verification_hash=_digest(token),
        verification_expires_at=now + timedelta(hours=rules.VERIFICATION_HOURS),
        created_at=now,
        updated_at=now,
    )
    db.session.add(endorsement)
    db.session.flush()
    audit.record("endorsement.submitted", "endorsement", endorsement.id, {"publication_id": publication.id})
    return endorsement, token


def submit_endorsement(
    publication: Publication, fields: dict[str, Any], language: str | None, remote_addr: str | None
) -> Endorsement:
    """Record an endorsement awaiting its e-mail verification and send the single-use link (48 hours).

    Refused (429) past the address's limit. Past the e-mail's limit it looks accepted, but no mail
    is sent, so it can never be verified: the answer never tells whether an address was used before.
    """
    address = remote_addr or "unknown"
    if (wait := seconds_until_allowed("ENDORSEMENT_ADDRESS_LIMIT", address)) is not None:
        raise RateLimited(retry_after=wait)
    endorsement, token = start_endorsement(publication, fields, language)
    count("ENDORSEMENT_ADDRESS_LIMIT", address)
    email_spent = seconds_until_allowed("ENDORSEMENT_EMAIL_LIMIT", endorsement.email) is not None
    count("ENDORSEMENT_EMAIL_LIMIT", endorsement.email)
    context = _context(endorsement, url=link_to("endorsements.verify", token=token), hours=rules.VERIFICATION_HOURS)
    if email_spent:
        render_message("endorsement_verify", endorsement.language, "UTC", context)  # the same work, no mail
    else:
        notify_address(endorsement.email, endorsement.language, "endorsement_verify", context)
    return endorsement


def pending_verification(token: object) -> Endorsement:
    """Return the endorsement a live verification link names; 410 when it is unknown, used or expired."""
    found = _by_hash(Endorsement.verification_hash, token)
    if (
        found is None
        or found.verification_used_at is not None
        or found.state != EndorsementState.PENDING_VERIFICATION
        or found.verification_expires_at <= utcnow()
    ):
        raise Gone()
    return found


def _by_hash(column, token: object) -> Endorsement | None:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return db.session.execute(select(Endorsement).where(column == _digest(token))).scalar_one_or_none()


def verify_endorsement(token: object) -> tuple[Endorsement, Verification]:
    """Spend a verification link: the endorsement reaches the secretariat's queue, unless its organisation is there.

    A duplicate (the same organisation, names compared as for members, already verified or
    approved on this publication) is rejected and told by e-mail. The confirmation e-mail carries
    the link to withdraw the endorsement at any time.
    """
    endorsement = pending_verification(token)
    now = utcnow()
    spent = db.session.execute(
        update(Endorsement)
        .where(Endorsement.id == endorsement.id, Endorsement.verification_used_at.is_(None))
        .values(verification_used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        raise Gone()  # a concurrent use spent it first
    withdrawal = secrets.token_urlsafe(32)
    try:
        with db.session.begin_nested():
            endorsement.state = EndorsementState.VERIFIED
            endorsement.verified_at = endorsement.updated_at = now
            endorsement.withdrawal_hash = _digest(withdrawal)
            db.session.flush()
    except IntegrityError:
        endorsement.state = EndorsementState.REJECTED
        endorsement.decided_at = endorsement.updated_at = now
        endorsement.reason = DUPLICATE
        endorsement.withdrawal_hash = None
        notify_address(endorsement.email, endorsement.language, "endorsement_duplicate", _context(endorsement))
        audit.record(
            "endorsement.duplicate", "endorsement", endorsement.id, {"publication_id": endorsement.publication_id}
        )
        return endorsement, Verification.DUPLICATE
    notify_address(
        endorsement.email,
        endorsement.language,
        "endorsement_confirmed",
        _context(endorsement, withdraw_url=link_to("endorsements.withdraw", token=withdrawal)),
    )
    audit.record("endorsement.verified", "endorsement", endorsement.id, {"publication_id": endorsement.publication_id})
    return endorsement, Verification.VERIFIED


def get_endorsement(endorsement_id: int) -> Endorsement:
    """Return an endorsement by id, or 404."""
    found = db.session.get(Endorsement, endorsement_id) if 0 < endorsement_id < 2**31 else None
    if found is None:
        raise NotFound()
    return found


def _decide(actor: User, endorsement: Endorsement, target: EndorsementState) -> None:
    if endorsement.state != EndorsementState.VERIFIED or not rules.can_move(endorsement.state, target):
        raise Conflict(_l("Only a verified endorsement awaiting a decision can be approved or rejected."))
    endorsement.state = target
    endorsement.decided_by_id = actor.id
    endorsement.decided_at = endorsement.updated_at = utcnow()


def approve_endorsement(actor: User, endorsement: Endorsement) -> Endorsement:
    """Publish a verified endorsement on the publication's pages and tell the endorser."""
    _decide(actor, endorsement, EndorsementState.APPROVED)
    audit.record("endorsement.approved", "endorsement", endorsement.id, {}, actor)
    notify_address(endorsement.email, endorsement.language, "endorsement_approved", _context(endorsement))
    return endorsement


def reject_endorsement(actor: User, endorsement: Endorsement, reason: Any) -> Endorsement:
    """Refuse a verified endorsement, saying why; the endorser is told, nothing is shown publicly."""
    reason = normalise(reason).strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationFailed(fields={"reason": str(_l("Say why: give a reason."))})
    if problem := text_problem(reason, multiline=True):
        raise ValidationFailed(fields={"reason": str(_l(problem))})
    if len(reason) > MAX_REASON:
        raise ValidationFailed(fields={"reason": str(_l("A reason has at most 2,000 characters."))})
    _decide(actor, endorsement, EndorsementState.REJECTED)
    endorsement.reason = reason
    audit.record("endorsement.rejected", "endorsement", endorsement.id, {"reason": reason}, actor)
    notify_address(
        endorsement.email, endorsement.language, "endorsement_rejected", _context(endorsement, reason=reason)
    )
    return endorsement


def withdrawable(token: object) -> Endorsement:
    """Return the endorsement a withdrawal link names while it can still be withdrawn; 410 otherwise."""
    found = _by_hash(Endorsement.withdrawal_hash, token)
    if found is None or not rules.can_move(found.state, EndorsementState.WITHDRAWN):
        raise Gone()
    return found


def withdraw_endorsement(token: object) -> Endorsement:
    """Withdraw an endorsement by its link: it leaves every public page, the feed and the exports."""
    endorsement = withdrawable(token)
    endorsement.state = EndorsementState.WITHDRAWN
    endorsement.withdrawn_at = endorsement.updated_at = utcnow()
    audit.record("endorsement.withdrawn", "endorsement", endorsement.id, {"publication_id": endorsement.publication_id})
    return endorsement


def invite_to_renew(publication: Publication) -> int:
    """Invite the organisations that endorsed an earlier publication of the document to endorse this one."""
    earlier = db.session.execute(
        select(Endorsement)
        .join(Publication, Publication.id == Endorsement.publication_id)
        .where(
            Publication.document_id == publication.document_id,
            Publication.id != publication.id,
            Endorsement.state == EndorsementState.APPROVED,
        )
        .order_by(Endorsement.decided_at.desc(), Endorsement.id.desc())
    ).scalars()
    invited: set[str] = set()
    url = link_to("endorsements.endorse", slug=publication.record["slug"], label=publication.label)
    for endorsement in earlier:
        if endorsement.name_key in invited:
            continue  # the newest endorsement of each organisation speaks for it
        invited.add(endorsement.name_key)
        context = _context(endorsement, earlier_label=endorsement.publication.label, label=publication.label)
        notify_address(
            endorsement.email,
            endorsement.language,
            "endorsement_renew",
            context | {"title": publication.record["title"], "url": url},
        )
    return len(invited)


# ---------------------------------------------------------------------------------------------
# Reading


def awaiting_decision() -> list[Endorsement]:
    """Return the verified endorsements the secretariat has to decide on, oldest first."""
    return list(
        db.session.execute(
            select(Endorsement)
            .where(Endorsement.state == EndorsementState.VERIFIED)
            .order_by(Endorsement.verified_at, Endorsement.id)
        ).scalars()
    )


def approved_endorsements(publication_ids: list[int]) -> list[Endorsement]:
    """Return the approved endorsements of some publications, newest first."""
    if not publication_ids:
        return []
    return list(
        db.session.execute(
            select(Endorsement)
            .where(Endorsement.publication_id.in_(publication_ids), Endorsement.state == EndorsementState.APPROVED)
            .order_by(Endorsement.decided_at.desc(), Endorsement.id.desc())
        ).scalars()
    )


def endorsement_fingerprint(publication_ids: list[int]) -> str:
    """Return a key that changes whenever an endorsement of these publications is approved or withdrawn.

    Public pages ask on every request, their 304s included: the answer is kept in this process
    until the next commit on the host (services.commit_signal), so an approval shows at once.
    """
    return _FINGERPRINTS.get_or_read(tuple(publication_ids), lambda: _read_fingerprint(publication_ids))


_FINGERPRINTS = commit_signal.UntilCommit()


def _read_fingerprint(publication_ids: list[int]) -> str:
    ids = (
        db.session.execute(
            select(Endorsement.id)
            .where(Endorsement.publication_id.in_(publication_ids), Endorsement.state == EndorsementState.APPROVED)
            .order_by(Endorsement.id)
        ).scalars()
        if publication_ids
        else []
    )
    return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()


@dataclass(frozen=True)
class RegionGroup:
    """The approved endorsements from one region, newest first."""

    region: Region
    endorsements: list[Endorsement]

    @property
    def count(self) -> int:
        """Return how many organisations of the region endorse."""
        return len(self.endorsements)


def by_region(endorsements: list[Endorsement]) -> list[RegionGroup]:
    """Group endorsements by region in the network's order of regions, leaving out empty regions."""
    groups = [RegionGroup(region, [e for e in endorsements if e.region == region]) for region in Region]
    return [group for group in groups if group.endorsements]


def public_fields(endorsement: Endorsement) -> dict[str, Any]:
    """Return what anyone may know of an approved endorsement (never the contact address)."""
    return {
        "id": endorsement.id,
        "organisation_name": endorsement.organisation_name,
        "country": endorsement.country,
        "region": Region(endorsement.region).value,
        "website": endorsement.website,
        "statement": endorsement.statement,
        "approved_at": endorsement.decided_at,
    }


CSV_COLUMNS = ("organisation_name", "country", "region", "website", "statement", "approved_at")


def endorsements_csv(publication: Publication) -> str:
    """Return the approved endorsements of a publication as CSV that no spreadsheet runs as a formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for endorsement in approved_endorsements([publication.id]):
        fields = public_fields(endorsement)
        fields["approved_at"] = fields["approved_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
        writer.writerow([rules.spreadsheet_safe(fields[column]) for column in CSV_COLUMNS])
    return out.getvalue()
