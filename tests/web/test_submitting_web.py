"""Every form page treats a refusal alike: the input stays, the reason stands where it applies, nothing is written."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import HiddenField, StringField
from wtforms.validators import Length

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import Amendment, Ballot, Category, Document, Organisation, Region, Round
from principles_app.services import closing, motions
from principles_app.services import rounds as round_service
from principles_app.services.errors import Conflict, ValidationFailed
from principles_app.web.submitting import refuse, submit
from tests.factories import make_document, make_scene, make_user, principle, sign_in, voting_round


def signed_in(app, role="member"):
    user = make_user(role)
    client = app.test_client()
    sign_in(client, user)
    return user, client


def field_error(html: str, field_id: str) -> str:
    """Return the text of the error shown beside a field ('' when there is none)."""
    found = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    return found.group(1).strip() if found else ""


def summary(html: str) -> str:
    """Return the text of the error summary at the top of the form ('' when there is none)."""
    found = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip() if found else ""


class _Form(FlaskForm):
    title = StringField()
    token = HiddenField()


@pytest.mark.parametrize(
    ("refusal", "beside_title", "at_top"),
    [
        (ValidationFailed(fields={"title": "Give a title."}), ["Give a title."], []),
        (ValidationFailed(fields={"principles.2.title": "Too long."}), [], ["Too long."]),
        (ValidationFailed(fields={"token": "Stale."}), [], ["Stale."]),
        (Conflict("Taken already.", fields={"title": "Choose another."}), ["Choose another."], ["Taken already."]),
        (Conflict("Taken already."), [], ["Taken already."]),
    ],
    ids=["named-field", "unknown-field", "hidden-field", "message-and-field", "message-only"],
)
def test_a_refusal_goes_beside_the_field_it_names_and_the_rest_to_the_top_of_the_form(
    app, refusal, beside_title, at_top
):
    with app.test_request_context(method="POST", data={"title": "Mine"}):
        form = _Form()
        form.validate()
        refuse(form, refusal)
        assert list(form.title.errors) == beside_title
        assert form.form_errors == at_top
        assert form.title.data == "Mine"


def test_a_refused_submission_is_rolled_back_and_reports_the_refusals_status(app):
    with app.test_request_context(method="POST", data={"title": "Mine"}):
        form = _Form()

        def write_then_refuse():
            db.session.add(Organisation(name="Half written", region=list(Region)[0], category=list(Category)[0]))
            db.session.flush()
            raise Conflict("No.")

        outcome = submit(form, write_then_refuse)
        assert (outcome.succeeded, outcome.status, form.form_errors) == (False, 409, ["No."])
        assert (
            db.session.scalar(select(func.count()).select_from(Organisation).where(Organisation.name == "Half written"))
            == 0
        )


def test_a_form_not_yet_sent_is_shown_with_200_and_invalid_input_with_422(app):
    with app.test_request_context(method="GET"):
        assert submit(_Form(), lambda: pytest.fail("nothing is called")).status == 200

    class Needing(FlaskForm):
        title = StringField(validators=[Length(min=5, message="Say more.")])

    with app.test_request_context(method="POST", data={"title": "x"}):
        form = Needing()
        outcome = submit(form, lambda: pytest.fail("nothing is called"))
        assert outcome.status == 422 and list(form.title.errors) == ["Say more."]


def test_a_taken_slug_keeps_the_typed_document_and_says_why_beside_the_slug(app):
    make_document(slug="taken")
    _staff, client = signed_in(app, "secretariat")
    response = client.post(
        "/documents/new",
        data={
            "slug": "taken",
            "title": "My second charter",
            "preamble": "Kept as typed.",
            "principles": "## One\nFirst text.\n",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert field_error(html, "slug") == "Already taken."
    assert "A document with this slug exists already." in summary(html)
    assert 'value="My second charter"' in html and "Kept as typed." in html
    assert db.session.scalar(select(func.count(Document.id))) == 1


def test_a_bad_principle_is_marked_on_the_principles_field(app):
    _staff, client = signed_in(app, "secretariat")
    response = client.post(
        "/documents/new",
        data={
            "slug": "long-title",
            "title": "Charter",
            "preamble": "",
            "principles": "## " + "Long " * 60 + "\nText.\n",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "principles") == "A title is one line of at most 200 characters."
    assert db.session.scalar(select(func.count(Document.id))) == 0


def test_a_proposal_outside_an_amendments_round_shows_why_at_the_top_and_keeps_the_rationale(app):
    document = make_document()
    member, client = signed_in(app)
    target = principle(document, 1)
    response = client.post(
        f"/documents/{document.slug}/amendments/new?principle={target.id}",
        data={
            "kind": "modify",
            "principle_id": str(target.id),
            "title": target.title,
            "text": "Listen carefully.",
            "rationale": "My careful reason.",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "only while an amendments round is open" in summary(html)
    assert "My careful reason." in html
    assert db.session.scalar(select(func.count(Amendment.id))) == 0


def test_an_earlier_closing_time_is_refused_beside_the_rounds_extend_field(app):
    document = make_document(slug="extend-web")
    created = round_service.create_round(None, document, "amendments", "Reading", utcnow() + timedelta(days=5))
    closing.open_round(None, created)
    db.session.commit()
    closes_at = created.closes_at
    _staff, client = signed_in(app, "secretariat")
    earlier = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/rounds/{created.id}/extend", data={f"r{created.id}-closes_at": earlier})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, f"r{created.id}-closes_at") == "The new closing time must be later than the current one."
    assert f'value="{earlier}"' in html
    db.session.expire_all()
    assert db.session.get(Round, created.id).closes_at == closes_at


def test_a_refused_sign_in_says_why_at_the_top_and_keeps_the_email(app):
    user = make_user("member")
    response = app.test_client().post("/sign-in", data={"email": user.email, "password": "not the password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "The email or password is not right" in summary(html)
    assert f'value="{user.email}"' in html


def test_the_ballot_page_shows_each_change_and_a_refused_ballot_says_why_and_changes_nothing(client):
    scene = make_scene()
    target = voting_round(scene)
    motion = motions.motions_of(target)[0]
    sign_in(client, scene.delegates[0])
    for choice in ("yes", "no"):
        form = {f"m{motion.id}-motion_id": str(motion.id), f"m{motion.id}-choice": choice}
        assert client.post(f"/motions/{motion.id}/ballot", data=form).status_code == 302
    page = client.get(f"/rounds/{target.id}/ballot").get_data(as_text=True)
    assert len(re.findall(r"<li>[^<]*→[^<]*</li>", page)) == 2
    closing.close_round(scene.secretariat, target)
    db.session.commit()
    refused = client.post(
        f"/motions/{motion.id}/ballot",
        data={f"m{motion.id}-motion_id": str(motion.id), f"m{motion.id}-choice": "abstain"},
    )
    assert refused.status_code == 409
    assert '<p class="error" role="alert">This round is not open for ballots.</p>' in refused.get_data(as_text=True)
    assert db.session.execute(select(Ballot.choice)).scalar_one() == "no"
