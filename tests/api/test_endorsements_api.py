"""Endorsements from outside the network: sent, verified by e-mail, decided, shown, withdrawn (SPEC §17)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import AuditEntry, Endorsement, OutboxMessage
from principles_app.services import outbox
from tests.factories import adopted_document, auth_header, error_of, make_user, publish, token_for
from tests.mail_server import html, plain, start_server

URL = "/api/v1/publications/principles/1.0/endorsements"
ADDRESS = "contacto@periodistas.example.org"


def body(**changes):
    fields = {
        "organisation_name": "Red de Periodistas Libres",
        "country": "CL",
        "region": "americas",
        "website": "https://periodistas.example.org",
        "email": "contacto@periodistas.example.org",
        "statement": "We stand with these principles.",
        "consent": True,
    }
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not ...}


@pytest.fixture
def published(app):
    scenario = adopted_document()
    publish(scenario)
    return scenario


@pytest.fixture
def mail(app, monkeypatch):
    controller, mailbox = start_server()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "network@example.org")
    yield mailbox
    controller.stop()


def link_in(message, path: str) -> str:
    return re.search(rf"http://localhost:5000(/endorsements/{path}/[A-Za-z0-9_-]+)", plain(message)).group(1)


def endorse(client, mail, language="en", **changes) -> tuple[int, str]:
    """Send an endorsement and return its id and the verification path read from the delivered mail."""
    address = body(**changes)["email"]
    before = len(mail.to(address))
    response = client.post(URL, json=body(**changes), headers={"Accept-Language": language})
    assert response.status_code == 202, response.get_json()
    outbox.send_outbox()
    message = mail.to(address)[before]
    return response.get_json()["id"], link_in(message, "verify")


def verify(client, path: str):
    assert client.get(path).status_code == 200  # a page with a button: a mail scanner's visit spends nothing
    return client.post(path)


def secretariat_header():
    return auth_header(token_for(make_user("secretariat")))


def test_the_whole_path_from_the_form_to_the_public_list_and_back_out(client, published, mail):
    endorsement_id, verify_path = endorse(client, mail, language="es")
    (verification,) = mail.to(ADDRESS)
    assert verification["To"] == "contacto@periodistas.example.org"
    assert verification["Content-Language"] == "es" and "48" in plain(verification)
    assert client.get(URL).get_json()["count"] == 0  # nothing public before it is verified and approved
    queue = client.get("/api/v1/endorsements", headers=secretariat_header()).get_json()["endorsements"]
    assert queue == []  # only verified endorsements reach the queue

    assert verify(client, verify_path).status_code == 200
    assert client.post(verify_path).status_code == 410  # single use
    outbox.send_outbox()
    confirmation = mail.to(ADDRESS)[-1]
    assert confirmation["Content-Language"] == "es" and "/endorsements/withdraw/" in plain(confirmation)
    queue = client.get("/api/v1/endorsements", headers=secretariat_header()).get_json()["endorsements"]
    assert [item["id"] for item in queue] == [endorsement_id] and queue[0]["state"] == "verified"

    approved = client.post(f"/api/v1/endorsements/{endorsement_id}/approve", headers=secretariat_header())
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved"
    outbox.send_outbox()
    assert mail.to(ADDRESS)[-1]["Content-Language"] == "es"
    assert "Red de Periodistas Libres" in html(mail.to(ADDRESS)[-1])
    listed = client.get(URL).get_json()
    assert listed["count"] == 1 and listed["by_region"] == {"americas": 1}
    assert listed["endorsements"][0]["organisation_name"] == "Red de Periodistas Libres"
    assert "email" not in listed["endorsements"][0] and "contacto@" not in client.get(URL).get_data(as_text=True)
    page = client.get("/principles/principles/").get_data(as_text=True)
    assert "Red de Periodistas Libres" in page and "We stand with these principles." in page
    assert "contacto@periodistas" not in page
    assert "Red de Periodistas Libres" in client.get("/principles/feed.atom").get_data(as_text=True)
    assert "Red de Periodistas Libres" in client.get("/principles/principles/1.0/endorsements.csv").get_data(
        as_text=True
    )
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "endorsement")).all()
    assert actions == ["endorsement.submitted", "endorsement.verified", "endorsement.approved"]

    withdraw_path = link_in(confirmation, "withdraw")
    assert client.get(withdraw_path).status_code == 200
    assert client.post(withdraw_path).status_code == 200
    assert client.post(withdraw_path).status_code == 410
    assert client.get(URL).get_json()["count"] == 0
    for path in ("/principles/principles/", "/principles/feed.atom", "/principles/principles/1.0/endorsements.csv"):
        assert "Red de Periodistas Libres" not in client.get(path).get_data(as_text=True), path


def test_the_cached_public_page_changes_when_an_endorsement_is_approved(client, published, mail):
    before = client.get("/principles/principles/")
    endorsement_id, path = endorse(client, mail)
    verify(client, path)
    assert client.get("/principles/principles/").headers["ETag"] == before.headers["ETag"]
    client.post(f"/api/v1/endorsements/{endorsement_id}/approve", headers=secretariat_header())
    after = client.get("/principles/principles/", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Red de Periodistas Libres" in after.get_data(as_text=True)


def test_a_rejected_endorsement_is_told_with_the_reason_and_leaves_no_trace(client, published, mail):
    endorsement_id, path = endorse(client, mail, language="fr")
    verify(client, path)
    refused = client.post(f"/api/v1/endorsements/{endorsement_id}/reject", headers=secretariat_header(), json={})
    assert error_of(refused, 422)["fields"].keys() == {"reason"}
    rejected = client.post(
        f"/api/v1/endorsements/{endorsement_id}/reject",
        headers=secretariat_header(),
        json={"reason": "Not an organisation."},
    )
    assert rejected.status_code == 200 and rejected.get_json()["state"] == "rejected"
    outbox.send_outbox()
    assert mail.to(ADDRESS)[-1]["Content-Language"] == "fr" and "Not an organisation." in plain(mail.to(ADDRESS)[-1])
    again = client.post(f"/api/v1/endorsements/{endorsement_id}/approve", headers=secretariat_header())
    assert error_of(again, 409)
    assert client.get(URL).get_json()["count"] == 0
    assert "Red de Periodistas" not in client.get("/principles/principles/").get_data(as_text=True)


def test_a_second_endorsement_by_a_look_alike_name_is_refused_at_verification_and_told_by_mail(client, published, mail):
    first_id, first = endorse(client, mail)
    verify(client, first)
    # A Cyrillic "е", another case, a zero-width space: the same organisation to a reader.
    _second_id, second = endorse(
        client, mail, organisation_name="R\u0435d de PERIODISTAS\u200b Libres", email="otra@example.org"
    )
    assert verify(client, second).status_code == 409
    outbox.send_outbox()
    told = mail.to("otra@example.org")[-1]
    assert "already endorsed" in plain(told)
    assert db.session.get(Endorsement, first_id).state == "verified"


def test_the_form_never_tells_whether_an_address_or_a_name_was_used(client, published, mail):
    endorse(client, mail)
    again = client.post(URL, json=body())
    assert again.status_code == 202 and set(again.get_json()) == {"id", "state"}


def test_an_expired_verification_link_is_gone(client, published, mail):
    endorsement_id, path = endorse(client, mail)
    endorsement = db.session.get(Endorsement, endorsement_id)
    endorsement.verification_expires_at -= timedelta(hours=49)
    db.session.commit()
    assert client.get(path).status_code == 410
    assert client.post(path).status_code == 410
    assert client.get("/endorsements/verify/not-a-token").status_code == 410
    assert client.get("/endorsements/withdraw/" + "x" * 43).status_code == 410


@pytest.mark.parametrize(
    "changes, fields",
    [
        ({"consent": ...}, {"consent"}),
        ({"consent": False}, {"consent"}),
        ({"organisation_name": ..., "email": ...}, {"organisation_name", "email"}),
        ({"organisation_name": "   "}, {"organisation_name"}),
        ({"country": "XK"}, {"country"}),
        ({"country": "ZZ"}, {"country"}),
        ({"region": "atlantis"}, {"region"}),
        ({"website": "javascript:alert(1)"}, {"website"}),
        ({"website": "ftp://example.org"}, {"website"}),
        ({"website": "https://user@example.org"}, {"website"}),
        ({"email": "not an address"}, {"email"}),
        ({"statement": "x" * 501}, {"statement"}),
        ({"statement": "<b>bold</b>"}, {"statement"}),
        ({"statement": "See https://spam.example"}, {"statement"}),
        ({"statement": "A \u202e reversal"}, {"statement"}),
        ({"organisation_name": "Line\nbreak"}, {"organisation_name"}),
        ({"consent": "yes"}, {"consent"}),
        ({"statement": 5}, {"statement"}),
    ],
)
def test_bad_input_is_refused_naming_the_fields_and_nothing_is_stored(client, published, changes, fields):
    response = client.post(URL, json=body(**changes))
    assert set(error_of(response, 422)["fields"]) == fields
    assert db.session.scalar(select(func.count(Endorsement.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.to_address.is_not(None))) == 0


def test_unknown_publications_and_endorsements_are_404(client, published):
    assert error_of(client.post("/api/v1/publications/principles/9.9/endorsements", json=body()), 404)
    assert error_of(client.get("/api/v1/publications/nothing/1.0/endorsements"), 404)
    assert error_of(client.post("/api/v1/endorsements/999999/approve", headers=secretariat_header()), 404)
    assert client.get("/principles/principles/9.9/endorse").status_code == 404
    assert client.get("/principles/principles/9.9/endorsements.csv").status_code == 404


def test_malformed_bodies_are_400(client, published):
    assert error_of(client.post(URL, data="{", content_type="application/json"), 400)
    assert error_of(client.post(URL, json=[1, 2]), 400)


def test_sending_is_rate_limited_per_address_and_quietly_per_email(client, app, published, mail, monkeypatch):
    monkeypatch.setitem(app.config, "ENDORSEMENT_EMAIL_LIMIT", "2 per day")
    monkeypatch.setitem(app.config, "ENDORSEMENT_ADDRESS_LIMIT", "4 per hour")
    for number in range(3):
        assert client.post(URL, json=body(organisation_name=f"Org {number}")).status_code == 202
    outbox.send_outbox()
    assert len(mail.to("contacto@periodistas.example.org")) == 2  # the third looked accepted; no mail went
    assert client.post(URL, json=body(email="new@example.org")).status_code == 202
    limited = client.post(URL, json=body(email="other@example.org"))
    assert error_of(limited, 429) and int(limited.headers["Retry-After"]) > 0
