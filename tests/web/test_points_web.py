"""Consultation pages without JavaScript: raise, support, record, theme, link and trace key points (SPEC §16)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import KeyPoint, PointSupport, Theme
from principles_app.services import closing
from principles_app.services import points as point_service
from principles_app.services import rounds as round_service
from tests.factories import adopted_document, make_document, make_organisation, make_user, principle, publish, sign_in


def open_consultation(document, secretariat):
    target = round_service.create_round(
        secretariat, document, "consultation", "Key points", utcnow() + timedelta(days=7)
    )
    closing.open_round(secretariat, target)
    db.session.commit()
    return target


@pytest.fixture
def scene(app):
    secretariat = make_user("secretariat")
    africa = make_user("member", organisation=make_organisation("Sahel Voices", region="africa"))
    americas = make_user("member", organisation=make_organisation("Andes Press", region="americas"))
    observer = make_user(
        "observer", organisation=make_organisation("Donor Circle", region="europe_central_asia", category="donor")
    )
    document = make_document()
    target = open_consultation(document, secretariat)
    return {"secretariat": secretariat, "africa": africa, "americas": americas, "observer": observer}, document, target


def points_count():
    return db.session.scalar(select(func.count()).select_from(KeyPoint))


def test_a_member_raises_a_point_through_the_form_and_another_supports_it(client, scene):
    people, document, _target = scene
    sign_in(client, people["africa"])
    page = client.get("/documents/charter/consultation/")
    assert page.status_code == 200 and 'name="text"' in page.get_data(as_text=True)
    raised = client.post(
        "/documents/charter/consultation/", data={"text": "Credit every partner by name.", "theme": "Credit"}
    )
    assert raised.status_code == 302
    point = db.session.execute(select(KeyPoint)).scalar_one()
    assert point.language == "en" and point.theme.name == "Credit"
    client.post("/sign-out")
    sign_in(client, people["americas"])
    listing = client.get("/documents/charter/consultation/").get_data(as_text=True)
    assert "Credit every partner by name." in listing and "Sahel Voices" in listing
    assert f'action="/points/{point.id}/support"' in listing
    supported = client.post(f"/points/{point.id}/support", data={"next": "/documents/charter/consultation/"})
    assert supported.status_code == 302 and supported.headers["Location"].endswith("/documents/charter/consultation/")
    listing = client.get("/documents/charter/consultation/?min_support=1").get_data(as_text=True)
    assert "1 organisation supports this" in listing and f'action="/points/{point.id}/withdraw"' in listing
    assert client.post(f"/points/{point.id}/support").status_code == 409
    assert client.post(f"/points/{point.id}/withdraw").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PointSupport)) == 0


def test_bad_points_in_the_form_are_refused_and_change_nothing(client, scene):
    people, document, target = scene
    sign_in(client, people["africa"])
    assert client.post("/documents/charter/consultation/", data={"text": ""}).status_code == 422
    assert client.post("/documents/charter/consultation/", data={"text": "x" * 1001}).status_code == 422
    closing.close_round(people["secretariat"], target)
    db.session.commit()
    closed = client.post("/documents/charter/consultation/", data={"text": "Too late"})
    assert closed.status_code == 409 and "only while a consultation" in closed.get_data(as_text=True)
    assert points_count() == 0
    assert client.get("/documents/charter/consultation/?region=mars").status_code == 422


def test_filters_narrow_the_list_and_pages_link_on(client, scene):
    people, document, _target = scene
    for n in range(30):
        point_service.submit_point(people["africa"], document, f"Point number {n} about listening.")
    point_service.submit_point(people["americas"], document, "Las organizaciones deben ser escuchadas.")
    db.session.commit()
    sign_in(client, people["observer"])
    first = client.get("/documents/charter/consultation/").get_data(as_text=True)
    assert "31 key points" in first and "Page 1 of 2" in first and "page=2" in first
    spanish = client.get("/documents/charter/consultation/?language=es").get_data(as_text=True)
    assert "Las organizaciones" in spanish and "Point number" not in spanish
    region = client.get("/documents/charter/consultation/?region=americas").get_data(as_text=True)
    assert "Las organizaciones" in region and "Point number" not in region


def test_the_secretariat_records_a_session_point_and_an_observer_may_not(client, scene):
    people, document, _target = scene
    africa_org = people["africa"].organisation
    sign_in(client, people["observer"])
    assert client.get("/documents/charter/consultation/session-point").status_code == 403
    assert (
        client.post(
            "/documents/charter/consultation/session-point",
            data={"text": "x", "session": "Dakar", "session_date": "2026-11-20", "organisation_id": africa_org.id},
        ).status_code
        == 403
    )
    client.post("/sign-out")
    sign_in(client, people["secretariat"])
    form = client.get("/documents/charter/consultation/session-point")
    assert form.status_code == 200 and "Sahel Voices" in form.get_data(as_text=True)
    recorded = client.post(
        "/documents/charter/consultation/session-point",
        data={
            "text": "Safety first for people on the ground.",
            "session": "Dakar engagement session",
            "session_date": "2026-11-20",
            "organisation_id": str(africa_org.id),
        },
    )
    assert recorded.status_code == 302
    point = db.session.execute(select(KeyPoint)).scalar_one()
    assert point.organisation_id == africa_org.id and point.recorded_by_id == people["secretariat"].id
    listing = client.get("/documents/charter/consultation/").get_data(as_text=True)
    assert "raised in Dakar engagement session on 2026-11-20" in listing


def test_themes_are_renamed_and_merged_by_the_secretariat_only(client, scene):
    people, document, _target = scene
    a = point_service.submit_point(people["africa"], document, "Credit partners.", theme="Credit")
    b = point_service.submit_point(people["americas"], document, "Name partners.", theme="Naming")
    db.session.commit()
    sign_in(client, people["africa"])
    assert client.get("/documents/charter/themes").status_code == 403
    client.post("/sign-out")
    sign_in(client, people["secretariat"])
    assert client.get("/documents/charter/themes").status_code == 200
    credit, naming = a.theme, b.theme
    assert (
        client.post(f"/themes/{credit.id}/rename", data={f"rename-{credit.id}-name": "Credit and naming"}).status_code
        == 302
    )
    assert (
        client.post(f"/themes/{naming.id}/rename", data={f"rename-{naming.id}-name": "credit and naming"}).status_code
        == 409
    )
    merged = client.post(f"/themes/{naming.id}/merge", data={f"merge-{naming.id}-into": str(credit.id)})
    assert merged.status_code == 302
    db.session.expire_all()
    assert [t.name for t in db.session.execute(select(Theme)).scalars()] == ["Credit and naming"]
    assert {p.theme_id for p in db.session.execute(select(KeyPoint)).scalars()} == {credit.id}


def test_linking_a_principle_shows_where_it_comes_from_and_what_was_not_taken_up(client, scene):
    people, document, _target = scene
    a = point_service.submit_point(people["africa"], document, "Listen before deciding.")
    b = point_service.submit_point(people["americas"], document, "Decide together.")
    left = point_service.submit_point(people["observer"], document, "Fund the work.", anonymous=True)
    db.session.commit()
    first = principle(document, 1)
    sign_in(client, people["secretariat"])
    page = client.get(f"/principles/{first.id}/sources")
    assert page.status_code == 200 and "Listen before deciding." in page.get_data(as_text=True)
    saved = client.post(
        f"/principles/{first.id}/sources",
        data={"shown": [str(a.id), str(b.id), str(left.id)], "point_ids": [str(a.id), str(b.id)]},
    )
    assert saved.status_code == 302
    client.post("/sign-out")
    sign_in(client, people["americas"])
    draft = client.get("/documents/charter/").get_data(as_text=True)
    assert "Where this comes from" in draft and "Sahel Voices" in draft and "Andes Press" in draft
    assert f"/principles/{first.id}/sources" not in draft
    not_taken = client.get("/documents/charter/consultation/not-taken-up").get_data(as_text=True)
    assert "Fund the work." in not_taken and "Listen before deciding." not in not_taken
    assert "Donor Circle" not in not_taken  # anonymous, and alone in its group: no region either
    assert "Region not shown, to protect the organisation" in not_taken
    assert client.get(f"/principles/{first.id}/sources").status_code == 403


def test_the_author_edits_and_a_member_translates_a_point(client, scene):
    people, document, _target = scene
    point = point_service.submit_point(people["africa"], document, "Listen first.")
    db.session.commit()
    sign_in(client, people["americas"])
    assert client.get(f"/points/{point.id}/edit").status_code == 403
    assert client.post(f"/points/{point.id}/translate/es", data={"text": "Escuchar primero."}).status_code == 302
    page = client.get(f"/points/{point.id}?lang=es").get_data(as_text=True)
    assert "Escuchar primero." in page and 'lang="es"' in page
    assert client.get(f"/points/{point.id}/translate/en").status_code == 404
    client.post("/sign-out")
    sign_in(client, people["africa"])
    assert client.post(f"/points/{point.id}/edit", data={"text": "Listen first, always."}).status_code == 302
    page = client.get(f"/points/{point.id}").get_data(as_text=True)
    assert "Listen first, always." in page and "Earlier wording" in page and "Out of date" not in page
    assert "Out of date" in client.get(f"/points/{point.id}?lang=es").get_data(as_text=True)


def test_the_publication_shows_where_each_principle_came_from_and_never_changes(client, app):
    scenario = adopted_document()
    document = scenario.document
    open_consultation(document, scenario.secretariat)
    point = point_service.submit_point(scenario.proposer, document, "Work together in good faith.")
    first = principle(document, 1)
    point_service.set_sources(scenario.secretariat, first, [point.id])
    closing.close_round(scenario.secretariat, round_service.open_round_of(document))
    db.session.commit()
    publish(scenario)
    page = client.get("/principles/principles/1.0/").get_data(as_text=True)
    assert "Where this comes from" in page and "Work together in good faith." in page and "Voices of the Sahel" in page
    point_service.set_sources(scenario.secretariat, first, [])
    db.session.commit()
    published = point_service.sources_of_version(document.id, scenario.adopted_version, None)
    assert [view.id for view in published[1]] == [point.id]
    assert point_service.sources_by_principle([first.id], None) == {}
