"""The editorial procedure in the browser: the agenda, putting to the vote, the consolidated text, batch merge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.services import amendments as amendment_service
from principles_app.services import recommendations
from principles_app.services import rounds as round_service
from tests.factories import draft_in_round, make_user, propose, sign_in, token_for

LISTEN_EARLY = "Partners listen to each other early, before they decide anything together."
LISTEN_ALL = "Partners listen to each other before they decide anything all together."


def signed_in(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


@pytest.fixture
def scene(app):
    document = draft_in_round()
    return {
        "document": document,
        "secretariat": make_user("secretariat"),
        "proposer": make_user("member"),
        "other": make_user("member"),
    }


def test_the_agenda_links_each_amendment_to_the_motion_form_prefilled(app, scene):
    document, secretariat = scene["document"], scene["secretariat"]
    waiting = propose(scene["proposer"], document, number=1)
    accepted = propose(scene["proposer"], document, number=2, text="Every organisation is credited for its work.")
    recommendations.recommend(secretariat, accepted, "accept", "Good.")
    voting = round_service.create_round(secretariat, document, "voting", "Vote", utcnow() + timedelta(days=3))
    db.session.commit()
    client = signed_in(app, secretariat)
    agenda = client.get(f"/documents/{document.slug}/amendments/?needs_vote=true").get_data(as_text=True)
    link = f"/rounds/{voting.id}/?amendment_id={waiting.id}#put-motion"
    assert link in agenda and "Put to the vote" in agenda
    assert f'href="/amendments/{accepted.id}"' not in agenda
    form = client.get(link.split("#")[0]).get_data(as_text=True)
    assert f'<option selected value="{waiting.id}">' in form or f'value="{waiting.id}" selected' in form
    # Members see the agenda but no motion form link.
    member_view = signed_in(app, scene["other"]).get(f"/documents/{document.slug}/amendments/?needs_vote=true")
    assert f'href="/amendments/{waiting.id}"' in member_view.get_data(as_text=True)
    assert "Put to the vote" not in member_view.get_data(as_text=True)


def test_the_page_says_when_a_recommendation_was_made_on_an_older_text(app, scene):
    document, secretariat = scene["document"], scene["secretariat"]
    early = propose(scene["proposer"], document, number=1, text=LISTEN_EARLY)
    together = propose(scene["other"], document, number=1, text=LISTEN_ALL)
    recommendations.recommend(secretariat, early, "accept", "Better.")
    amendment_service.merge_amendment(secretariat, together)
    db.session.commit()
    client = signed_in(app, scene["proposer"])
    page = client.get(f"/amendments/{early.id}").get_data(as_text=True)
    assert "This recommendation was made on an older text" in page
    listing = client.get(f"/documents/{document.slug}/amendments/").get_data(as_text=True)
    assert "made on an older text of this amendment" in listing


def test_the_consolidated_page_shows_the_redline_with_lines_and_what_would_not_apply(app, scene):
    document, secretariat, other = scene["document"], scene["secretariat"], scene["other"]
    early = propose(scene["proposer"], document, number=1, text=LISTEN_EARLY)
    clash = propose(other, document, number=1, text="Partners listen to each other early and often.")
    recommendations.recommend(secretariat, early, "accept", "Good.")
    recommendations.recommend(secretariat, clash, "accept", "Also good.")
    db.session.commit()
    page = signed_in(app, other).get(f"/documents/{document.slug}/consolidated")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Would not apply cleanly" in html and f'href="/amendments/{clash.id}"' in html
    assert "Working draft, line" in html and "<ins" in html and "early," in html
    assert "An amendment merged before it changes the same words of the principle." in html


def test_the_secretariat_merges_a_batch_from_the_list_and_a_bad_batch_changes_nothing(app, scene):
    document, secretariat = scene["document"], scene["secretariat"]
    early = propose(scene["proposer"], document, number=1, text=LISTEN_EARLY)
    together = propose(scene["other"], document, number=1, text=LISTEN_ALL)
    recommendations.recommend(secretariat, early, "accept", "Good.")
    recommendations.recommend(secretariat, together, "accept", "Good.")
    db.session.commit()
    client = signed_in(app, secretariat)
    listing = client.get(f"/documents/{document.slug}/amendments/").get_data(as_text=True)
    assert f'value="{early.id}, {together.id}"' in listing
    for bad in ("12, x", f"{early.id}, {early.id}", "999999"):
        refused = client.post(f"/documents/{document.slug}/merge", data={"amendment_ids": bad})
        assert refused.status_code == 422, bad
        assert 'name="amendment_ids"' in refused.get_data(as_text=True)
    assert document.current_version == 1
    merged = client.post(f"/documents/{document.slug}/merge", data={"amendment_ids": f"{early.id}, {together.id}"})
    assert merged.status_code == 302
    follow = client.get(merged.headers["Location"]).get_data(as_text=True)
    assert "Merged 2 amendments as version 2" in follow


def _count_queries(client, url: str, headers=None) -> int:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200, url
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_procedure_filters_and_the_consolidated_text_use_as_many_queries_for_many_amendments_as_for_few(app, scene):
    document, secretariat = scene["document"], scene["secretariat"]
    proposers = [scene["proposer"], scene["other"], make_user("member")]
    round_service.create_round(secretariat, document, "voting", "Vote", utcnow() + timedelta(days=3))
    client = signed_in(app, secretariat)
    api = {"Authorization": f"Bearer {token_for(secretariat)}"}
    app.test_client().get("/api/v1/me", headers=api)  # a token's use is recorded once per sessions.TOUCH_EVERY
    slug = document.slug
    urls = [
        (client, f"/documents/{slug}/amendments/?needs_vote=true", None),
        (client, f"/documents/{slug}/amendments/?procedure=accept&answer=agree", None),
        (client, f"/documents/{slug}/consolidated", None),
        (app.test_client(), f"/api/v1/documents/{slug}/amendments?needs_vote=true", api),
        (app.test_client(), f"/api/v1/documents/{slug}/amendments?procedure=accept", api),
        (app.test_client(), f"/api/v1/documents/{slug}/consolidated", api),
    ]

    def add(n: int) -> None:
        proposer = proposers[n % 3]
        amendment = propose(proposer, document, number=1 + n % 3, text=f"Amended text number {n} of this principle.")
        procedure = ("accept", "vote", "reject", None)[n % 4]
        if procedure:
            recommendations.recommend(secretariat, amendment, procedure, "Because.")
            if procedure == "reject":
                recommendations.answer(proposer, amendment, n % 8 == 2)
        db.session.commit()

    for n in range(4):
        add(n)
    few = [_count_queries(c, url, headers) for c, url, headers in urls]
    for n in range(4, 24):
        add(n)
    many = [_count_queries(c, url, headers) for c, url, headers in urls]
    assert many == few
