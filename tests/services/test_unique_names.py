"""Two organisations or accounts that read the same cannot both be stored, even when created at the same moment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from principles_app.extensions import db
from principles_app.models import Organisation, Role
from principles_app.services import organisations as org_service
from principles_app.services.errors import Conflict
from tests.factories import make_organisation


def test_a_creation_that_lost_the_race_is_a_409_and_leaves_the_winner(app, monkeypatch):
    make_organisation("Maghreb Media Monitor", region="mena")
    # The second writer checked before the first committed: only the unique key stops it.
    monkeypatch.setattr(org_service, "_check_name_free", lambda name, keep=None: None)
    with pytest.raises(Conflict) as refusal:
        org_service.create_organisation(
            None, name="Мaghreb Media Monitor", region="mena", category="member", vote_weight=Decimal("1")
        )
    assert "name" in refusal.value.fields
    db.session.rollback()
    assert [o.name for o in db.session.query(Organisation).all()] == ["Maghreb Media Monitor"]


def test_an_account_that_lost_the_race_is_a_409(app, monkeypatch):
    organisation = make_organisation("Sahel Voices")
    org_service.create_user(
        None,
        email="amina@sahel.example.org",
        name="Amina",
        password="long enough pw",
        role=Role.MEMBER,
        organisation=organisation,
    )
    db.session.commit()
    monkeypatch.setattr(org_service, "select", _never_found(org_service.select))
    with pytest.raises(Conflict):
        org_service.create_user(
            None,
            email="amina\u200b@sahel.example.org",
            name="Amina again",
            password="long enough pw",
            role=Role.MEMBER,
            organisation=organisation,
        )


def _never_found(select):
    """Return a select() whose user look-up finds nobody, as a writer racing the first one would."""
    from principles_app.models import User

    def racing_select(*entities):
        statement = select(*entities)
        if entities and getattr(entities[0], "class_", None) is User:
            return statement.where(False)
        return statement

    return racing_select
