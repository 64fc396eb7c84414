"""The home page signed out: the published principles to read and download, and how to take part (SPEC §15)."""

from __future__ import annotations

from tests.factories import adopted_document, make_meeting, make_user, publish, sign_in


def test_a_visitor_sees_the_latest_publication_of_each_document_with_downloads(client):
    scenario = adopted_document()
    publish(scenario, "1.0")
    publish(scenario, "1.1")
    html = client.get("/").get_data(as_text=True)
    assert "Principles for Collaboration" in html
    assert 'href="/principles/principles/"' in html
    assert "version 1.1" in html and "version 1.0," not in html
    for fmt in ("pdf", "docx", "html", "md", "json"):
        assert f'href="/principles/principles/1.1/export.{fmt}"' in html
    assert 'href="/principles/principles/1.1/endorse"' in html
    assert 'href="/sign-in"' in html
    assert client.get("/principles/principles/1.1/export.md").status_code == 200


def test_with_nothing_published_the_visitor_is_told_so(client):
    html = client.get("/").get_data(as_text=True)
    assert "Nothing has been published yet." in html and "How to take part" in html


def test_the_signed_in_home_is_unchanged(client):
    scenario = adopted_document()
    publish(scenario)
    member = make_user()
    sign_in(client, member)
    html = client.get("/").get_data(as_text=True)
    assert member.name in html and "Drafts" in html and "How to take part" not in html


def test_the_public_home_in_arabic(client):
    client.post("/language", data={"language": "ar"})
    html = client.get("/").get_data(as_text=True)
    assert 'dir="rtl"' in html and "How to take part" not in html


def test_a_visitor_sees_the_next_general_meeting_in_its_own_zone_without_its_online_link(client):
    from datetime import UTC, datetime, timedelta

    from principles_app.extensions import db
    from tests.factories import make_scene

    scene = make_scene(weights=("1",), amendments=0)
    now = datetime.now(UTC)
    for title, start in (
        ("Later meeting", now + timedelta(days=800)),
        ("Last year's meeting", now - timedelta(days=300)),
    ):
        make_meeting(scene, start, title=title, time_zone="Africa/Lagos", place="Lagos")
    starts = datetime(now.year + 1, 3, 14, 8, 0, tzinfo=UTC)
    make_meeting(scene, starts, title="Berlin General Meeting", online_url="https://meet.example.org/secret-room")
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    section = html.split('id="next-meeting"')[1].split("</p>")[0]
    assert (
        "Berlin General Meeting in Berlin" in section
        and "March 14" in section
        and "9:00" in section
        and "Europe/Berlin" in section
    )
    assert "Later meeting" not in html and "Last year" not in html
    assert "secret-room" not in html  # the online link is for members only
