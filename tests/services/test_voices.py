"""Voices: attribution of a version's words, participation by region and category, quiet members."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import GeneratedFile, OutboxMessage, ParticipationInvitation, Version
from principles_app.services import attribution as attribution_service
from principles_app.services import comments as comment_service
from principles_app.services import participation
from principles_app.services import voices as voices_service
from principles_app.services.drafts import get_version, live_principles
from principles_app.services.errors import Conflict, Forbidden, ValidationFailed
from tests.factories import (
    adopted_document,
    make_organisation,
    make_user,
    merge_amendment,
    open_amendments_round,
    publish,
)


@pytest.fixture
def scenario(app):
    return adopted_document()


def _version(scenario, number=None):
    return get_version(scenario.document, number or scenario.document.current_version)


def _words(segments):
    return {word: s for s in segments for word in s["text"].split() if s["text"].strip()}


def test_each_passage_is_credited_to_its_amendment_and_organisations(scenario):
    attributed = attribution_service.attributed_version(scenario.document, _version(scenario)).as_json()
    snapshot = _version(scenario).snapshot
    for row, principle in zip(attributed["principles"], snapshot["principles"], strict=True):
        assert "".join(s["text"] for s in row["segments"]) == principle["text"]
        assert "".join(s["text"] for s in row["title_segments"]) == principle["title"]
    first = attributed["principles"][0]["segments"]
    amended = [s for s in first if s["amendment_id"] is not None]
    assert [s["text"] for s in amended] == [", as amended"]
    assert amended[0]["organisations"] == ["Voices of the Sahel", "Andes Press Freedom"]
    assert amended[0]["region"] == "africa"
    draft = [s for s in first if s["amendment_id"] is None]
    assert draft[0]["organisations"] == [] and draft[0]["region"] is None
    assert all(s["amendment_id"] is None for row in attributed["principles"][1:] for s in row["segments"])


def test_an_organisation_that_opted_out_is_described_by_its_region(scenario):
    scenario.proposer_org.credit_opt_out = True
    db.session.commit()
    attributed = attribution_service.attributed_version(scenario.document, _version(scenario)).as_json()
    amended = [s for s in attributed["principles"][0]["segments"] if s["amendment_id"] is not None]
    assert amended[0]["organisations"] == ["a member organisation from Africa", "Andes Press Freedom"]
    assert "Voices of the Sahel" not in str(attributed)


def test_a_publication_keeps_the_credits_it_was_published_with(scenario):
    publication = publish(scenario)
    scenario.cosponsor_org.credit_opt_out = True
    db.session.commit()
    frozen = attribution_service.publication_attribution(publication)
    credit = next(c for c in frozen.legend if c is not None)
    assert credit.organisations == ("Voices of the Sahel", "Andes Press Freedom")


def test_attribution_is_computed_once_per_version_then_read_from_the_cache(scenario, count_queries):
    version = _version(scenario)
    first = attribution_service.attribution_of(scenario.document, version)
    stored = db.session.execute(
        select(func.count()).select_from(GeneratedFile).where(GeneratedFile.kind == "attribution")
    ).scalar_one()
    assert stored == 1
    with count_queries() as counter:
        again = attribution_service.attribution_of(scenario.document, version)
    assert again == first
    assert counter.count == 1  # the cached row only


def test_the_fast_path_agrees_with_comparing_every_version(scenario):
    merge_amendment(scenario, "Principle title 2, renamed", "Text of principle 2 rewritten by the Sahel.", number=2)
    version = _version(scenario)
    fast = attribution_service.compute(scenario.document, version)
    slow = attribution_service._from_snapshots(scenario.document, version)
    assert fast == [slow[a.principle_id] for a in fast]
    title_owners = {s.amendment_id for s in fast[1].title}
    assert None in title_owners and len(title_owners) == 2


def test_a_word_replaced_twice_belongs_to_the_latest_amendment(scenario):
    merge_amendment(scenario, "Principle title 1", "Text of principle 1, as revised. We work together in good faith.")
    attributed = attribution_service.attributed_version(scenario.document, _version(scenario)).as_json()
    words = {w: s["amendment_id"] for s in attributed["principles"][0]["segments"] for w in s["text"].split()}
    latest = db.session.execute(select(Version.merged_amendment_ids).where(Version.number == 3)).scalar_one()[0]
    earlier = db.session.execute(select(Version.merged_amendment_ids).where(Version.number == 2)).scalar_one()[0]
    assert words["revised"] == latest
    assert words["as"] == earlier and "amended" not in words
    assert words["Text"] is None


# --- Voices -------------------------------------------------------------------------------------


def _row(groups, key):
    return next(g for g in groups if g["key"] == key)


def test_voices_count_every_contribution_by_region_and_category(app, scenario, monkeypatch):
    monkeypatch.setitem(app.config, "ANONYMITY_MIN_GROUP", 1)
    principle = live_principles(scenario.document)[0]
    comment_service.post_comment(
        scenario.proposer, target_type="principle", target_id=principle.id, body="Named view.", anonymous=False
    )
    comment_service.post_comment(
        scenario.cosponsor, target_type="principle", target_id=principle.id, body="Quiet view.", anonymous=True
    )
    db.session.commit()
    data = voices_service.document_voices(scenario.document).as_json()
    africa, americas = _row(data["by_region"], "africa"), _row(data["by_region"], "americas")
    assert africa["amendments_proposed"] == 1 and africa["amendments_merged"] == 1
    assert africa["words"] == 2  # "as amended"
    assert africa["comments"] == 1 and americas["comments"] == 1  # the anonymous one counts in its region
    assert americas["cosponsorships"] == 1
    assert africa["ballots"] == 1 and americas["ballots"] == 1
    asia = _row(data["by_region"], "asia_pacific")
    assert asia["organisations_taking_part"] == 0 and asia["eligible_share"] == 0
    assert data["least_heard_region"] == "asia_pacific"
    members = _row(data["by_category"], "member")
    assert members["organisations_taking_part"] == 2 and members["eligible_organisations"] == 3
    assert data["totals"]["comments"] == 2


def test_groups_under_the_anonymity_threshold_are_never_shown_apart(app, scenario, monkeypatch):
    monkeypatch.setitem(app.config, "ANONYMITY_MIN_GROUP", 3)
    data = voices_service.document_voices(scenario.document).as_json()
    keys = [g["key"] for g in data["by_region"]]
    assert keys == ["smaller_groups"]
    assert data["by_region"][0]["amendments_proposed"] == 1
    assert data["least_heard_region"] is None


def test_voices_take_a_constant_number_of_queries(app, scenario, count_queries):
    voices_service.document_voices(scenario.document)  # warms the attribution cache
    db.session.refresh(scenario.document)
    with count_queries() as few:
        voices_service.document_voices(scenario.document)
    principle = live_principles(scenario.document)[0]
    for region in ("africa", "americas", "mena", "asia_pacific"):
        user = make_user("member", region=region)
        comment_service.post_comment(user, target_type="principle", target_id=principle.id, body="A view.")
    db.session.commit()
    db.session.refresh(scenario.document)
    with count_queries() as many:
        voices_service.document_voices(scenario.document)
    assert many.count == few.count


def test_publication_voices_count_until_the_publication(app, scenario, monkeypatch):
    monkeypatch.setitem(app.config, "ANONYMITY_MIN_GROUP", 1)
    publication = publish(scenario)
    principle = live_principles(scenario.document)[0]
    comment_service.post_comment(scenario.proposer, target_type="principle", target_id=principle.id, body="Later.")
    db.session.commit()
    assert voices_service.publication_voices(publication).as_json()["totals"]["comments"] == 0
    assert voices_service.document_voices(scenario.document).as_json()["totals"]["comments"] == 1


# --- Quiet members ------------------------------------------------------------------------------


@pytest.fixture
def open_round(scenario):
    return open_amendments_round(scenario.document)


def _quiet_names(target):
    return {region: [m.name for m in members] for region, members in participation.quiet_members(target).items()}


def test_quiet_members_are_those_with_no_contribution_since_the_round_opened(scenario, open_round):
    assert _quiet_names(open_round) == {
        "africa": ["Voices of the Sahel"],
        "americas": ["Andes Press Freedom"],
        "asia_pacific": ["Quiet Observers Network"],
    }
    principle = live_principles(scenario.document)[0]
    comment_service.post_comment(
        scenario.proposer, target_type="principle", target_id=principle.id, body="Now.", anonymous=True
    )
    db.session.commit()
    assert "africa" not in _quiet_names(open_round)
    assert participation.participation_in(open_round)[scenario.proposer_org.id] == {"comments": 1}


def test_each_quiet_organisation_is_invited_once_per_round_in_its_own_language(scenario, open_round):
    scenario.proposer.language = "fr"
    scenario.cosponsor.language = "es"
    db.session.commit()
    invited = participation.invite(scenario.secretariat, open_round, organisation_id=scenario.proposer_org.id)
    db.session.commit()
    assert [o.name for o in invited] == ["Voices of the Sahel"]
    message = db.session.execute(
        select(OutboxMessage).where(
            OutboxMessage.user_id == scenario.proposer.id, OutboxMessage.event == "participation_invitation"
        )
    ).scalar_one()
    assert message.language == "fr" and message.event == "participation_invitation"
    assert "Principles for Collaboration" in message.subject and "invit" in message.subject.lower()
    with pytest.raises(Conflict):
        participation.invite(scenario.secretariat, open_round, organisation_id=scenario.proposer_org.id)
    db.session.rollback()
    region_invited = participation.invite(scenario.secretariat, open_round, region="americas")
    db.session.commit()
    assert [o.name for o in region_invited] == ["Andes Press Freedom"]
    assert participation.invite(scenario.secretariat, open_round, region="americas") == []
    spanish = db.session.execute(
        select(OutboxMessage).where(
            OutboxMessage.user_id == scenario.cosponsor.id, OutboxMessage.event == "participation_invitation"
        )
    ).scalar_one()
    assert spanish.language == "es"
    count = db.session.execute(select(func.count()).select_from(ParticipationInvitation)).scalar_one()
    assert count == 2


def test_the_database_refuses_a_second_invitation_for_the_same_round(scenario, open_round):
    for _ in range(2):
        db.session.add(ParticipationInvitation(round_id=open_round.id, organisation_id=scenario.proposer_org.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_only_the_secretariat_invites_and_only_in_an_open_round(scenario, open_round):
    with pytest.raises(Forbidden):
        participation.invite(scenario.proposer, open_round, region="africa")
    with pytest.raises(ValidationFailed):
        participation.invite(scenario.secretariat, open_round)
    with pytest.raises(ValidationFailed):
        participation.invite(scenario.secretariat, open_round, region="atlantis")
    from principles_app.services import closing

    closing.close_round(scenario.secretariat, open_round)
    db.session.commit()
    with pytest.raises(Conflict):
        participation.invite(scenario.secretariat, open_round, region="africa")
    assert db.session.execute(select(func.count()).select_from(ParticipationInvitation)).scalar_one() == 0


# --- Fair deadlines -----------------------------------------------------------------------------


def test_a_deadline_at_night_for_most_members_is_flagged_with_a_fairer_time(app):
    for region, zone in (("americas", "America/Bogota"), ("americas", "America/Bogota"), ("africa", "Africa/Lagos")):
        user = make_user("member", region=region)
        user.time_zone = zone
    make_organisation(region="asia_pacific")  # no users: its region's zone, Asia/Bangkok
    db.session.commit()
    night_in_bogota = datetime(2026, 12, 10, 5, 0, tzinfo=UTC)  # 00:00 Bogotá, 06:00 Lagos, 12:00 Bangkok
    judged = participation.deadline_fairness(night_in_bogota)
    assert judged.unfair and judged.at_night == 2 and judged.organisations == 4
    assert judged.warnings == [{"region": "americas", "organisations": 2, "local_time": "2026-12-10T00:00:00-05:00"}]
    assert judged.suggestion is not None and not participation.deadline_fairness(judged.suggestion).unfair
    assert not participation.deadline_fairness(datetime(2026, 12, 10, 14, 0, tzinfo=UTC)).warnings


def test_round_times_are_aware(scenario, open_round):
    assert open_round.opened_at <= utcnow()
