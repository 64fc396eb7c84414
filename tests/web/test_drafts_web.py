"""The draft, amendment, version and round pages work in a browser without JavaScript."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import Amendment, AmendmentCosponsor, Round
from tests.factories import make_document, make_user, open_amendments_round, principle, propose, sign_in, token_for

TEXT = (
    "Partners listen to each other before they decide anything together. "
    "They meet in every region and they share what they learn with everyone in the network."
)


@pytest.fixture
def document(app):
    app.config["LINE_WIDTH"] = 40
    found = make_document(
        principles=[{"title": "Listen", "text": TEXT}, {"title": "Credit", "text": "Every organisation is credited."}]
    )
    open_amendments_round(found)
    return found


def signed_in(app, role="member", **kwargs):
    user = make_user(role, **kwargs)
    client = app.test_client()
    sign_in(client, user)
    return user, client


def test_drafts_are_for_signed_in_users_only(client, document):
    response = client.get(f"/documents/{document.slug}/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_draft_page_numbers_lines_and_lists_open_amendments_with_their_lines(app, document):
    member, client = signed_in(app)
    propose(member, document, text=TEXT.replace("everyone", "all partners"))
    page = client.get(f"/documents/{document.slug}/").get_data(as_text=True)
    assert '<ol class="numbered-lines"' in page
    assert '<span class="line-number">3</span>' in page
    assert "1 open amendment" in page
    assert "Principle 1, line" in page
    assert member.organisation.name in page


def test_the_home_page_lists_documents_for_signed_in_users(app, client, document):
    assert document.title not in client.get("/").get_data(as_text=True)
    _user, member_client = signed_in(app)
    assert document.title in member_client.get("/").get_data(as_text=True)


def test_a_member_proposes_in_a_prefilled_form_and_reads_the_redline(app, document):
    member, client = signed_in(app)
    target = principle(document, 1)
    form = client.get(f"/documents/{document.slug}/amendments/new?principle={target.id}&kind=modify")
    assert form.status_code == 200 and TEXT in form.get_data(as_text=True)
    response = client.post(
        f"/documents/{document.slug}/amendments/new?principle={target.id}&kind=modify",
        data={
            "kind": "modify",
            "principle_id": str(target.id),
            "after_principle_id": str(target.id),
            "title": "Listen",
            "text": TEXT.replace("listen to", "really listen to"),
            "rationale": "It matters.",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<ins><span class="visually-hidden">inserted: </span>really </ins>' in page
    assert "Principle 1, line 1" in page and "It matters." in page


def test_a_bad_proposal_re_renders_the_form_with_the_problem_and_changes_nothing(app, document):
    member, client = signed_in(app)
    target = principle(document, 1)
    response = client.post(
        f"/documents/{document.slug}/amendments/new?principle={target.id}",
        data={"kind": "modify", "principle_id": str(target.id), "title": "Listen", "text": TEXT, "rationale": "Same."},
    )
    assert response.status_code == 422
    assert "identical" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Amendment.id))) == 0


def test_an_insert_and_a_delete_can_be_proposed_from_the_browser(app, document):
    member, client = signed_in(app)
    target = principle(document, 1)
    inserted = client.post(
        f"/documents/{document.slug}/amendments/new",
        data={
            "kind": "insert",
            "after_principle_id": str(target.id),
            "title": "Be patient",
            "text": "It takes time.",
            "rationale": "Missing.",
        },
    )
    assert inserted.status_code == 302
    deleted = client.post(
        f"/documents/{document.slug}/amendments/new?principle={target.id}&kind=delete",
        data={"kind": "delete", "principle_id": str(target.id), "rationale": "Redundant."},
    )
    assert deleted.status_code == 302
    kinds = sorted(db.session.scalars(select(Amendment.kind)))
    assert kinds == ["delete", "insert"]


def test_a_new_principles_title_is_quoted_in_the_list_as_the_readers_language_quotes_it(app, document):
    member, client = signed_in(app)
    propose(member, document, kind="insert", title="Be <b>patient</b>", text="It takes time.")
    db.session.commit()
    listing = client.get(f"/documents/{document.slug}/amendments/").get_data(as_text=True)
    assert "“Be &lt;b&gt;patient&lt;/b&gt;”" in listing
    member.language = "fr"
    db.session.commit()
    listing = client.get(f"/documents/{document.slug}/amendments/").get_data(as_text=True)
    assert "« Be &lt;b&gt;patient&lt;/b&gt; »" in listing


def test_observers_cannot_open_the_propose_form(app, document):
    _observer, client = signed_in(app, "observer")
    assert client.get(f"/documents/{document.slug}/amendments/new").status_code == 403


def test_competing_amendments_link_to_each_other(app, document):
    member, client = signed_in(app)
    other = make_user("member", region="mena")
    first = propose(member, document, text=TEXT.replace("listen to", "really listen to"))
    second = propose(other, document, text=TEXT.replace("listen to", "hear"))
    first_page = client.get(f"/amendments/{first.id}").get_data(as_text=True)
    second_page = client.get(f"/amendments/{second.id}").get_data(as_text=True)
    assert f'href="/amendments/{second.id}"' in first_page and "Competing amendments" in first_page
    assert f'href="/amendments/{first.id}"' in second_page


def test_the_proposer_revises_and_withdraws_and_another_organisation_co_sponsors(app, document):
    member, client = signed_in(app)
    amendment = propose(member, document, text=TEXT.replace("listen to", "really listen to"))
    revised = client.post(
        f"/amendments/{amendment.id}/revise",
        data={"title": "Listen", "text": TEXT.replace("listen to", "truly listen to"), "rationale": "Better word."},
    )
    assert revised.status_code == 302
    other, other_client = signed_in(app, region="americas")
    assert other_client.get(f"/amendments/{amendment.id}/revise").status_code == 403
    assert other_client.post(f"/amendments/{amendment.id}/withdraw").status_code == 403
    assert other_client.post(f"/amendments/{amendment.id}/cosponsor").status_code == 302
    assert other_client.post(f"/amendments/{amendment.id}/cosponsor").status_code == 409
    assert db.session.scalar(select(func.count(AmendmentCosponsor.id))) == 1
    assert client.post(f"/amendments/{amendment.id}/withdraw").status_code == 302
    db.session.expire_all()
    amendment = db.session.get(Amendment, amendment.id)
    assert amendment.status == "withdrawn"
    assert [r.reason for r in amendment.revisions] == ["proposed", "revised"]


def test_the_secretariat_merges_from_the_amendment_page_and_compares_versions(app, document):
    member = make_user("member")
    amendment = propose(member, document, text=TEXT.replace("listen to", "really listen to"))
    _staff, client = signed_in(app, "secretariat")
    page = client.get(f"/amendments/{amendment.id}").get_data(as_text=True)
    assert "Merge into the working draft" in page
    assert client.post(f"/amendments/{amendment.id}/merge").status_code == 302
    history = client.get(f"/documents/{document.slug}/versions/").get_data(as_text=True)
    assert "Version 2" in history and f"/amendments/{amendment.id}" in history
    redline = client.get(f"/documents/{document.slug}/compare/1/2/").get_data(as_text=True)
    assert "really </ins>" in redline
    assert client.get(f"/documents/{document.slug}/compare/1/9/").status_code == 404
    assert client.get(f"/documents/{document.slug}/versions/?a=1&b=2").status_code == 302
    assert client.post(f"/amendments/{amendment.id}/merge").status_code == 409


def test_members_cannot_merge_or_reject(app, document):
    member, client = signed_in(app)
    amendment = propose(member, document)
    assert client.post(f"/amendments/{amendment.id}/merge").status_code == 403
    assert client.post(f"/amendments/{amendment.id}/reject").status_code == 403


def test_the_secretariat_schedules_opens_extends_and_closes_a_round(app):
    document = make_document(slug="rounds-web")
    _staff, client = signed_in(app, "secretariat")
    closes = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    created = client.post(
        f"/documents/{document.slug}/rounds/",
        data={"kind": "amendments", "title": "First reading", "closes_at": closes},
    )
    assert created.status_code == 302
    found = db.session.scalars(select(Round)).one()
    assert client.post(f"/rounds/{found.id}/open").status_code == 302
    later = (utcnow() + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"/rounds/{found.id}/extend", data={f"r{found.id}-closes_at": later}).status_code == 302
    assert client.post(f"/rounds/{found.id}/close").status_code == 302
    assert client.post(f"/rounds/{found.id}/open").status_code == 409
    db.session.expire_all()
    assert db.session.get(Round, found.id).state == "closed"
    _member, member_client = signed_in(app)
    assert member_client.post(f"/rounds/{found.id}/close").status_code == 403


def test_the_secretariat_creates_a_document_in_the_browser(app):
    _staff, client = signed_in(app, "secretariat")
    response = client.post(
        "/documents/new",
        data={
            "slug": "web-doc",
            "title": "Web document",
            "preamble": "",
            "principles": "## One\nFirst text.\n\n## Two\nSecond text.\n",
        },
    )
    assert response.status_code == 302
    page = client.get("/documents/web-doc/").get_data(as_text=True)
    assert "Principle 2" in page and "Second text." in page


def _count_queries(client, url: str, headers=None) -> int:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url, headers=headers or {}).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_draft_page_and_amendment_list_use_as_many_queries_for_many_amendments_as_for_few(app, document):
    proposers = [make_user("member") for _ in range(3)]
    _user, client = signed_in(app)
    for n in range(2):
        propose(proposers[n], document, text=TEXT.replace("everyone", f"everyone {n}"))
    propose(proposers[2], document, kind="insert", title="New 0", text="Inserted 0.")
    few = (
        _count_queries(client, f"/documents/{document.slug}/"),
        _count_queries(client, f"/documents/{document.slug}/amendments/"),
    )
    propose(proposers[2], document, kind="insert", title="New 1", text="Inserted 1.")
    api = {"Authorization": f"Bearer {token_for(proposers[0])}"}
    app.test_client().get("/api/v1/me", headers=api)  # a token's use is recorded once per sessions.TOUCH_EVERY
    few += (_count_queries(app.test_client(), f"/api/v1/documents/{document.slug}/amendments", api),)
    for n in range(2, 20):
        propose(
            proposers[n % 3],
            document,
            number=1 + n % 2,
            text=(TEXT if n % 2 == 0 else "Every organisation is credited.").replace(".", f" {n}.", 1),
        )
        if n % 5 == 0:
            propose(
                proposers[n % 3], document, number=1 + n % 2, kind="insert", title=f"New {n}", text=f"Inserted {n}."
            )
    many = (
        _count_queries(client, f"/documents/{document.slug}/"),
        _count_queries(client, f"/documents/{document.slug}/amendments/"),
        _count_queries(app.test_client(), f"/api/v1/documents/{document.slug}/amendments", api),
    )
    assert many == few
