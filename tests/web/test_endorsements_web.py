"""Endorsing in the browser without an account or script; the public lists, the CSV and the secretariat's queue."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import Endorsement, OutboxMessage
from tests.factories import (
    adopt,
    adopted_document,
    approved_endorsement,
    endorsement_fields,
    make_user,
    merge_amendment,
    publish,
    sign_in,
)

FORM = "/principles/principles/1.0/endorse"
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def published(app):
    scenario = adopted_document()
    scenario.publication = publish(scenario)
    return scenario


def form_data(**changes) -> dict:
    fields = endorsement_fields(**changes)
    data = {key: value for key, value in fields.items() if key != "consent" and value is not None}
    if fields["consent"]:
        data["consent"] = "y"
    return data


def stored() -> int:
    return db.session.scalar(select(func.count(Endorsement.id)))


def mail_to(address: str) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)).all()


def test_the_form_offers_countries_by_their_names_in_the_readers_language(client, published):
    spanish = client.get(FORM, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<option value="DE">Alemania</option>' in spanish and "Elija un país" in spanish
    arabic = client.get(FORM, headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<option value="EG">مصر</option>' in arabic
    assert 'value="XK"' not in arabic and 'value="EU"' not in arabic
    assert "<script" not in spanish


def test_sending_the_form_e_mails_a_link_in_the_language_of_the_page(client, published):
    page = client.post(FORM, data=form_data(), headers={"Accept-Language": "fr"})
    assert page.status_code == 200 and "48" in page.get_data(as_text=True)
    (message,) = mail_to("contacto@periodistas.example.org")
    assert message.language == "fr" and "/endorsements/verify/" in message.body_text
    assert "Confirmez" in message.subject


def test_a_form_with_fields_missing_names_them_and_stores_nothing(client, published):
    page = client.post(FORM, data=form_data(organisation_name="", consent=False, website="not a site"))
    body = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "This field is required." in body and "Agree to be listed publicly to endorse." in body
    assert "starting with http:// or https://" in body
    assert stored() == 0


def test_the_hidden_field_filled_in_looks_accepted_and_keeps_nothing(client, published):
    page = client.post(FORM, data=form_data() | {"nickname": "bot"})
    assert page.status_code == 200 and "Check your e-mail" in page.get_data(as_text=True)
    assert stored() == 0 and mail_to("contacto@periodistas.example.org") == []


def test_too_many_forms_from_one_address_are_refused(client, app, published, monkeypatch):
    monkeypatch.setitem(app.config, "ENDORSEMENT_ADDRESS_LIMIT", "2 per hour")
    for number in range(2):
        assert client.post(FORM, data=form_data(name=f"Org {number}")).status_code == 200
    refused = client.post(FORM, data=form_data(name="Org 3"))
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert stored() == 2


def test_verifying_and_withdrawing_by_links_without_script(client, published):
    client.post(FORM, data=form_data(), headers={"Accept-Language": "es"})
    (message,) = mail_to("contacto@periodistas.example.org")
    verify = re.search(r"/endorsements/verify/[\w-]+", message.body_text).group()
    confirm = client.get(verify)
    assert confirm.status_code == 200 and "<form" in confirm.get_data(as_text=True)
    assert client.post(verify).status_code == 200
    gone = client.post(verify)
    assert gone.status_code == 410 and "no longer works" in gone.get_data(as_text=True)
    confirmation = mail_to("contacto@periodistas.example.org")[-1]
    assert confirmation.language == "es"
    withdraw = re.search(r"/endorsements/withdraw/[\w-]+", confirmation.body_text).group()
    assert client.post(withdraw).status_code == 200
    assert client.get(withdraw).status_code == 410
    assert db.session.scalars(select(Endorsement.state)).one() == "withdrawn"


def test_the_secretariat_approves_and_rejects_from_its_queue(client, published):
    from principles_app.services import endorsements as endorsement_service

    first, first_token = endorsement_service.start_endorsement(
        published.publication, endorsement_fields("First Org"), "en"
    )
    second, second_token = endorsement_service.start_endorsement(
        published.publication, endorsement_fields("Second Org", email="second@example.org"), "ar"
    )
    endorsement_service.verify_endorsement(first_token)
    endorsement_service.verify_endorsement(second_token)
    db.session.commit()
    sign_in(client, make_user("secretariat"))
    queue = client.get("/endorsements/queue").get_data(as_text=True)
    assert "First Org" in queue and "Second Org" in queue and "second@example.org" in queue
    assert client.post(f"/endorsements/{first.id}/approve").status_code == 302
    assert client.post(f"/endorsements/{first.id}/approve").status_code == 409
    assert client.post(f"/endorsements/{second.id}/reject", data={"reason": ""}).status_code == 422
    assert client.post(f"/endorsements/{second.id}/reject", data={"reason": "لسنا متأكدين."}).status_code == 302
    assert mail_to("second@example.org")[-1].language == "ar"
    assert "لسنا متأكدين." in mail_to("second@example.org")[-1].body_text
    assert "No endorsement is waiting." in client.get("/endorsements/queue").get_data(as_text=True)
    assert client.post("/endorsements/999999/approve").status_code == 404


def test_the_public_page_groups_by_region_with_counts_newest_first(client, published):
    approved_endorsement(published.publication, "Older Americas Org")
    approved_endorsement(published.publication, "Newer Americas Org", email="n@example.org")
    approved_endorsement(published.publication, "Lagos Media", region="africa", country="NG", email="l@example.org")
    page = client.get("/principles/principles/").get_data(as_text=True)
    assert "3 organisations endorse these principles." in page
    assert "Africa (1)" in page and "Americas (2)" in page
    assert page.index("Africa (1)") < page.index("Americas (2)")
    assert page.index("Newer Americas Org") < page.index("Older Americas Org")
    assert "Nigeria" in page and "@example.org" not in page and "contacto@" not in page


def test_statements_are_plain_text_everywhere(client, published):
    approved_endorsement(published.publication, "<b>Bold</b> & Co", statement="We say 3 < 4 & mean it.")
    for path in ("/principles/principles/", "/principles/principles/1.0/endorsements", "/principles/feed.atom"):
        body = client.get(path).get_data(as_text=True)
        assert "<b>Bold</b>" not in body and "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in body, path


def test_the_label_page_stays_immutable_and_links_to_its_short_lived_endorsements(client, published):
    before = client.get("/principles/principles/1.0/")
    approved_endorsement(published.publication, "Lagos Media", region="africa", country="NG")
    after = client.get("/principles/principles/1.0/")
    assert after.headers["Cache-Control"] == IMMUTABLE and after.data == before.data
    assert "/principles/principles/1.0/endorsements" in after.get_data(as_text=True)
    listing = client.get("/principles/principles/1.0/endorsements")
    assert listing.status_code == 200 and listing.headers["Cache-Control"] == "public, max-age=60"
    assert "Lagos Media" in listing.get_data(as_text=True)


def test_a_later_publication_shows_earlier_endorsements_apart_and_invites_renewal(client, published):
    approved_endorsement(published.publication, "Lagos Media", region="africa", country="NG", email="l@example.org")
    withdrawn = approved_endorsement(published.publication, "Gone Org", email="gone@example.org")
    withdrawn.state = "withdrawn"
    db.session.commit()
    merge_amendment(published, "Principle title 2", "A better principle 2.", number=2)
    publish(published, "2.0", adopt(published))
    (invitation,) = mail_to("l@example.org")[-1:]
    assert invitation.event == "endorsement_renew" and "/principles/principles/2.0/endorse" in invitation.body_text
    assert "version 1.0" in invitation.body_text and "Version 2.0" in invitation.subject
    assert [m.event for m in mail_to("gone@example.org")].count("endorsement_renew") == 0
    page = client.get("/principles/principles/").get_data(as_text=True)
    assert "No organisation has endorsed this version yet." in page
    assert "Endorsements of earlier versions" in page and "Lagos Media" in page
    assert "endorse this version too" in page
    older = client.get("/principles/principles/1.0/endorsements").get_data(as_text=True)
    assert "A later version, 2.0, has been published." in older
    assert client.get("/api/v1/publications/principles/2.0/endorsements").get_json()["count"] == 0


def read_csv(client, path="/principles/principles/1.0/endorsements.csv") -> list[list[str]]:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_the_csv_neutralises_every_cell_a_spreadsheet_would_run(client, published, start):
    approved_endorsement(
        published.publication,
        f'{start}HYPERLINK("http://evil.example","click")',
        statement=f"{start}1+2 we agree",
    )
    header, row = read_csv(client)
    assert header == ["organisation_name", "country", "region", "website", "statement", "approved_at"]
    assert row[0] == f'\'{start}HYPERLINK("http://evil.example","click")'
    assert row[4] == f"'{start}1+2 we agree"


def test_the_csv_lists_approved_endorsements_only_and_never_an_address(client, published):
    approved_endorsement(published.publication, "Listed Org", statement='Quotes " and, commas\nand lines')
    from principles_app.services import endorsements as endorsement_service

    endorsement_service.start_endorsement(published.publication, endorsement_fields("Pending Org"), "en")
    db.session.commit()
    rows = read_csv(client)
    assert [row[0] for row in rows[1:]] == ["Listed Org"]
    assert rows[1][4] == 'Quotes " and, commas\nand lines'
    body = client.get("/principles/principles/1.0/endorsements.csv").get_data(as_text=True)
    assert "@" not in body.replace("'@", "")  # no contact address anywhere


def test_unknown_pages_are_404_never_500(client, published):
    for path in (
        "/principles/principles/9.9/endorse",
        "/principles/nothing/1.0/endorsements",
        "/principles/principles/9.9/endorsements.csv",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get("/endorsements/verify/" + "\u00e9" * 30).status_code == 410
    assert client.post("/endorsements/withdraw/short").status_code == 410
