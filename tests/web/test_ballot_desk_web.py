"""The secretariat's desk on the round page, without JavaScript: who has not voted, reminders, paper ballots."""

from __future__ import annotations

from sqlalchemy import func, select

from principles_app.extensions import db
from principles_app.models import Ballot, BallotChange, OutboxMessage
from principles_app.services import ballots as ballot_service
from principles_app.services import closing
from principles_app.services import motions as motion_service
from tests.factories import make_organisation, make_scene, sign_in, voting_round


def _paper_form(motion, organisation_id, choice):
    return {f"p{motion.id}-organisation_id": str(organisation_id), f"p{motion.id}-choice": choice}


def _reminders():
    return db.session.scalar(select(func.count()).where(OutboxMessage.event == "motion_reminder"))


def _setup():
    scene = make_scene(weights=("1", "2", "3"))
    target = voting_round(scene)
    return scene, target, motion_service.motions_of(target)[0]


def test_the_round_page_lists_the_organisations_that_have_not_voted_and_never_a_choice(client):
    scene, target, motion = _setup()
    ballot_service.cast_ballot(scene.delegates[0], motion.id, "no")
    db.session.commit()
    sign_in(client, scene.secretariat)
    page = client.get(f"/rounds/{target.id}/").text
    desk = page[page.index(f'id="desk-{motion.id}"') :]
    desk = desk[: desk.index("</section>")]
    assert "2 organisations have not voted on this motion." in desk
    assert scene.organisations[1].name in desk and scene.organisations[2].name in desk
    listed = desk[desk.index('class="not-voted"') : desk.index("</ul>")]
    assert scene.organisations[0].name not in listed
    assert "Send them a reminder" in desk and "Record the paper ballot" in desk


def test_a_reminder_from_the_page_goes_once_and_a_second_press_is_told_to_wait(client):
    scene, target, motion = _setup()
    sign_in(client, scene.secretariat)
    sent = client.post(f"/motions/{motion.id}/reminders", follow_redirects=True)
    assert sent.status_code == 200 and "Reminder sent to 3 organisations (3 people)." in sent.text
    assert _reminders() == 3
    again = client.post(f"/motions/{motion.id}/reminders")
    assert again.status_code == 429 and "less than 10 minutes ago" in again.text
    assert 1 <= int(again.headers["Retry-After"]) <= 600
    assert _reminders() == 3


def test_a_paper_ballot_from_the_page_gives_a_printable_receipt_and_the_delegate_sees_it(client):
    scene, target, motion = _setup()
    organisation = scene.organisations[1]
    sign_in(client, scene.secretariat)
    response = client.post(f"/motions/{motion.id}/paper-ballot", data=_paper_form(motion, organisation.id, "yes"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/motions/{motion.id}/paper-ballots/{organisation.id}")
    ballot = db.session.execute(select(Ballot)).scalar_one()
    assert ballot.paper and ballot.organisation_id == organisation.id
    receipt = client.get(response.headers["Location"]).text
    assert ballot.receipt in receipt and organisation.name in receipt and scene.secretariat.name in receipt
    assert "Print this page" in receipt
    client.post("/sign-out")
    sign_in(client, scene.delegates[1])
    ballot_page = client.get(f"/rounds/{target.id}/ballot").text
    assert ballot.receipt in ballot_page and "entered by the secretariat from your paper form" in ballot_page


def test_once_the_delegate_changes_it_the_paper_receipt_is_gone_and_the_history_keeps_both(client):
    scene, target, motion = _setup()
    delegate = scene.delegates[2]
    ballot_service.record_paper_ballot(scene.secretariat, motion.id, delegate.organisation_id, "yes")
    ballot_service.cast_ballot(delegate, motion.id, "no")
    db.session.commit()
    sign_in(client, scene.secretariat)
    assert client.get(f"/motions/{motion.id}/paper-ballots/{delegate.organisation_id}").status_code == 404
    client.post("/sign-out")
    sign_in(client, delegate)
    page = client.get(f"/rounds/{target.id}/ballot").text
    history = page[page.index("History of your organisation") :]
    assert history.count("<li>") >= 2 and "entered by the secretariat from your paper form" in history


def test_bad_paper_forms_are_sent_back_and_change_nothing(client):
    scene, target, motion = _setup()
    outsider = make_organisation("Joined Later", weight="2")
    db.session.commit()
    sign_in(client, scene.secretariat)
    for data in (
        _paper_form(motion, scene.organisations[0].id, "perhaps"),
        _paper_form(motion, outsider.id, "yes"),
        _paper_form(motion, "not a number", "yes"),
        {},
    ):
        response = client.post(f"/motions/{motion.id}/paper-ballot", data=data)
        assert response.status_code == 422, data
        assert 'class="error-summary"' in response.text or 'class="error"' in response.text
    assert db.session.scalar(select(func.count()).select_from(BallotChange)) == 0


def test_a_closed_round_shows_no_desk_and_refuses_paper_ballots_and_reminders(client):
    scene, target, motion = _setup()
    closing.close_round(scene.secretariat, target)
    db.session.commit()
    sign_in(client, scene.secretariat)
    assert "Secretariat: who has not voted" not in client.get(f"/rounds/{target.id}/").text
    refused = client.post(
        f"/motions/{motion.id}/paper-ballot", data=_paper_form(motion, scene.organisations[0].id, "yes")
    )
    assert refused.status_code == 409
    assert client.post(f"/motions/{motion.id}/reminders").status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0 and _reminders() == 0
    assert client.post("/motions/999999/reminders").status_code == 404
    assert client.get(f"/motions/{motion.id}/paper-ballots/999999").status_code == 404
