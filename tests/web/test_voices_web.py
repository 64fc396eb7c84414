"""Voices pages: who wrote which words (signed in and public), who took part, quiet members, fair deadlines."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from principles_app.extensions import db
from principles_app.models import OutboxMessage, ParticipationInvitation
from principles_app.services import rounds as round_service
from tests.factories import adopted_document, make_user, open_amendments_round, publish, sign_in


@pytest.fixture
def scenario(app):
    return adopted_document()


def test_the_attribution_page_marks_every_passage_and_links_the_amendment(client, scenario):
    sign_in(client, make_user("observer"))
    page = client.get("/documents/principles/versions/2/attribution")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="origin-1"' in html and 'id="origin-2"' in html
    assert "Original draft" in html
    amendment_link = re.search(r'href="/amendments/(\d+)"', html)
    assert amendment_link is not None
    assert "Voices of the Sahel, Andes Press Freedom" in html
    # every passage carries a numbered marker that leads to its legend entry, not colour alone
    assert html.count('class="origin-marker" href="#origin-2"') == 1
    assert 'href="#origin-1"' in html


def test_the_attribution_page_is_right_to_left_in_arabic(client, scenario):
    user = make_user("member")
    user.language = "ar"
    db.session.commit()
    sign_in(client, user)
    html = client.get("/documents/principles/versions/2/attribution").get_data(as_text=True)
    assert 'dir="rtl"' in html and "المسودة الأصلية" in html


def test_unknown_versions_and_documents_are_404_pages(client, scenario):
    sign_in(client, make_user("member"))
    assert client.get("/documents/principles/versions/9/attribution").status_code == 404
    assert client.get("/documents/nowhere/versions/1/attribution").status_code == 404
    assert client.get("/documents/nowhere/voices").status_code == 404


def test_a_publication_attribution_is_public_once_published_and_404_before(client, scenario):
    assert client.get("/principles/principles/1.0/attribution").status_code == 404
    publish(scenario)
    assert client.get("/principles/principles/2.0/attribution").status_code == 404
    assert client.get("/principles/nowhere/1.0/attribution").status_code == 404
    page = client.get("/principles/principles/1.0/attribution?lang=fr")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Projet initial" in html and "Voices of the Sahel" in html
    assert "/amendments/" not in html  # drafts stay private: the amendment is named, not linked
    public = client.get("/principles/principles/1.0/").get_data(as_text=True)
    assert "/principles/principles/1.0/attribution" in public
    assert '<svg role="img"' in public and 'id="voices-regions"' in public


def test_the_voices_page_shows_the_table_the_chart_and_the_least_heard_region(client, scenario, app, monkeypatch):
    monkeypatch.setitem(app.config, "ANONYMITY_MIN_GROUP", 1)
    sign_in(client, make_user("observer"))
    html = client.get("/documents/principles/voices").get_data(as_text=True)
    assert "Least heard: Asia-Pacific" in html
    assert '<svg role="img"' in html and "<title" in html
    assert 'href="#voices-regions"' in html and "By category" in html


def test_the_secretariat_invites_quiet_members_once(client, scenario):
    current = open_amendments_round(scenario.document)
    sign_in(client, scenario.secretariat)
    html = client.get("/documents/principles/voices").get_data(as_text=True)
    assert "Quiet members" in html and "Quiet Observers Network" in html
    response = client.post(f"/rounds/{current.id}/invitations", data={"organisation_id": scenario.proposer_org.id})
    assert response.status_code == 302
    assert db.session.execute(select(ParticipationInvitation)).scalar_one().organisation_id == scenario.proposer_org.id
    assert (
        db.session.execute(select(OutboxMessage).where(OutboxMessage.event == "participation_invitation"))
        .scalar_one()
        .user_id
        == scenario.proposer.id
    )
    again = client.post(f"/rounds/{current.id}/invitations", data={"organisation_id": scenario.proposer_org.id})
    assert again.status_code == 409
    assert client.post(f"/rounds/{current.id}/invitations", data={"organisation_id": "x1"}).status_code == 400
    assert client.post(f"/rounds/{current.id}/invitations", data={"organisation_id": "999999"}).status_code == 404
    assert client.post("/rounds/999999/invitations", data={"region": "africa"}).status_code == 404
    assert client.post(f"/rounds/{current.id}/invitations", data={"region": "atlantis"}).status_code == 422
    assert len(db.session.execute(select(ParticipationInvitation)).all()) == 1


def test_a_member_sees_its_own_participation(client, scenario):
    open_amendments_round(scenario.document)
    sign_in(client, scenario.proposer)
    html = client.get("/documents/principles/voices").get_data(as_text=True)
    assert "Your organisation has not taken part in this round yet." in html
    assert "Quiet members" not in html


def test_the_rounds_page_shows_local_closing_times_and_warns_at_night(client, scenario):
    for user in (scenario.proposer, scenario.cosponsor):
        user.time_zone = "America/Bogota"
    db.session.commit()
    night = (datetime.now(UTC) + timedelta(days=2)).replace(hour=5, minute=0, second=0, microsecond=0)
    round_service.create_round(scenario.secretariat, scenario.document, "amendments", "Night", night)
    db.session.commit()
    sign_in(client, scenario.secretariat)
    html = client.get("/documents/principles/rounds/").get_data(as_text=True)
    assert "falls between 22:00 and 06:00 for 2 of 3 member organisations" in html
    assert "America/Bogota" in html and "(at night)" in html and "nearest fairer closing time" in html


def test_scheduling_a_round_at_night_says_so_and_still_schedules_it(client, scenario):
    for user in (scenario.proposer, scenario.cosponsor):
        user.time_zone = "America/Bogota"
    db.session.commit()
    sign_in(client, scenario.secretariat)
    night = (datetime.now(UTC) + timedelta(days=3)).replace(hour=5, minute=0)
    response = client.post(
        "/documents/principles/rounds/",
        data={"kind": "amendments", "title": "Late round", "closes_at": night.strftime("%Y-%m-%dT%H:%M")},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Round scheduled" in html
    assert "flash-warning" in html and "for 2 of 3 member organisations" in html


def test_the_schedule_form_checks_the_closing_time_without_scheduling(client, scenario):
    for user in (scenario.proposer, scenario.cosponsor):
        user.time_zone = "America/Bogota"
    db.session.commit()
    sign_in(client, scenario.secretariat)
    night = (datetime.now(UTC) + timedelta(days=3)).replace(hour=5, minute=0)
    response = client.post(
        "/documents/principles/rounds/",
        data={"kind": "amendments", "title": "", "closes_at": night.strftime("%Y-%m-%dT%H:%M"), "preview": "1"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="deadline-preview"' in html and "for 2 of 3 member organisations" in html
    assert len(round_service.list_rounds(scenario.document)) == 2  # the adopted document's two rounds only
    bad = client.post("/documents/principles/rounds/", data={"closes_at": "tomorrow", "preview": "1"})
    assert bad.status_code == 422 and 'id="deadline-preview"' not in bad.get_data(as_text=True)
