"""Email notifications: write outbox rows for events, in each recipient's language and time zone.

Every function here only adds rows to the session; the caller's transaction commits them together
with the event itself, so a rolled-back event never sends mail. ``services/outbox.py`` delivers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from principles_app.db import utcnow
from principles_app.domain.amendments import AmendmentNews
from principles_app.domain.languages import DEFAULT_LANGUAGE, LANGUAGES
from principles_app.domain.procedure import Answer, Procedure
from principles_app.domain.rounds import RoundKind, RoundState
from principles_app.domain.times import zone_for
from principles_app.extensions import db
from principles_app.formatting import deadline, time_in_zone
from principles_app.labels import ANSWER_NAMES, PROCEDURE_NAMES, author_category, name_of
from principles_app.models import (
    Amendment,
    Ballot,
    Comment,
    ElectorateMember,
    Motion,
    NotificationPreference,
    Organisation,
    OutboxMessage,
    Role,
    Round,
    User,
)
from principles_app.services.anonymity import protective_label  # a leaf too: the one service borrowed

REMINDER_WINDOW = timedelta(hours=24)
EXCERPT_LENGTH = 500

SUBJECTS = {
    "round_opened": _l("A round is open on “%(document)s”: %(title)s"),
    "round_closing": _l("“%(title)s” closes within 24 hours and your organisation has not voted"),
    "amendment_merged": _l("Your amendment %(number)s was merged"),
    "amendment_rebased": _l("Your amendment %(number)s was moved onto the new text"),
    "amendment_conflicted": _l("Your amendment %(number)s conflicts with the new text"),
    "amendment_rejected": _l("Your amendment %(number)s was rejected"),
    "recommendation_made": _l("The secretariat recommends on your amendment %(number)s"),
    "recommendation_answered": _l("Your organisation answered the recommendation on amendment %(number)s"),
    "comment_reply": _l("%(author)s replied to your comment"),
    "sign_in_link": _l("Your sign-in link"),
    "password_reset": _l("Choose a new password"),
    "password_changed": _l("Your password was changed"),
    "new_device": _l("A new sign-in to your account"),
    # Endorsements (SPEC §17): sent to the address the endorser gave, in the language they used.
    "endorsement_verify": _l("Confirm your endorsement of “%(title)s”"),
    "endorsement_confirmed": _l("Your endorsement of “%(title)s” is confirmed"),
    "endorsement_duplicate": _l("“%(organisation)s” has already endorsed “%(title)s”"),
    "endorsement_approved": _l("Your endorsement of “%(title)s” is published"),
    "endorsement_rejected": _l("Your endorsement of “%(title)s” was not accepted"),
    "endorsement_renew": _l("Version %(label)s of “%(title)s” is published: endorse it too"),
    "participation_invitation": _l("Your organisation's views are invited on “%(document)s”"),
    "motion_reminder": _l("Reminder: your organisation has not voted on motion %(position)s of “%(title)s”"),
    "proxy_given": _l("“%(giver)s” gave its proxy for “%(meeting)s” to “%(holder)s”"),
    "proxy_revoked": _l("“%(giver)s” revoked its proxy for “%(meeting)s” held by “%(holder)s”"),
    "two_factor_reset": _l("The second factors of your account were removed"),
    "invitation": _l("You are invited to join Principles for Collaboration"),
}


@dataclass(frozen=True)
class Localised:
    """A context value computed inside the recipient's language (e.g. a translated label)."""

    make: Callable[[], Any]


def recipient_language(user: User) -> str:
    """Return the language a user reads email in."""
    return user.language if user.language in LANGUAGES else DEFAULT_LANGUAGE


def recipient_zone(user: User) -> str:
    """Return the time zone a user reads times in: theirs, else their region's, else UTC."""
    organisation = user.organisation
    return zone_for(user.time_zone, organisation.region.value if organisation is not None else None)


def absolute_url(path: str) -> str:
    """Return a link for an email; emails leave the request, so the base comes from PUBLIC_URL."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{base}{path if path.startswith('/') else '/' + path}"


def link_to(endpoint: str, **values: Any) -> str:
    """Return the absolute URL of a page for an email; a wrong endpoint or value raises BuildError."""
    return absolute_url(current_app.url_map.bind("localhost").build(endpoint, values))


def render_message(event: str, language: str, zone: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Render subject, plain text and HTML fragment of an event in a language and zone."""
    with force_locale(language):
        values = {key: (str(value.make()) if isinstance(value, Localised) else value) for key, value in context.items()}
        values.update(
            language=language,
            zone=zone,
            at=lambda moment, fmt="full": time_in_zone(moment, zone, fmt),
            until=lambda moment: deadline(moment, zone),
        )
        subject_values = {key: value for key, value in values.items() if isinstance(value, (str, int))}
        subject = str(SUBJECTS[event] % subject_values) if event in SUBJECTS else str(values.get("subject", ""))
        values["subject"] = subject
        text = render_template(f"email/{event}.txt", **values)
        html = render_template(f"email/{event}.html", **values)
    return " ".join(subject.split())[:300], text.strip() + "\n", html.strip()


