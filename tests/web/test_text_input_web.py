"""HTML forms refuse text the platform could not serve, with a message by the field, and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import Comment, Document, Organisation, PrincipleTranslation, User
from tests.factories import make_document, make_organisation, make_user, principle, sign_in

MESSAGES = ("control character", "direction override", "one line")


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Organisation, User, Document, Comment, PrincipleTranslation)
    )


def _refused(response) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 422, response.status_code
    assert 'aria-invalid="true"' in page
    assert any(message in page for message in MESSAGES), page


@pytest.mark.parametrize("name", ["Levant\x07Voices", "Levant \u202esecioV", "Levant\nVoices"])
def test_the_organisation_form_refuses_a_name_the_platform_could_not_serve(client, name):
    sign_in(client, make_user("secretariat"))
    before = _counts()
    _refused(
        client.post(
            "/admin/organisations/new", data={"name": name, "region": "mena", "category": "member", "vote_weight": "1"}
        )
    )
    assert _counts() == before


def test_the_user_form_refuses_a_name_with_a_control_character(client):
    secretariat = make_user("secretariat")
    organisation = make_organisation("Sahel Voices")
    sign_in(client, secretariat)
    before = _counts()
    _refused(
        client.post(
            "/admin/invitations/new",
            data={
                "email": "new@example.org",
                "name": "New\x1bName",
                "role": "member",
                "organisation_id": str(organisation.id),
                "language": "en",
            },
        )
    )
    assert _counts() == before


@pytest.mark.parametrize(
    "field,value", [("title", "Charter\x85"), ("preamble", "We \u2066agree"), ("principles", "## One\n\nText\x0c one.")]
)
def test_the_document_form_refuses_control_characters_and_overrides(client, field, value):
    sign_in(client, make_user("secretariat"))
    data = {"slug": "new-one", "title": "New one", "preamble": "", "principles": "## One\n\nText one."}
    before = _counts()
    _refused(client.post("/documents/new", data={**data, field: value}))
    assert _counts() == before


def test_a_comment_with_a_direction_override_is_refused(client, app):
    document = make_document(actor=make_user("secretariat"))
    sign_in(client, make_user("member"))
    before = _counts()
    response = client.post(f"/threads/principle/{principle(document, 1).id}", data={"body": "Fine \u202e.txt.exe"})
    assert response.status_code == 422
    assert "direction override" in response.get_data(as_text=True)
    assert _counts() == before


def test_a_translation_with_a_control_character_is_refused(client):
    document = make_document(actor=make_user("secretariat"))
    sign_in(client, make_user("member"))
    before = _counts()
    _refused(
        client.post(
            f"/principles/{principle(document, 1).id}/translations/fr/edit",
            data={"title": "Titre", "text": "Texte\x02.", "source_version": "1"},
        )
    )
    assert _counts() == before


def test_paragraph_fields_keep_tabs_and_line_breaks(client):
    sign_in(client, make_user("secretariat"))
    response = client.post(
        "/documents/new",
        data={
            "slug": "tabs",
            "title": "Tabs 🌍",
            "preamble": "One\tTab.\r\nSecond line.",
            "principles": "## One\n\nText\twith a tab 👩🏽\u200d💻 نلتزم.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.mark.parametrize(
    "zone,when",
    [
        ("Pacific/Pago_Pago", "9999-12-31T23:59"),
        ("Pacific/Kiritimati", "0001-01-01T00:00"),
        ("UTC", "9999-12-31T23:59"),
    ],
)
def test_a_round_closing_at_the_edge_of_the_calendar_is_a_form_message(client, zone, when):
    from principles_app.models import Round

    secretariat = make_user("secretariat")
    secretariat.time_zone = zone
    db.session.commit()
    document = make_document(actor=secretariat)
    sign_in(client, secretariat)
    response = client.post(
        f"/documents/{document.slug}/rounds/",
        data={"kind": "amendments", "title": "Edge", "closes_at": when, "majority": "simple", "secrecy": "named"},
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Round)) == 0
