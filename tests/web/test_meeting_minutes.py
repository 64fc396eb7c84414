"""Minutes of a General Meeting in four formats: drawn from the records, the same bytes every time."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta

import pytest
from docx import Document as DocxDocument

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.services import ballots, closing
from principles_app.services import meetings as meeting_service
from principles_app.services import motions as motion_service
from principles_app.services import proxies as proxy_service
from tests.factories import make_meeting, make_scene, sign_in, voting_round


@pytest.fixture
def held():
    """A meeting that ran: one organisation online, one represented by proxy, a named round closed."""
    scene = make_scene(weights=("1", "2", "3", "4"))
    giver, holder, online, absent = scene.delegates
    starts = utcnow() + timedelta(days=2)
    meeting = make_meeting(scene, starts, hours=6, title="General Meeting 2027", time_zone="Asia/Tokyo", place="Tokyo")
    proxy_service.give_proxy(giver, meeting, holder.organisation_id)
    target = voting_round(scene, open_it=False)
    meeting_service.attach_round(scene.secretariat, meeting, target)
    meeting_service.set_attendance(scene.secretariat, meeting, holder.organisation_id, "in_room")
    meeting_service.set_attendance(scene.secretariat, meeting, online.organisation_id, "online")
    closing.open_round(scene.secretariat, target)
    motion = motion_service.motions_of(target)[0]
    ballots.cast_ballot(holder, motion.id, "yes")
    ballots.cast_ballot(holder, motion.id, "no", on_behalf_of=giver.organisation_id)
    ballots.cast_ballot(online, motion.id, "yes")
    closing.close_round(scene.secretariat, target)
    db.session.commit()
    return scene, meeting


def test_the_html_minutes_record_attendance_proxies_results_and_the_roll_call(client, held):
    scene, meeting = held
    giver, holder, online, absent = scene.organisations
    sign_in(client, scene.delegates[3])
    response = client.get(f"/meetings/{meeting.id}/minutes.html")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Minutes: General Meeting 2027" in html
    assert f"Represented by {holder.name}" in html and "In the room" in html and "Online" in html
    assert "Absent" in html
    assert f"{giver.name} gave its proxy to {holder.name}" in html
    assert "Roll call" in html and f"cast by {holder.name} as proxy" in html
    assert "Result: passed" in html and "(Asia/Tokyo)" in html
    assert "Not decided" not in html


def test_every_format_gives_the_same_bytes_twice(client, held):
    scene, meeting = held
    sign_in(client, scene.delegates[0])
    for fmt in ("html", "md", "pdf", "docx"):
        first = client.get(f"/meetings/{meeting.id}/minutes.{fmt}")
        second = client.get(f"/meetings/{meeting.id}/minutes.{fmt}")
        assert first.status_code == 200, fmt
        assert first.get_data() == second.get_data(), fmt
        assert first.headers["ETag"] == second.headers["ETag"]


def test_a_fresh_rendering_of_pdf_and_docx_is_byte_identical(app, held):
    from principles_app.services import minutes as minutes_service
    from principles_app.web.meetings import minutes as views

    _scene, meeting = held
    with app.test_request_context():
        record = minutes_service.build_minutes(meeting)
        for render in (views.render_docx, views.render_pdf, views.render_markdown):
            assert render(record) == render(minutes_service.build_minutes(meeting))


def test_the_markdown_minutes_have_tables_and_the_roll_call(client, held):
    scene, meeting = held
    sign_in(client, scene.delegates[0])
    text = client.get(f"/meetings/{meeting.id}/minutes.md").get_data(as_text=True)
    assert text.startswith("# Minutes: General Meeting 2027")
    assert "| Organisation | Weight | Attendance |" in text
    assert f"cast by {scene.organisations[1].name} as proxy" in text


def test_the_docx_minutes_open_with_python_docx_and_hold_the_roll_call(client, held):
    scene, meeting = held
    sign_in(client, scene.delegates[0])
    body = client.get(f"/meetings/{meeting.id}/minutes.docx").get_data()
    document = DocxDocument(io.BytesIO(body))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Minutes: General Meeting 2027" in text
    assert f"cast by {scene.organisations[1].name} as proxy" in cells
    assert document.core_properties.created.year >= 2026


def test_the_arabic_pdf_carries_arabic_text(client, held, tmp_path):
    scene, meeting = held
    reader = scene.delegates[2]
    reader.language = "ar"
    db.session.commit()
    sign_in(client, reader)
    body = client.get(f"/meetings/{meeting.id}/minutes.pdf").get_data()
    assert body.startswith(b"%PDF")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(body)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)
    assert scene.organisations[1].name in text


def test_unknown_format_or_meeting_is_404_and_anonymous_is_sent_to_sign_in(client, held):
    scene, meeting = held
    assert client.get(f"/meetings/{meeting.id}/minutes.html").status_code == 302
    sign_in(client, scene.delegates[0])
    assert client.get(f"/meetings/{meeting.id}/minutes.exe").status_code == 404
    assert client.get("/meetings/999999/minutes.html").status_code == 404


def test_the_meeting_page_links_the_live_view_and_the_minutes(client, held):
    scene, meeting = held
    sign_in(client, scene.delegates[0])
    html = client.get(f"/meetings/{meeting.id}/").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/live"' in html
    for fmt in ("html", "pdf", "docx", "md"):
        assert f'href="/meetings/{meeting.id}/minutes.{fmt}"' in html


def test_a_secret_round_names_nobody_and_an_adopted_version_shows_its_sha256(client):
    from principles_app.models import Version

    scene = make_scene(weights=("1", "2"))
    starts = utcnow() - timedelta(hours=1)
    meeting = make_meeting(scene, starts, hours=6, time_zone="America/Bogota", place="Bogotá")
    for delegate in scene.delegates:
        meeting_service.set_attendance(scene.secretariat, meeting, delegate.organisation_id, "online")
    secret = voting_round(scene, open_it=False, secrecy="secret")
    meeting_service.attach_round(scene.secretariat, meeting, secret)
    closing.open_round(scene.secretariat, secret)
    ballots.cast_ballot(scene.delegates[0], motion_service.motions_of(secret)[0].id, "yes")
    closing.close_round(scene.secretariat, secret)
    adoption = voting_round(scene, kind="adoption", open_it=False)
    meeting_service.attach_round(scene.secretariat, meeting, adoption)
    closing.open_round(scene.secretariat, adoption)
    motion = motion_service.motions_of(adoption)[0]
    for delegate in scene.delegates:
        ballots.cast_ballot(delegate, motion.id, "yes")
    closing.close_round(scene.secretariat, adoption)
    db.session.commit()
    version = db.session.query(Version).filter_by(document_id=scene.document.id, number=motion.version_number).one()
    sign_in(client, scene.delegates[0])
    html = client.get(f"/meetings/{meeting.id}/minutes.html").get_data(as_text=True)
    assert "Secret ballot: no organisation is named." in html
    assert html.count("Roll call") == 1  # the adoption round was named; the secret one has none
    assert version.sha256 in html
    assert version.sha256 in client.get(f"/meetings/{meeting.id}/minutes.md").get_data(as_text=True)