def notify(user: User, event: str, context: dict[str, Any], dedup_key: str | None = None) -> OutboxMessage | None:
    """Queue an email about an event for a user, as they chose (immediate, digest or none)."""
    if user is None or not user.active or user.notifications == NotificationPreference.NONE:
        return None
    if (
        dedup_key is not None
        and db.session.execute(select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)).first() is not None
    ):
        return None
    message = _message(user, event, context, digest=user.notifications == NotificationPreference.DIGEST)
    message.dedup_key = dedup_key
    if dedup_key is None:
        db.session.add(message)
        return message
    try:
        # A concurrent reminder run may insert the same key: the unique constraint decides.
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def notify_account(user: User, event: str, context: dict[str, Any]) -> OutboxMessage:
    """Queue an email about the account itself (a sign-in link): sent at once, whatever the user chose."""
    message = _message(user, event, context, digest=False)
    db.session.add(message)
    return message


def notify_address(address: str, language: str, event: str, context: dict[str, Any]) -> OutboxMessage:
    """Queue an email to an address without an account (an endorser), in the language they used, at once."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    subject, text, html = render_message(event, language, "UTC", context)
    now = utcnow()
    message = OutboxMessage(
        to_address=address,
        event=event,
        subject=subject,
        body_text=text,
        body_html=html,
        language=language,
        digest=False,
        created_at=now,
        send_after=now,
        attempts=0,
    )
    db.session.add(message)
    return message


def _message(user: User, event: str, context: dict[str, Any], *, digest: bool) -> OutboxMessage:
    """Render an event for a user in their language and zone, as a message ready for the outbox."""
    language, zone = recipient_language(user), recipient_zone(user)
    subject, text, html = render_message(event, language, zone, context)
    now = utcnow()
    return OutboxMessage(
        user_id=user.id,
        event=event,
        subject=subject,
        body_text=text,
        body_html=html,
        language=language,
        digest=digest,
        created_at=now,
        send_after=now,
        attempts=0,
    )


# ---------------------------------------------------------------------------------------------
# Events the other services report


def _round_context(round_: Round) -> dict[str, Any]:
    document = round_.document
    kind = getattr(round_.kind, "value", str(round_.kind))
    return {
        "round": round_,
        "document_title": document.title,
        "document": document.title,
        "title": round_.title,
        "kind": kind,
        "closes_at": round_.closes_at,
        "url": link_to("voting.round_page", round_id=round_.id),
    }


def notify_round_opened(round_: Round) -> list[OutboxMessage]:
    """Tell every active member and observer that a round of a document has opened."""
    recipients = (
        db.session.execute(
            select(User).where(User.active.is_(True), User.role.in_([Role.MEMBER, Role.OBSERVER])).order_by(User.id)
        )
        .unique()
        .scalars()
        .all()
    )
    if not recipients:
        return []
    context = _round_context(round_)
    return [message for user in recipients if (message := notify(user, "round_opened", context))]


def _amendment_context(amendment: Amendment) -> dict[str, Any]:
    return {
        "amendment": amendment,
        "number": amendment.id,
        "principle_number": amendment.principle_number,
        "document_title": amendment.document.title,
        "rationale": amendment.rationale,
        "version": getattr(amendment, "merged_in_version", None),
        "url": link_to("amendments.show", amendment_id=amendment.id),
    }


def notify_amendment_outcome(amendment: Amendment, outcome: AmendmentNews | str) -> OutboxMessage | None:
    """Tell the proposer their amendment was merged, rebased, conflicted or rejected."""
    try:
        news = AmendmentNews(outcome)
    except ValueError:
        raise ValueError(f"unknown amendment outcome {outcome!r}") from None
    proposer = db.session.get(User, amendment.proposer_id)
    return notify(proposer, f"amendment_{news.value}", _amendment_context(amendment))


def notify_recommendation(amendment: Amendment, answer_cleared: bool = False) -> OutboxMessage | None:
    """Tell the proposer what the secretariat recommends on their amendment (and that an answer was cleared)."""
    recommendation = amendment.recommendation
    procedure = recommendation.procedure
    context = _amendment_context(amendment) | {
        "procedure": Localised(lambda: name_of(PROCEDURE_NAMES, procedure)),
        "reason": recommendation.reason,
        "committee_text": recommendation.text,
        "covered_by_id": recommendation.covered_by_id,
        "answer_cleared": answer_cleared,
    }
    return notify(db.session.get(User, amendment.proposer_id), "recommendation_made", context)


def notify_recommendation_answer(amendment: Amendment) -> OutboxMessage | None:
    """Tell the proposer how their organisation answered the recommendation on their amendment."""
    recommendation = amendment.recommendation
    procedure, answer = recommendation.procedure, recommendation.answer
    context = _amendment_context(amendment) | {
        "procedure": Localised(lambda: name_of(PROCEDURE_NAMES, procedure)),
        "answer": Localised(lambda: name_of(ANSWER_NAMES, answer)),
        "comment": recommendation.answer_comment,
        "adopted_text": recommendation.text if answer == Answer.AGREE and procedure == Procedure.MODIFIED else None,
    }
    return notify(db.session.get(User, amendment.proposer_id), "recommendation_answered", context)


def _author_label(comment: Comment) -> Localised | str:
    organisation = db.session.get(Organisation, comment.organisation_id)
    if comment.anonymous:
        label = protective_label(author_category(organisation.category), organisation.region.value)
        return Localised(lambda: label.display)
    author = db.session.get(User, comment.author_id)
    return f"{author.name} ({organisation.name})"


def notify_reply(comment: Comment) -> OutboxMessage | None:
    """Tell a comment's author that someone replied to it (never naming an anonymous replier)."""
    if comment.parent_id is None:
        return None
    parent = db.session.get(Comment, comment.parent_id)
    if parent is None or parent.author_id == comment.author_id or parent.deleted_at is not None:
        return None
    recipient = db.session.get(User, parent.author_id)
    excerpt = "" if comment.pending_review or comment.hidden_at else comment.body[:EXCERPT_LENGTH]
    return notify(
        recipient,
        "comment_reply",
        {
            "author": _author_label(comment),
            "excerpt": excerpt,
            "truncated": len(comment.body) > EXCERPT_LENGTH,
            "url": link_to("comments.continue_thread", comment_id=comment.id),
        },
    )


