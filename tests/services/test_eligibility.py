"""Who may vote is one rule: the query that freezes an electorate selects exactly whom the rule admits."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from principles_app.domain.organisations import Category
from principles_app.extensions import db
from principles_app.models import Organisation
from tests.factories import make_organisation


def test_the_sql_filter_and_the_predicate_admit_the_same_organisations(app):
    for category, active, weight in itertools.product(Category, (True, False), ("0", "0.0001", "2.5")):
        make_organisation(category=category.value, active=active, weight=weight)
    organisations = db.session.execute(select(Organisation)).scalars().all()
    by_rule = {o.id for o in organisations if o.eligible_to_vote}
    by_query = set(db.session.execute(select(Organisation.id).where(Organisation.eligible_to_vote)).scalars())
    assert by_query == by_rule
    # Only the active member organisations with weight: two weights above zero.
    assert len(by_rule) == 2
    assert all(
        o.category is Category.MEMBER and o.active and o.vote_weight > 0 for o in organisations if o.id in by_rule
    )
