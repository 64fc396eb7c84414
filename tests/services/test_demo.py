"""`flask demo load`: the demo network through the public services, once, however often it runs."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from principles_app.db import utcnow
from principles_app.demo import demo_network
from principles_app.extensions import db
from principles_app.models import Amendment, Motion, Publication, Round, User


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Amendment, Round, Motion, Publication)
    }


def test_loading_the_demo_twice_gives_the_same_network_and_prints_every_account(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    loaded = _counts()
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert _counts() == loaded
    network = demo_network()
    emails = {u["email"].lower() for u in network["users"]}
    assert set(db.session.scalars(select(User.email))) == emails
    assert all(u["email"] in again.output and u["password"] in again.output for u in network["users"])
    # The voting step merged one amendment and adopted the draft, which the last step published as 1.0.
    assert loaded == {
        "User": len(emails),
        "Amendment": len(network["amendments"]),
        "Round": 5,
        "Motion": 2,
        "Publication": 1,
    }
    assert db.session.scalars(select(Publication.label)).all() == ["1.0"]


def test_the_demo_publication_is_endorsed_by_three_organisations_from_three_regions(app, client):
    from principles_app.models import Endorsement

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    endorsements = db.session.scalars(select(Endorsement)).all()
    assert len(endorsements) == 3 and {e.state for e in endorsements} == {"approved"}
    assert len({e.region for e in endorsements}) == 3
    slug = demo_network()["document"]["slug"]
    listed = client.get(f"/api/v1/publications/{slug}/1.0/endorsements").get_json()
    assert listed["count"] == 3 and len(listed["by_region"]) == 3
    page = client.get(f"/principles/{slug}/").get_data(as_text=True)
    assert "Colectivo Voces Libres" in page and "hola@voceslibres" not in page


def test_the_demo_holds_a_closed_consultation_whose_points_the_principles_draw_on(app):
    from principles_app.models import KeyPoint, PointSupport, PrincipleSource
    from principles_app.services import points as point_service

    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    consultation = db.session.execute(select(Round).where(Round.kind == "consultation")).scalar_one()
    assert consultation.state == "closed"
    points = db.session.execute(select(KeyPoint)).scalars().all()
    assert len(points) >= 8 and {p.language for p in points} == {"en", "es", "fr", "ar"}
    assert any(p.session_name for p in points) and db.session.scalar(select(func.count()).select_from(PointSupport))
    assert db.session.scalar(select(func.count()).select_from(PrincipleSource)) >= 6
    publication = db.session.execute(select(Publication)).scalar_one()
    shown = point_service.sources_of_version(publication.document_id, publication.version_number, None)
    assert len(shown) >= 6 and all(views for views in shown.values())


def test_the_demo_amendments_carry_the_editorial_procedure(app):
    from principles_app.domain.procedure import Answer, Procedure
    from principles_app.models import Recommendation

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    shapes = {(r.procedure, r.answer) for r in db.session.execute(select(Recommendation)).scalars()}
    assert {
        (Procedure.ACCEPT, None),
        (Procedure.MODIFIED, Answer.AGREE),
        (Procedure.VOTE, None),
        (Procedure.REJECT, Answer.OBJECT),
    } <= shapes
    assert db.session.scalar(select(func.count(Recommendation.id))) == 4


def test_the_demo_holds_a_berlin_general_meeting_with_attendance_and_one_proxy(app, client):
    from principles_app.models import Meeting, MeetingProxy, Organisation
    from principles_app.services import meetings as meeting_service

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    meeting = db.session.scalars(select(Meeting)).one()
    assert (meeting.place.startswith("Berlin"), meeting.time_zone) == (True, "Europe/Berlin")
    assert meeting.online_url.startswith("https://") and meeting.document.slug == demo_network()["document"]["slug"]
    assert meeting.starts_at > utcnow() and meeting.starts_at.astimezone(ZoneInfo("Europe/Berlin")).hour == 9
    (proxy,) = db.session.scalars(select(MeetingProxy)).all()
    names = {db.session.get(Organisation, i).name for i in (proxy.giver_organisation_id, proxy.holder_organisation_id)}
    assert names == {"Gulf Digital Freedom Project", "Maghreb Media Monitor"}
    summary = meeting_service.summary(meeting)
    # Four organisations present (weights 2 + 1 + 2 + 2) and one represented by its holder (weight 1).
    assert (summary.present_count, summary.present_weight) == (4, 7)
    assert (summary.represented_count, summary.represented_weight) == (1, 1)
    # The documented demo passwords still sign in.
    secretariat = next(u for u in demo_network()["users"] if u["role"] == "secretariat")
    signed_in = client.post("/sign-in", data={"email": secretariat["email"], "password": secretariat["password"]})
    assert signed_in.status_code == 302
    assert "Berlin General Meeting" in client.get(f"/meetings/{meeting.id}/").get_data(as_text=True)