def _organisations_yet_to_vote(round_: Round) -> dict[int, int]:
    """Map each electorate organisation that lacks a ballot on an undecided motion to that count."""
    motion_ids = list(
        db.session.execute(select(Motion.id).where(Motion.round_id == round_.id, Motion.decided_at.is_(None))).scalars()
    )
    if not motion_ids:
        return {}
    electorate = list(
        db.session.execute(
            select(ElectorateMember.organisation_id).where(ElectorateMember.round_id == round_.id)
        ).scalars()
    )
    if not electorate:
        electorate = list(
            db.session.execute(
                select(Organisation.id).where(Organisation.eligible_to_vote).order_by(Organisation.id)
            ).scalars()
        )
    cast = dict(
        db.session.execute(
            select(Ballot.organisation_id, func.count(Ballot.id))
            .where(Ballot.motion_id.in_(motion_ids))
            .group_by(Ballot.organisation_id)
        ).all()
    )
    return {
        org_id: len(motion_ids) - cast.get(org_id, 0) for org_id in electorate if cast.get(org_id, 0) < len(motion_ids)
    }


def remind_closing_rounds(now: datetime | None = None) -> int:
    """Remind delegates of organisations that have not voted in a round closing within 24 hours."""
    now = now or utcnow()
    queued = 0
    rounds = (
        db.session.execute(
            select(Round).where(
                Round.state == RoundState.OPEN,
                Round.kind.in_([RoundKind.VOTING, RoundKind.ADOPTION]),
                Round.closes_at > now,
                Round.closes_at <= now + REMINDER_WINDOW,
            )
        )
        .scalars()
        .all()
    )
    for round_ in rounds:
        missing = _organisations_yet_to_vote(round_)
        if not missing:
            continue
        context = _round_context(round_)
        delegates = (
            db.session.execute(
                select(User).where(User.organisation_id.in_(missing), User.role == Role.MEMBER, User.active.is_(True))
            )
            .unique()
            .scalars()
        )
        for user in delegates:
            key = f"round_closing:{round_.id}:{round_.closes_at:%Y%m%d%H%M}:{user.id}"
            vote_url = link_to("voting.ballot_page", round_id=round_.id)
            if notify(
                user,
                "round_closing",
                {**context, "url": vote_url, "missing": missing[user.organisation_id]},
                dedup_key=key,
            ):
                queued += 1
    return queued
