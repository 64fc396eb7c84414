"""Email notifications reach people through a real SMTP server, in their language and time zone."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import OutboxMessage
from principles_app.services import comments as comment_service
from principles_app.services import outbox
from principles_app.services.notifications import (
    link_to,
    notify,
    notify_reply,
    remind_closing_rounds,
)
from tests.factories import make_document, make_organisation, make_user, open_amendments_round, principle, propose
from tests.mail_server import html, plain, start_server

UTC = UTC


@pytest.fixture
def mail(app, monkeypatch):
    controller, mailbox = start_server()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "network@example.org")
    yield mailbox
    controller.stop()


def with_preferences(user, language=None, time_zone=None, notifications=None):
    user.language = language
    user.time_zone = time_zone
    if notifications is not None:
        user.notifications = notifications
    db.session.commit()
    return user


def outbox_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_an_opened_round_reaches_every_member_in_their_own_language_and_time_zone(mail):
    spanish = with_preferences(make_user("member", region="americas"), "es", "America/Santiago")
    french = with_preferences(make_user("observer", region="europe_central_asia"), "fr")  # zone from the region
    arabic = with_preferences(make_user("member", region="mena"), "ar", "Asia/Beirut")
    make_user("secretariat")
    document = make_document()
    opened = open_amendments_round(document)

    report = outbox.send_outbox()

    assert report.sent == 3 and report.failed == 0
    assert len(mail.messages) == 3
    (to_spanish,), (to_french,), (to_arabic,) = mail.to(spanish.email), mail.to(french.email), mail.to(arabic.email)
    assert to_spanish["Content-Language"] == "es"
    assert "America/Santiago" in plain(to_spanish) and "America/Santiago" in html(to_spanish)
    local = opened.closes_at.astimezone(ZoneInfo("America/Santiago"))
    assert f"{local.hour}:{local:%M}" in plain(to_spanish)
    assert "de 20" in plain(to_spanish)  # Babel's Spanish long date ("… de diciembre de 2026")
    assert "Europe/Berlin" in plain(to_french)
    assert 'lang="fr"' in html(to_french)
    assert 'dir="rtl"' in html(to_arabic) and "Asia/Beirut" in plain(to_arabic)
    for message in mail.messages:
        assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
        assert "Amendments" in message["Subject"] and "Our charter" in message["Subject"]
        assert "http://localhost:5000/" in plain(message)


def test_nothing_is_sent_to_someone_who_chose_no_email(mail):
    with_preferences(make_user("member"), notifications="none")
    open_amendments_round(make_document())
    assert outbox_count() == 0
    assert outbox.send_outbox().sent == 0
    assert mail.messages == []


def test_an_event_rolled_back_sends_nothing(mail):
    member = make_user("member")
    notify(
        member,
        "amendment_rejected",
        {"number": 1, "principle_number": 1, "document_title": "T", "rationale": "", "version": None, "url": "/"},
    )
    db.session.rollback()
    assert outbox_count() == 0


def test_a_digest_reader_gets_one_message_a_day_with_everything_in_it(mail):
    reader = with_preferences(make_user("member", region="africa"), "en", "Africa/Lagos", "digest")  # UTC+1
    document = make_document()
    open_amendments_round(document)
    notify(
        reader,
        "amendment_rejected",
        {
            "number": 7,
            "principle_number": 2,
            "document_title": "Our charter",
            "rationale": "",
            "version": None,
            "url": "/",
        },
    )
    db.session.commit()
    today = utcnow().date()
    before_seven_in_lagos = datetime(today.year, today.month, today.day, 5, 30, tzinfo=UTC) + timedelta(days=1)
    assert outbox.send_outbox(now=before_seven_in_lagos).sent == 0
    assert mail.messages == []

    report = outbox.send_outbox(now=before_seven_in_lagos + timedelta(hours=1))  # 07:30 in Lagos

    assert report.digests == 1 and report.sent == 1
    (digest,) = mail.messages
    assert "2 updates" in digest["Subject"]
    assert "Amendment 7" in plain(digest) and "Our charter" in plain(digest)
    assert "Amendment 7" in html(digest)
    notify(
        reader,
        "amendment_rejected",
        {
            "number": 8,
            "principle_number": 2,
            "document_title": "Our charter",
            "rationale": "",
            "version": None,
            "url": "/",
        },
    )
    db.session.commit()
    assert outbox.send_outbox(now=before_seven_in_lagos + timedelta(hours=5)).sent == 0  # once a day
    assert outbox.send_outbox(now=before_seven_in_lagos + timedelta(days=1, hours=2)).sent == 1
    assert "Amendment 8" in plain(mail.messages[-1]) and "Amendment 7" not in plain(mail.messages[-1])


def test_a_reply_tells_the_parent_author_without_revealing_an_anonymous_replier(mail):
    document = make_document()
    parent_author = with_preferences(make_user("member", region="africa"), "en", "Africa/Nairobi")
    replier_org = make_organisation(name="Brave Voices Collective", region="asia_pacific")
    make_organisation(region="asia_pacific"), make_organisation(region="asia_pacific")  # a group to hide in
    replier = make_user("member", organisation=replier_org)
    target = principle(document, 1)
    parent = comment_service.post_comment(
        parent_author, target_type="principle", target_id=target.id, body="We should listen more."
    )
    db.session.commit()
    reply = comment_service.post_comment(
        replier,
        target_type="principle",
        target_id=target.id,
        body="Agreed, and *credit* people.",
        parent_id=parent.id,
        anonymous=True,
    )
    db.session.commit()
    if outbox_count() == 0:  # before the comments service reports replies itself
        notify_reply(reply)
        db.session.commit()

    outbox.send_outbox()

    (message,) = mail.to(parent_author.email)
    raw = message.as_string() + plain(message) + html(message)
    assert replier.name not in raw and "Brave Voices" not in raw and replier.email not in raw
    assert "a member organisation from Asia-Pacific" in message["Subject"]
    assert "Agreed, and *credit* people." in plain(message)
    assert mail.to(replier.email) == []


def test_a_named_reply_names_its_author_and_a_reply_to_oneself_is_silent(mail):
    document = make_document()
    author = make_user("member")
    other = make_user("member")
    target = principle(document, 1)
    parent = comment_service.post_comment(author, target_type="principle", target_id=target.id, body="First.")
    own = comment_service.post_comment(
        author, target_type="principle", target_id=target.id, body="Me again.", parent_id=parent.id
    )
    reply = comment_service.post_comment(
        other, target_type="principle", target_id=target.id, body="Hello.", parent_id=parent.id
    )
    db.session.commit()
    if outbox_count() == 0:
        notify_reply(own)
        notify_reply(reply)
        db.session.commit()
    outbox.send_outbox()
    (message,) = mail.messages
    assert message["To"] == author.email and other.name in message["Subject"]


@pytest.mark.committed
def test_two_concurrent_senders_deliver_each_message_exactly_once(app, mail):
    members = [make_user("member") for _ in range(12)]
    for index, member in enumerate(members):
        notify(
            member,
            "amendment_rejected",
            {
                "number": index,
                "principle_number": 1,
                "document_title": "T",
                "rationale": "",
                "version": None,
                "url": "/",
            },
        )
    db.session.commit()
    start = threading.Barrier(2)
    reports, problems = [], []

    def run():
        try:
            with app.app_context():
                start.wait()
                reports.append(outbox.deliver_due())
                db.session.remove()
        except Exception as error:
            problems.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert problems == []
    assert sum(report.sent for report in reports) == 12
    assert sorted(message["To"] for message in mail.messages) == sorted(member.email for member in members)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None))) == 0
    assert outbox.deliver_due().sent == 0


def test_a_failing_mail_server_is_recorded_and_retried_later_with_backoff(mail):
    member = make_user("member")
    notify(
        member,
        "amendment_rejected",
        {"number": 3, "principle_number": 1, "document_title": "T", "rationale": "", "version": None, "url": "/"},
    )
    db.session.commit()
    mail.failing = True
    now = utcnow()

    report = outbox.deliver_due(now=now)

    assert report.sent == 0 and report.failed == 1
    row = db.session.execute(select(OutboxMessage)).scalar_one()
    db.session.refresh(row)
    assert row.attempts == 1 and "451" in row.last_error and row.sent_at is None and row.claimed_at is None
    assert row.send_after == now + outbox.FIRST_RETRY
    assert outbox.deliver_due(now=now + timedelta(seconds=30)).failed == 0  # not due yet
    outbox.deliver_due(now=now + timedelta(minutes=1))
    db.session.refresh(row)
    assert row.attempts == 2 and row.send_after == now + timedelta(minutes=1) + 2 * outbox.FIRST_RETRY

    mail.failing = False
    assert outbox.deliver_due(now=now + timedelta(minutes=5)).sent == 1
    db.session.refresh(row)
    assert row.sent_at is not None and row.last_error is None
    assert len(mail.messages) == 1


def test_an_unreachable_mail_server_is_given_up_on_after_the_last_attempt(app, monkeypatch):
    from tests.mail_server import free_port

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens
    member = make_user("member")
    notify(
        member,
        "amendment_rejected",
        {"number": 3, "principle_number": 1, "document_title": "T", "rationale": "", "version": None, "url": "/"},
    )
    db.session.commit()
    moment = utcnow()
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.deliver_due(now=moment)
        moment += outbox.LONGEST_RETRY
    row = db.session.execute(select(OutboxMessage)).scalar_one()
    db.session.refresh(row)
    assert row.attempts == outbox.MAX_ATTEMPTS and row.failed_at is not None and row.sent_at is None
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    assert outbox.deliver_due(now=moment + timedelta(days=1)).failed == 0  # never tried again


def test_the_send_command_delivers_the_outbox(app, mail):
    member = make_user("member")
    notify(
        member,
        "amendment_rejected",
        {"number": 3, "principle_number": 1, "document_title": "T", "rationale": "", "version": None, "url": "/"},
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1" in result.output
    assert len(mail.messages) == 1


def test_organisations_that_have_not_voted_are_reminded_once_a_day_before_close(mail):
    from principles_app.services import ballots as ballot_service
    from principles_app.services import closing
    from principles_app.services import motions as motion_service
    from principles_app.services import rounds as round_service
    from tests.factories import propose

    document = make_document()
    amendments_round = open_amendments_round(document)
    silent = make_user("member", region="americas")
    voter = make_user("member", region="africa")
    observer = make_user("observer")
    amendment = propose(voter, document)
    closing.close_round(None, amendments_round)
    voting = round_service.create_round(None, document, "voting", "Vote on amendments", utcnow() + timedelta(days=3))
    motion_service.put_motion(None, voting, amendment)
    closing.open_round(None, voting)
    db.session.commit()
    (motion,) = motion_service.motions_of(voting)
    ballot_service.cast_ballot(voter, motion.id, "yes")
    db.session.commit()
    db.session.execute(OutboxMessage.__table__.delete())
    db.session.commit()

    assert remind_closing_rounds() == 0  # three days left: too early
    voting.closes_at = utcnow() + timedelta(hours=20)
    db.session.commit()
    assert remind_closing_rounds() == 1
    db.session.commit()
    assert remind_closing_rounds() == 0  # once only
    db.session.commit()
    outbox.send_outbox()

    (reminder,) = mail.messages
    assert reminder["To"] == silent.email
    assert "closes within 24 hours" in reminder["Subject"]
    assert "1 motion" in plain(reminder)
    assert mail.to(observer.email) == [] and mail.to(voter.email) == []


def test_a_merge_tells_each_proposer_what_happened_to_their_amendment(mail):
    from principles_app.services import amendments as amendment_service

    document = make_document()
    open_amendments_round(document)
    merged_by, rebased_by, conflicted_by, rejected_by = (
        with_preferences(make_user("member"), language, None) for language in ("en", "fr", "es", "ar")
    )
    base = principle(document, 1).text
    merged = propose(merged_by, document, text=base.replace("listen to", "hear"))
    rebased = propose(rebased_by, document, text=base.replace("together", "jointly"))
    conflicted = propose(conflicted_by, document, text=base.replace("listen to", "talk with"))
    rejected = propose(rejected_by, document, number=2, text="Every organisation is credited.")
    db.session.execute(OutboxMessage.__table__.delete())
    db.session.commit()

    result = amendment_service.merge_amendment(None, merged)
    amendment_service.reject(None, rejected)
    db.session.commit()
    outbox.send_outbox()

    assert result.rebased_ids == [rebased.id] and result.conflicted_ids == [conflicted.id]
    (to_merged,) = mail.to(merged_by.email)
    assert f"amendment {merged.id} was merged" in to_merged["Subject"] and "version 2" in plain(to_merged)
    (to_rebased,) = mail.to(rebased_by.email)
    assert f"{rebased.id}" in to_rebased["Subject"] and to_rebased["Content-Language"] == "fr"
    (to_conflicted,) = mail.to(conflicted_by.email)
    # This proposer reads Spanish.
    assert "entra en conflicto" in to_conflicted["Subject"] and "Revísela" in plain(to_conflicted)
    (to_rejected,) = mail.to(rejected_by.email)
    assert "رُفض" in to_rejected["Subject"] and 'dir="rtl"' in html(to_rejected)
    assert len(mail.messages) == 4


def test_a_link_in_an_email_is_absolute_and_a_wrong_page_is_an_error_not_a_link_home(app):
    with app.app_context():
        assert link_to("voting.round_page", round_id=7) == "http://localhost:5000/rounds/7/"
        with pytest.raises(BuildError):
            link_to("voting.no_such_page", round_id=7)
        with pytest.raises(BuildError):
            link_to("voting.round_page")  # the round is missing
