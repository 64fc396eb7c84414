"""Deliver the email outbox over SMTP: once each, safe from cron and concurrent runs.

A sender claims one row at a time with a conditional UPDATE (only a row nobody holds, or whose
holder crashed long ago), commits the claim, sends, then marks it sent. Two runs racing for a row
see one UPDATE succeed and the other touch nothing. Failures are recorded on the row and retried
with exponential backoff until MAX_ATTEMPTS, then given up (``failed_at``).
"""

from __future__ import annotations

import secrets
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from sqlalchemy import or_, select, update

from principles_app.db import utcnow
from principles_app.domain.languages import DEFAULT_LANGUAGE, direction_of
from principles_app.domain.times import load_zone
from principles_app.extensions import db
from principles_app.models import OutboxMessage, User
from principles_app.services.notifications import (
    absolute_url,
    recipient_language,
    recipient_zone,
    remind_closing_rounds,
    render_message,
)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=12)
# A claim older than this belongs to a sender that died mid-way; another may take the row over.
STALE_CLAIM = timedelta(minutes=15)


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    digests: int = 0
    errors: list[str] = field(default_factory=list)


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait before the next try after a number of failed attempts."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


# ---------------------------------------------------------------------------------------------
# Daily digests


def _digest_starts(user: User, now: datetime) -> datetime | None:
    """Return the UTC instant of today's digest hour in the user's zone, or None before it."""
    zone = load_zone(recipient_zone(user))
    hour = int(current_app.config["NOTIFICATION_DIGEST_HOUR"])
    local_now = now.astimezone(zone)
    starts = datetime.combine(local_now.date(), time(hour), tzinfo=zone)
    return starts if local_now >= starts else None


def build_digests(now: datetime | None = None) -> int:
    """Gather each digest reader's waiting notifications into one message, once a day."""
    now = now or utcnow()
    user_ids = list(
        db.session.execute(
            select(OutboxMessage.user_id)
            .where(OutboxMessage.digest.is_(True), OutboxMessage.digest_id.is_(None), OutboxMessage.sent_at.is_(None))
            .distinct()
        ).scalars()
    )
    built = 0
    for user_id in user_ids:
        user = db.session.get(User, user_id)
        starts = _digest_starts(user, now) if user is not None else None
        if (
            starts is None
            or db.session.execute(
                select(OutboxMessage.id).where(
                    OutboxMessage.user_id == user_id,
                    OutboxMessage.event == "digest",
                    OutboxMessage.created_at >= starts,
                )
            ).first()
            is not None
        ):
            continue
        language = recipient_language(user)
        digest = OutboxMessage(
            user_id=user_id,
            event="digest",
            subject="",
            body_text="",
            body_html="",
            language=language,
            digest=False,
            created_at=now,
            send_after=now,
            attempts=0,
        )
        db.session.add(digest)
        db.session.flush()
        # The conditional UPDATE is the claim: a concurrent run collecting the same rows gets none.
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.user_id == user_id,
                OutboxMessage.digest.is_(True),
                OutboxMessage.digest_id.is_(None),
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.created_at <= now,
            )
            .values(digest_id=digest.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            db.session.rollback()
            continue
        items = list(
            db.session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.digest_id == digest.id)
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
            ).scalars()
        )
        with force_locale(language):
            subject = ngettext("Your daily digest: %(num)d update", "Your daily digest: %(num)d updates", len(items))
        _subject, text, html = render_message(
            "digest", language, recipient_zone(user), {"items": items, "subject": subject}
        )
        digest.subject, digest.body_text, digest.body_html = subject, text, html
        for item in items:
            item.sent_at = now  # delivered as part of the digest
        db.session.commit()
        built += 1
    return built


# ---------------------------------------------------------------------------------------------
# Delivery


def compose(message: OutboxMessage, sender: str) -> EmailMessage:
    """Build the multipart plain-text and HTML email of an outbox row."""
    language = message.language or DEFAULT_LANGUAGE
    with force_locale(language):
        context = {
            "subject": message.subject,
            "language": language,
            "direction": direction_of(language),
            # Someone without an account (an endorser) has no settings to change.
            "account_url": absolute_url("/account") if message.user_id is not None else None,
        }
        text = render_template("email/_layout.txt", body=message.body_text.rstrip(), **context)
        html = render_template("email/_layout.html", body=message.body_html, **context)
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender
    email["To"] = message.to_address or message.user.email
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = make_msgid(idstring=f"outbox.{message.id}", domain=sender.rpartition("@")[2] or None)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    # After the parts exist: making the message multipart moves Content-* headers into its first part.
    email["Content-Language"] = language
    return email


class SmtpTransport:
    """One SMTP connection, opened on first use, from the MAIL_* settings."""

    def __init__(self, config) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def send(self, email: EmailMessage) -> None:
        """Send one message, connecting (and logging in) first if needed."""
        if self.connection is None:
            connection = smtplib.SMTP(self.config["MAIL_SERVER"], int(self.config["MAIL_PORT"]), timeout=30)
            try:
                if self.config["MAIL_USE_TLS"]:
                    connection.starttls(context=ssl.create_default_context())
                if self.config["MAIL_USERNAME"]:
                    connection.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"] or "")
            except Exception:
                connection.close()
                raise
            self.connection = connection
        try:
            self.connection.send_message(email)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def close(self) -> None:
        """Say goodbye to the server, if connected."""
        if self.connection is not None:
            try:
                self.connection.quit()
            except Exception:
                self.connection.close()
            self.connection = None


def _claimable(now: datetime):
    return (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.digest.is_(False),
        OutboxMessage.send_after <= now,
        or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - STALE_CLAIM),
    )


def _claim(message_id: int, now: datetime) -> str | None:
    token = secrets.token_hex(16)
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, *_claimable(now))
        .values(claimed_at=now, claim_token=token)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return token if claimed == 1 else None


def _finish(message_id: int, token: str, **values) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
        .values(claimed_at=None, claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def deliver_due(now: datetime | None = None, limit: int = 500, transport=None) -> SendReport:
    """Send every due message once; record failures and schedule their retries."""
    now = now or utcnow()
    report = SendReport()
    transport = transport or SmtpTransport(current_app.config)
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    due = list(
        db.session.execute(
            select(OutboxMessage.id)
            .where(*_claimable(now))
            .order_by(OutboxMessage.send_after, OutboxMessage.id)
            .limit(limit)
        ).scalars()
    )
    db.session.commit()
    try:
        for message_id in due:
            token = _claim(message_id, now)
            if token is None:
                continue  # another sender has it
            message = db.session.get(OutboxMessage, message_id)
            try:
                transport.send(compose(message, sender))
            except Exception as error:
                attempts = message.attempts + 1
                gave_up = attempts >= MAX_ATTEMPTS
                _finish(
                    message_id,
                    token,
                    attempts=attempts,
                    last_error=f"{type(error).__name__}: {error}"[:2000],
                    send_after=now + retry_delay(attempts),
                    failed_at=now if gave_up else None,
                )
                report.failed += 1
                report.gave_up += int(gave_up)
                report.errors.append(f"message {message_id}: {error}")
                continue
            _finish(message_id, token, sent_at=utcnow(), attempts=message.attempts + 1, last_error=None)
            report.sent += 1
    finally:
        transport.close()
    return report


def send_outbox(now: datetime | None = None, transport=None) -> SendReport:
    """Queue due reminders, build due digests, then deliver everything due."""
    now = now or utcnow()
    remind_closing_rounds(now)
    db.session.commit()
    digests = build_digests(now)
    report = deliver_due(now, transport=transport)
    report.digests = digests
    return report
