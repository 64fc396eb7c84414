"""A refused API body names each field with a message in the caller's language."""

from __future__ import annotations

import pytest

from principles_app.extensions import db
from principles_app.models import Organisation
from tests.factories import auth_header, make_user, token_for

BAD_ORGANISATION = {"name": "", "region": "atlantis", "category": "member", "vote_weight": "1.23456", "colour": "blue"}


def refused_fields(client, language: str) -> dict[str, str]:
    secretariat = make_user("secretariat")
    secretariat.language = language
    db.session.commit()
    response = client.post("/api/v1/organisations", json=BAD_ORGANISATION, headers=auth_header(token_for(secretariat)))
    assert response.status_code == 422
    assert db.session.query(Organisation).filter_by(category="member").count() == 0
    return response.get_json()["error"]["fields"]


def test_each_refused_field_is_explained_in_english(client):
    fields = refused_fields(client, "en")
    assert fields["name"] == "This field cannot be empty."
    assert fields["region"].startswith("Give one of: 'africa', 'americas'")
    assert " or " not in fields["region"]
    assert fields["vote_weight"] == "Give at most 4 decimal places and less than 100000000."
    assert fields["colour"] == "This field is not accepted here."


@pytest.mark.parametrize(
    ("language", "name", "weight", "unknown"),
    [
        ("es", "Este campo no puede estar vacío.", "Indique como máximo 4 decimales", "Este campo no se acepta aquí."),
        ("fr", "Ce champ ne peut pas être vide.", "Indiquez au plus 4 décimales", "Ce champ n’est pas accepté ici."),
        ("ar", "لا يمكن ترك هذا الحقل فارغًا.", "أدخل 4 منازل عشرية", "هذا الحقل غير مقبول هنا."),
    ],
)
def test_each_refused_field_is_explained_in_the_callers_language(client, language, name, weight, unknown):
    fields = refused_fields(client, language)
    assert fields["name"] == name
    assert fields["vote_weight"].startswith(weight)
    assert fields["colour"] == unknown
    assert "Input should" not in " ".join(fields.values())


def test_a_missing_field_is_named_as_required(client):
    secretariat = make_user("secretariat")
    secretariat.language = "es"
    db.session.commit()
    response = client.post("/api/v1/organisations", json={"name": "X"}, headers=auth_header(token_for(secretariat)))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["region"] == "Este campo es obligatorio."
