"""Each test's data is its own: rolled back with the test, unless the test is marked committed."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import Organisation
from tests.factories import make_organisation, make_user, sign_in


def organisations_seen_from_another_connection() -> int:
    """Count the organisations a fresh connection of the pool sees."""
    with db.engine.connect() as other:
        return other.execute(select(func.count(Organisation.id))).scalar_one()


def test_what_a_test_commits_is_seen_by_its_requests_and_by_no_other_connection(client):
    user = make_user("secretariat")
    assert sign_in(client, user).status_code == 302
    assert client.get("/account").status_code == 200
    assert db.session.scalar(select(func.count(Organisation.id))) == 1
    assert organisations_seen_from_another_connection() == 0


@pytest.mark.committed
def test_what_a_committed_test_commits_is_seen_by_other_connections(app):
    make_organisation()
    assert organisations_seen_from_another_connection() == 1


def test_another_thread_may_not_use_the_tests_connection(app):
    refusals: list[RuntimeError] = []

    def read() -> None:
        with app.app_context():
            try:
                db.session.scalar(select(func.count(Organisation.id)))
            except RuntimeError as refusal:
                refusals.append(refusal)

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(timeout=10)
    assert len(refusals) == 1 and "pytest.mark.committed" in str(refusals[0])
