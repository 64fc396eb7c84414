"""Key points over the API: raise, record from a session, support, edit, trace to principles (SPEC §16)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import AuditEntry, KeyPoint, KeyPointRevision, PointSupport, PrincipleSource
from principles_app.services import closing
from principles_app.services import rounds as round_service
from tests.factories import (
    auth_header,
    error_of,
    make_document,
    make_organisation,
    make_user,
    merge_change,
    open_amendments_round,
    principle,
    token_for,
)

POINTS = "/api/v1/documents/charter/points"


def consultation(document, secretariat, open_it: bool = True):
    target = round_service.create_round(
        secretariat, document, "consultation", "What must the principles say?", utcnow() + timedelta(days=7)
    )
    if open_it:
        closing.open_round(secretariat, target)
    db.session.commit()
    return target


@pytest.fixture
def net(app):
    secretariat = make_user("secretariat")
    people = {
        "secretariat": secretariat,
        "africa": make_user("member", organisation=make_organisation("Africa Voice", region="africa")),
        "americas": make_user("member", organisation=make_organisation("Americas Voice", region="americas")),
        "mena": make_user("member", organisation=make_organisation("Mena Voice", region="mena")),
        "observer": make_user(
            "observer", organisation=make_organisation("Ally", region="europe_central_asia", category="ally")
        ),
    }
    document = make_document()
    headers = {name: auth_header(token_for(user)) for name, user in people.items()}
    return people, headers, document


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (KeyPoint, PointSupport, PrincipleSource, KeyPointRevision, AuditEntry)
    )


def raise_point(client, headers, text="Name every organisation whose work we use.", **extra):
    response = client.post(POINTS, json={"text": text, **extra}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_consultation_opens_and_closes_without_motions_or_electorate(client, net):
    people, headers, document = net
    target = consultation(document, people["secretariat"], open_it=False)
    opened = client.post(f"/api/v1/rounds/{target.id}/open", headers=headers["secretariat"])
    assert opened.status_code == 200, opened.get_json()
    assert opened.get_json()["kind"] == "consultation" and opened.get_json()["motions"] == []
    closed = client.post(f"/api/v1/rounds/{target.id}/close", headers=headers["secretariat"])
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"


def test_members_and_observers_raise_points_with_language_and_theme(client, net):
    people, headers, document = net
    consultation(document, people["secretariat"])
    body = raise_point(client, headers["africa"], theme="Credit")
    assert body["organisation"] == "Africa Voice" and body["region"] == "africa" and body["language"] == "en"
    assert body["theme"] == "Credit" and body["supports"] == 0
    spanish = raise_point(client, headers["observer"], text="Las organizaciones deben ser consultadas en su idioma.")
    assert spanish["language"] == "es" and spanish["category"] == "observer"
    arabic = raise_point(client, headers["mena"], text="يجب أن تُسمع كل المنظمات قبل القرار.")
    assert arabic["language"] == "ar"
    listed = client.get(POINTS, headers=headers["americas"]).get_json()
    assert listed["total"] == 3 and listed["page"] == 1


def test_points_outside_an_open_consultation_are_409_and_change_nothing(client, net):
    people, headers, document = net
    before = counts()
    assert error_of(client.post(POINTS, json={"text": "x"}, headers=headers["africa"]), 409)
    open_amendments_round(document)
    assert error_of(client.post(POINTS, json={"text": "x"}, headers=headers["africa"]), 409)
    assert counts()[:4] == before[:4]


@pytest.mark.parametrize("text", ["", "   ", "x" * 1001])
def test_empty_or_too_long_points_are_422(client, net, text):
    people, headers, document = net
    consultation(document, people["secretariat"])
    before = counts()
    error = error_of(client.post(POINTS, json={"text": text}, headers=headers["africa"]), 422)
    assert "text" in error["fields"]
    assert counts() == before


def test_a_point_of_exactly_1000_characters_is_taken(client, net):
    people, headers, document = net
    consultation(document, people["secretariat"])
    assert len(raise_point(client, headers["africa"], text="y" * 1000)["text"]) == 1000


def test_the_secretariat_records_a_session_point_and_others_may_not(client, net):
    people, headers, document = net
    consultation(document, people["secretariat"])
    africa = people["africa"].organisation
    body = raise_point(
        client,
        headers["secretariat"],
        text="Pay partners for the time collaboration takes.",
        session={"name": "Nairobi engagement session", "date": "2026-11-20"},
        organisation_id=africa.id,
    )
    assert body["organisation"] == "Africa Voice" and body["session"] == "Nairobi engagement session"
    assert body["session_date"] == "2026-11-20"
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "point.recorded")).scalar_one()
    assert entry.payload["session"] == "Nairobi engagement session"
    before = counts()
    for who in ("observer", "africa"):
        response = client.post(
            POINTS, json={"text": "t", "session": "Lima", "organisation_id": africa.id}, headers=headers[who]
        )
        assert error_of(response, 403)
    assert counts() == before
    missing = client.post(
        POINTS, json={"text": "t", "session": "Lima", "organisation_id": 999999}, headers=headers["secretariat"]
    )
    assert "organisation_id" in error_of(missing, 422)["fields"]


def test_support_once_per_organisation_never_ones_own_and_withdraw_while_open(client, net):
    people, headers, document = net
    target = consultation(document, people["secretariat"])
    point = raise_point(client, headers["africa"])
    url = f"/api/v1/points/{point['id']}/supports"
    assert error_of(client.post(url, headers=headers["africa"]), 409)
    colleague = make_user("member", organisation=people["africa"].organisation)
    assert error_of(client.post(url, headers=auth_header(token_for(colleague))), 409)
    first = client.post(url, headers=headers["americas"])
    assert first.status_code == 201 and first.get_json() == {"point_id": point["id"], "supports": 1, "supported": True}
    before = counts()
    assert error_of(client.post(url, headers=headers["americas"]), 409)
    assert counts() == before
    assert client.post(url, headers=headers["observer"]).get_json()["supports"] == 2
    assert error_of(client.post(url, headers=headers["secretariat"]), 403)
    withdrawn = client.delete(url, headers=headers["americas"])
    assert withdrawn.status_code == 200 and withdrawn.get_json()["supports"] == 1
    assert error_of(client.delete(url, headers=headers["americas"]), 409)
    closing.close_round(people["secretariat"], target)
    db.session.commit()
    assert error_of(client.delete(url, headers=headers["observer"]), 409)
    assert error_of(client.post(url, headers=headers["americas"]), 409)


def test_the_author_edits_while_open_and_the_history_is_kept(client, net):
    people, headers, document = net
    target = consultation(document, people["secretariat"])
    point = raise_point(client, headers["africa"])
    url = f"/api/v1/points/{point['id']}"
    assert error_of(client.patch(url, json={"text": "Mine now"}, headers=headers["americas"]), 403)
    edited = client.patch(url, json={"text": "Credit every organisation by name."}, headers=headers["africa"])
    assert edited.status_code == 200 and edited.get_json()["text"] == "Credit every organisation by name."
    history = db.session.execute(select(KeyPointRevision.text)).scalars().all()
    assert history == ["Name every organisation whose work we use."]
    assert error_of(client.patch(url, json={"text": ""}, headers=headers["africa"]), 422)
    closing.close_round(people["secretariat"], target)
    db.session.commit()
    assert error_of(client.patch(url, json={"text": "Too late"}, headers=headers["africa"]), 409)


def test_anonymous_points_show_the_protective_label_under_the_group_threshold(client, net, app):
    people, headers, document = net
    consultation(document, people["secretariat"])
    point = raise_point(client, headers["mena"], anonymous=True)
    seen = client.get(f"/api/v1/points/{point['id']}", headers=headers["americas"]).get_json()
    # One member organisation in MENA: naming the region would name it.
    assert seen["organisation"] == "a participant" and seen["organisation_id"] is None and seen["region"] is None
    assert client.get(POINTS + "?region=mena", headers=headers["americas"]).get_json()["total"] == 0
    staff = client.get(f"/api/v1/points/{point['id']}", headers=headers["secretariat"]).get_json()
    assert staff["organisation"] == "Mena Voice"
    for n in range(2):
        make_organisation(f"Mena {n}", region="mena")
    seen = client.get(f"/api/v1/points/{point['id']}", headers=headers["americas"]).get_json()
    assert seen["organisation"] == "a member organisation from Middle East & North Africa" or seen["region"] == "mena"
    assert seen["organisation_id"] is None and "Mena Voice" not in seen["organisation"]


def test_filters_and_pages(client, net):
    people, headers, document = net
    consultation(document, people["secretariat"])
    a = raise_point(client, headers["africa"], theme="Credit")
    raise_point(client, headers["americas"], text="Las organizaciones deben ser consultadas en su idioma.")
    client.post(f"/api/v1/points/{a['id']}/supports", headers=headers["americas"])
    client.post(f"/api/v1/points/{a['id']}/supports", headers=headers["mena"])

    def ids(query):
        response = client.get(POINTS + query, headers=headers["observer"])
        assert response.status_code == 200, response.get_json()
        return [p["id"] for p in response.get_json()["points"]]

    assert ids(f"?theme={a['theme_id']}") == [a["id"]]
    assert ids("?region=americas") != [] and a["id"] not in ids("?region=americas")
    assert ids("?language=es") == ids("?region=americas")
    assert ids("?min_support=2") == [a["id"]]
    assert ids("?category=observer") == []
    assert len(ids("?per_page=1")) == 1 and len(ids("?per_page=1&page=2")) == 1
    for bad in ("?region=mars", "?min_support=-1", "?page=0", "?unlinked=maybe", "?per_page=1000", "?theme=x"):
        assert error_of(client.get(POINTS + bad, headers=headers["observer"]), 422)


def test_sources_link_points_keep_across_amendments_and_refuse_other_documents(client, net):
    people, headers, document = net
    consultation(document, people["secretariat"])
    a = raise_point(client, headers["africa"])
    b = raise_point(client, headers["americas"], text="Listen to every region before deciding.")
    first = principle(document, 1)
    url = f"/api/v1/principles/{first.id}/sources"
    assert error_of(client.put(url, json={"point_ids": [a["id"]]}, headers=headers["africa"]), 403)
    put = client.put(url, json={"point_ids": [a["id"], b["id"]]}, headers=headers["secretariat"])
    assert put.status_code == 200, put.get_json()
    assert put.get_json()["point_ids"] == [a["id"], b["id"]]
    assert put.get_json()["regions"] == ["africa", "americas"]
    unlinked = client.get(POINTS + "?unlinked=true", headers=headers["observer"]).get_json()
    assert unlinked["total"] == 0

    other = make_document("other")
    stranger_round = consultation(other, people["secretariat"])
    assert stranger_round.document_id == other.id
    foreign = client.post(
        "/api/v1/documents/other/points", json={"text": "Elsewhere"}, headers=headers["africa"]
    ).get_json()
    before = counts()
    refused = client.put(url, json={"point_ids": [a["id"], foreign["id"]]}, headers=headers["secretariat"])
    assert "point_ids" in error_of(refused, 422)["fields"]
    assert counts() == before

    closing.close_round(people["secretariat"], round_service.open_round_of(other))
    closing.close_round(people["secretariat"], round_service.open_round_of(document))
    db.session.commit()
    open_amendments_round(document)
    merge_change(people["africa"], people["secretariat"], document)  # version 2 changes principle 1
    assert client.get(url, headers=headers["observer"]).get_json()["point_ids"] == [a["id"], b["id"]]
    client.put(url, json={"point_ids": [b["id"]]}, headers=headers["secretariat"])
    assert client.get(url, headers=headers["observer"]).get_json()["point_ids"] == [b["id"]]
    assert client.get(url + "?version=1", headers=headers["observer"]).get_json()["point_ids"] == [a["id"], b["id"]]
    assert client.get(url + "?version=2", headers=headers["observer"]).get_json()["point_ids"] == [b["id"]]
    listed = client.get(POINTS + "?unlinked=true", headers=headers["observer"]).get_json()
    assert [p["id"] for p in listed["points"]] == [a["id"]]


def test_a_member_translates_a_point_and_readers_see_which_languages_exist(client, net):
    people, headers, document = net
    consultation(document, people["secretariat"])
    point = raise_point(client, headers["africa"])
    url = f"/api/v1/points/{point['id']}/translations/es"
    assert error_of(client.put(url, json={"text": "Nombrar"}, headers=headers["observer"]), 403)
    put = client.put(url, json={"text": "Nombrar a cada organización."}, headers=headers["americas"])
    assert put.status_code == 200 and put.get_json()["language"] == "es"
    same = client.put(f"/api/v1/points/{point['id']}/translations/en", json={"text": "x"}, headers=headers["americas"])
    assert error_of(same, 422)
    assert client.get(f"/api/v1/points/{point['id']}", headers=headers["mena"]).get_json()["translations"] == ["es"]


def test_unknown_points_and_principles_are_404(client, net):
    people, headers, _document = net
    assert error_of(client.post("/api/v1/points/999999/supports", headers=headers["africa"]), 404)
    assert error_of(client.get("/api/v1/principles/999999/sources", headers=headers["africa"]), 404)
    assert error_of(client.get("/api/v1/documents/nothing/points", headers=headers["africa"]), 404)
