"""Long lists come 50 to a page, with links to the others; a page that does not exist is a 404."""

from __future__ import annotations

import re

import pytest

from principles_app.extensions import db
from principles_app.services import audit
from tests.factories import make_document, make_user, open_amendments_round, propose, sign_in


def _rows(html: str) -> int:
    return len(re.findall(r"<tr><td>", html))


def test_the_audit_log_pages_newest_first(client):
    secretariat = make_user("secretariat")
    for n in range(120):
        audit.record("test.entry", "thing", n, {"n": n}, secretariat)
    db.session.commit()
    sign_in(client, secretariat)
    first = client.get("/admin/audit").get_data(as_text=True)
    assert _rows(first) == 50 and "Page 1 of 3" in first and 'rel="next" href="/admin/audit?page=2"' in first
    assert 'rel="prev"' not in first
    # The newest entry leads the first page; the oldest closes the last.
    newest = max(entry.seq for entry in db.session.query(audit.AuditEntry))
    assert first.index(f"<tr><td>{newest}</td>") > 0
    last = client.get("/admin/audit?page=3").get_data(as_text=True)
    assert "Page 3 of 3" in last and 'rel="prev" href="/admin/audit?page=2"' in last and 'rel="next"' not in last
    assert _rows(first) + _rows(client.get("/admin/audit?page=2").get_data(as_text=True)) + _rows(last) == (
        db.session.query(audit.AuditEntry).count()
    )


@pytest.mark.parametrize("page", ["4", "0", "-1", "two", "1.5", "9999999"])
def test_a_page_past_the_end_or_not_a_number_is_not_found(client, page):
    secretariat = make_user("secretariat")
    for n in range(60):
        audit.record("test.entry", "thing", n, {}, secretariat)
    db.session.commit()
    sign_in(client, secretariat)
    assert client.get(f"/admin/audit?page={page}").status_code == 404


def test_the_users_list_pages_and_a_short_list_has_no_page_links(client):
    secretariat = make_user("secretariat")
    sign_in(client, secretariat)
    assert "Page 1 of" not in client.get("/admin/users").get_data(as_text=True)
    for _ in range(55):
        make_user("observer")
    db.session.commit()
    first = client.get("/admin/users").get_data(as_text=True)
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert client.get("/admin/organisations").status_code == 200


def test_the_amendment_list_pages_and_keeps_its_filters(client):
    document = make_document()
    open_amendments_round(document)
    proposers = [make_user("member") for _ in range(6)]
    for n in range(53):
        propose(proposers[n % 6], document, kind="insert", title=f"New principle {n}", text=f"Inserted {n}.")
    sign_in(client, make_user("member"))
    first = client.get(f"/documents/{document.slug}/amendments/?status=open").get_data(as_text=True)
    assert "Page 1 of 2" in first and "“New principle 0”" in first and "“New principle 52”" not in first
    assert f'href="/documents/{document.slug}/amendments/?status=open&amp;page=2"' in first
    second = client.get(f"/documents/{document.slug}/amendments/?status=open&page=2").get_data(as_text=True)
    assert "“New principle 52”" in second and "“New principle 0”" not in second
