"""Every role, anonymous included, against every foundation route: allowed or refused as the contract says."""

from __future__ import annotations

import pytest

from principles_app.services import proxies as proxy_service
from tests.factories import PASSWORD, auth_header, make_meeting, make_organisation, make_user, token_for

ROLES = ("anonymous", "observer", "member", "secretariat")


def _call(client, role, method, path, json=None):
    headers = {}
    if role != "anonymous":
        headers = auth_header(token_for(make_user(role)))
    return client.open(path, method=method, headers=headers, json=json)


# (method, path builder, body builder, roles allowed); everyone else gets 401 (anonymous) or 403.
def _routes(org_id):
    return [
        ("GET", "/api/v1/me", None, {"observer", "member", "secretariat"}),
        ("PATCH", "/api/v1/me", {"language": "fr"}, {"observer", "member", "secretariat"}),
        (
            "POST",
            "/api/v1/me/password",
            {"current_password": PASSWORD, "new_password": "kettle mango lantern"},
            {"observer", "member", "secretariat"},
        ),
        ("GET", "/api/v1/organisations", None, {"observer", "member", "secretariat"}),
        (
            "POST",
            "/api/v1/organisations",
            {"name": "Matrix Org", "region": "africa", "category": "member", "vote_weight": "1"},
            {"secretariat"},
        ),
        ("PATCH", f"/api/v1/organisations/{org_id}", {"vote_weight": "3"}, {"secretariat"}),
        (
            "POST",
            "/api/v1/users",
            {
                "email": "matrix@example.org",
                "name": "M",
                "password": "long enough pw",
                "role": "member",
                "organisation_id": org_id,
            },
            {"secretariat"},
        ),
        ("DELETE", "/api/v1/auth/token", None, {"observer", "member", "secretariat"}),
        ("GET", "/api/v1/openapi.json", None, set(ROLES)),
        ("GET", "/healthz", None, set(ROLES)),
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("index", range(10))
def test_foundation_route_matrix(client, role, index):
    org = make_organisation("Target Org")
    method, path, body, allowed = _routes(org.id)[index]
    response = _call(client, role, method, path, body)
    if role in allowed:
        assert response.status_code < 400, (role, method, path, response.get_json())
    else:
        expected = 401 if role == "anonymous" else 403
        assert response.status_code == expected, (role, method, path, response.status_code)
        assert "error" in response.get_json()


@pytest.mark.parametrize("role", ROLES)
def test_my_tokens_route_matrix(client, role):
    """Every signed-in role lists and revokes its own tokens; an anonymous caller gets 401."""
    if role == "anonymous":
        for method, path in (("GET", "/api/v1/me/tokens"), ("DELETE", "/api/v1/me/tokens/1")):
            response = client.open(path, method=method)
            assert response.status_code == 401 and "error" in response.get_json()
        return
    from principles_app.extensions import db
    from principles_app.services import auth as auth_service

    user = make_user(role)
    headers = auth_header(token_for(user))
    _spare, row = auth_service.issue_token(user)
    db.session.commit()
    assert client.get("/api/v1/me/tokens", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/me/tokens/{row.id}", headers=headers).status_code == 204


WEB_PAGES = [
    "/admin/organisations",
    "/admin/organisations/new",
    "/admin/users",
    "/admin/invitations/new",
    "/admin/audit",
]


@pytest.mark.parametrize("role", ROLES)
def test_account_password_page_matrix(client, role):
    """Every signed-in role changes its own password on the account page; an anonymous visitor is sent to sign in."""
    from tests.factories import sign_in

    if role != "anonymous":
        sign_in(client, make_user(role))
    page = client.get("/account")
    changed = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "kettle mango lantern"}
    )
    if role == "anonymous":
        assert page.status_code == 302 and changed.status_code == 302
        assert "/sign-in" in changed.headers["Location"]
    else:
        assert page.status_code == 200 and 'name="current_password"' in page.get_data(as_text=True)
        assert changed.status_code == 302 and changed.headers["Location"].endswith("/account")


@pytest.mark.parametrize("role", ROLES)
def test_forgot_password_pages_are_public(client, role):
    from tests.factories import sign_in

    if role != "anonymous":
        sign_in(client, make_user(role))
    assert client.get("/forgot-password").status_code == 200
    assert client.get("/reset-password/" + "x" * 43).status_code == 410


@pytest.mark.parametrize("role", ROLES)
def test_secretariat_pages_matrix(client, role):
    from tests.factories import sign_in

    if role != "anonymous":
        sign_in(client, make_user(role))
    for path in WEB_PAGES:
        status = client.get(path).status_code
        if role == "secretariat":
            assert status == 200, path
        elif role == "anonymous":
            assert status == 302, path
        else:
            assert status == 403, path


# The editorial procedure: who records a recommendation and who answers it.
PROCEDURE_ROLES = ("anonymous", "observer", "member", "proposer_colleague", "secretariat")


def _recommendation_scene():
    from principles_app.extensions import db
    from principles_app.services import recommendations
    from tests.factories import draft_in_round, propose

    proposer = make_user("member")
    amendment = propose(proposer, draft_in_round())
    recommendations.recommend(make_user("secretariat"), amendment, "vote", "The meeting decides.")
    db.session.commit()
    return proposer, amendment


@pytest.mark.parametrize("role", PROCEDURE_ROLES)
@pytest.mark.parametrize("route", ["recommend", "answer"])
def test_procedure_route_matrix(client, role, route):
    proposer, amendment = _recommendation_scene()
    if role == "anonymous":
        headers = {}
    elif role == "proposer_colleague":
        headers = auth_header(token_for(make_user("member", organisation=proposer.organisation)))
    else:
        headers = auth_header(token_for(make_user(role)))
    if route == "recommend":
        response = client.put(
            f"/api/v1/amendments/{amendment.id}/recommendation",
            headers=headers,
            json={"procedure": "accept", "reason": "On reflection."},
        )
        allowed = {"secretariat"}
    else:
        response = client.post(
            f"/api/v1/amendments/{amendment.id}/recommendation/answer", headers=headers, json={"agree": False}
        )
        allowed = {"proposer_colleague"}
    if role in allowed:
        assert response.status_code == 200, (role, route, response.get_json())
    else:
        assert response.status_code == (401 if role == "anonymous" else 403), (role, route, response.status_code)
        assert "error" in response.get_json()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ["consolidated", "merge"])
def test_consolidated_and_batch_merge_matrix(client, role, route):
    """Everyone signed in reads the consolidated text; only the secretariat merges a batch."""
    _, amendment = _recommendation_scene()
    if route == "consolidated":
        response = _call(client, role, "GET", "/api/v1/documents/charter/consolidated")
        allowed = {"observer", "member", "secretariat"}
    else:
        response = _call(client, role, "POST", "/api/v1/documents/charter/merge", {"amendment_ids": [amendment.id]})
        allowed = {"secretariat"}
    if role in allowed:
        assert response.status_code == 200, (role, route, response.get_json())
    else:
        assert response.status_code == (401 if role == "anonymous" else 403), (role, route, response.status_code)
        assert "error" in response.get_json()


@pytest.mark.parametrize("role", ROLES)
def test_consolidated_page_and_batch_form_matrix(client, role):
    """The consolidated page is for signed-in users; the batch-merge form for the secretariat only."""
    from tests.factories import sign_in

    _, amendment = _recommendation_scene()
    if role != "anonymous":
        sign_in(client, make_user(role))
    page = client.get("/documents/charter/consolidated")
    merged = client.post("/documents/charter/merge", data={"amendment_ids": str(amendment.id)})
    if role == "anonymous":
        assert page.status_code == 302 and merged.status_code == 302
        assert "/sign-in" in merged.headers["Location"]
    elif role == "secretariat":
        assert page.status_code == 200 and merged.status_code == 302
    else:
        assert page.status_code == 200 and merged.status_code == 403


# Endorsements (SPEC §17): anyone endorses and reads approved ones; only the secretariat decides.
ENDORSEMENT_ROUTES = {
    "endorse": ("POST", "/api/v1/publications/principles/1.0/endorsements", set(ROLES)),
    "list": ("GET", "/api/v1/publications/principles/1.0/endorsements", set(ROLES)),
    "queue": ("GET", "/api/v1/endorsements", {"secretariat"}),
    "approve": ("POST", "/api/v1/endorsements/{id}/approve", {"secretariat"}),
    "reject": ("POST", "/api/v1/endorsements/{id}/reject", {"secretariat"}),
}


def _verified_endorsement():
    from principles_app.extensions import db
    from principles_app.services import endorsements as endorsement_service
    from tests.factories import adopted_document, endorsement_fields, publish

    publication = publish(adopted_document())
    endorsement, token = endorsement_service.start_endorsement(publication, endorsement_fields(), "en")
    endorsement_service.verify_endorsement(token)
    db.session.commit()
    return endorsement


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ENDORSEMENT_ROUTES)
def test_endorsement_route_matrix(client, role, route):
    from principles_app.models import Endorsement
    from tests.factories import endorsement_fields

    endorsement = _verified_endorsement()
    method, path, allowed = ENDORSEMENT_ROUTES[route]
    body = {"endorse": endorsement_fields("Matrix Org"), "reject": {"reason": "Not an organisation."}}.get(route)
    response = _call(client, role, method, path.format(id=endorsement.id), body)
    if role in allowed:
        assert response.status_code < 400, (role, route, response.get_json())
    else:
        assert response.status_code == (401 if role == "anonymous" else 403), (role, route, response.status_code)
        assert "error" in response.get_json()
        from principles_app.extensions import db

        assert db.session.get(Endorsement, endorsement.id).state == "verified"


@pytest.mark.parametrize("role", ROLES)
def test_endorsement_pages_matrix(client, role):
    from tests.factories import sign_in

    endorsement = _verified_endorsement()
    if role != "anonymous":
        sign_in(client, make_user(role))
    for path in ("/principles/principles/1.0/endorse", "/principles/principles/1.0/endorsements"):
        assert client.get(path).status_code == 200, path
    assert client.get("/principles/principles/1.0/endorsements.csv").status_code == 200
    secretariat_only = [
        ("GET", "/endorsements/queue"),
        ("GET", f"/endorsements/{endorsement.id}/reject"),
        ("POST", f"/endorsements/{endorsement.id}/approve"),
    ]
    for method, path in secretariat_only:
        status = client.open(path, method=method).status_code
        expected = {"secretariat": 302 if method == "POST" else 200, "anonymous": 302}.get(role, 403)
        assert status == expected, (role, method, path, status)


# Voices (SPEC §14): attribution and participation for every signed-in role; invitations for the secretariat;
# a publication's attribution for everyone.
VOICES_API = ["/api/v1/documents/principles/versions/2/attribution", "/api/v1/documents/principles/voices"]
VOICES_PAGES = ["/documents/principles/versions/2/attribution", "/documents/principles/voices"]


@pytest.mark.parametrize("role", ROLES)
def test_voices_route_matrix(client, role):
    from principles_app.extensions import db
    from principles_app.models import ParticipationInvitation
    from tests.factories import adopted_document, open_amendments_round, publish, sign_in

    scenario = adopted_document()
    publish(scenario)
    current = open_amendments_round(scenario.document)
    headers = {} if role == "anonymous" else auth_header(token_for(user := make_user(role)))
    for path in VOICES_API:
        status = client.get(path, headers=headers).status_code
        assert status == (401 if role == "anonymous" else 200), (role, path, status)
    assert client.get("/principles/principles/1.0/attribution").status_code == 200
    if role != "anonymous":
        sign_in(client, user)
    for path in VOICES_PAGES:
        status = client.get(path).status_code
        assert status == (302 if role == "anonymous" else 200), (role, path, status)
    invited = client.post(f"/rounds/{current.id}/invitations", data={"region": "africa"})
    expected = {"anonymous": 302, "secretariat": 302}.get(role, 403)
    assert invited.status_code == expected, (role, invited.status_code)
    sent = db.session.query(ParticipationInvitation).count()
    assert sent == (1 if role == "secretariat" else 0)


# Key points of a consultation (SPEC §16): every role, and the point's own author, against every route.
POINT_ROLES = ("anonymous", "observer", "member", "secretariat", "author")


def _consultation_scene():
    from datetime import timedelta

    from principles_app.db import utcnow
    from principles_app.extensions import db
    from principles_app.services import closing
    from principles_app.services import points as point_service
    from principles_app.services import rounds as round_service
    from tests.factories import make_document, principle

    secretariat = make_user("secretariat")
    document = make_document()
    target = round_service.create_round(
        secretariat, document, "consultation", "Key points", utcnow() + timedelta(days=3)
    )
    closing.open_round(secretariat, target)
    author = make_user("member")
    point = point_service.submit_point(author, document, "Credit every partner.", theme="Credit")
    db.session.commit()
    return author, point, principle(document, 1)


def _point_routes(point_id: int, principle_id: int, theme_id: int, org_id: int):
    """(method, path, body, status by role); a role not named gets 403, anonymous 401 (API) or 302 (pages)."""
    signed_in = {"observer": 200, "member": 200, "secretariat": 200, "author": 200}
    created = {"observer": 201, "member": 201, "secretariat": 201, "author": 201}
    return [
        ("POST", "/api/v1/documents/charter/points", {"text": "Listen first."}, created),
        (
            "POST",
            "/api/v1/documents/charter/points",
            {"text": "From the room.", "session": "Accra", "organisation_id": org_id},
            {"secretariat": 201},
        ),
        ("GET", "/api/v1/documents/charter/points?unlinked=true", None, signed_in),
        ("GET", f"/api/v1/points/{point_id}", None, signed_in),
        ("PATCH", f"/api/v1/points/{point_id}", {"text": "Credit every partner by name."}, {"author": 200}),
        ("POST", f"/api/v1/points/{point_id}/supports", None, {"observer": 201, "member": 201, "author": 409}),
        ("DELETE", f"/api/v1/points/{point_id}/supports", None, {"observer": 409, "member": 409, "author": 409}),
        (
            "PUT",
            f"/api/v1/points/{point_id}/translations/es",
            {"text": "Acreditar."},
            {"member": 200, "secretariat": 200, "author": 200},
        ),
        ("PUT", f"/api/v1/principles/{principle_id}/sources", {"point_ids": [point_id]}, {"secretariat": 200}),
        ("GET", f"/api/v1/principles/{principle_id}/sources", None, signed_in),
        ("GET", "/documents/charter/consultation/", None, signed_in),
        (
            "POST",
            "/documents/charter/consultation/",
            {"text": "A page point."},
            {"observer": 302, "member": 302, "secretariat": 302, "author": 302},
        ),
        ("GET", "/documents/charter/consultation/not-taken-up", None, signed_in),
        ("GET", "/documents/charter/consultation/session-point", None, {"secretariat": 200}),
        ("GET", f"/points/{point_id}", None, signed_in),
        ("GET", f"/points/{point_id}/edit", None, {"author": 200}),
        ("POST", f"/points/{point_id}/support", {}, {"observer": 302, "member": 302, "author": 409}),
        ("POST", f"/points/{point_id}/withdraw", {}, {"observer": 409, "member": 409, "author": 409}),
        ("GET", f"/points/{point_id}/translate/fr", None, {"member": 200, "secretariat": 200, "author": 200}),
        ("GET", "/documents/charter/themes", None, {"secretariat": 200}),
        ("POST", f"/themes/{theme_id}/rename", {f"rename-{theme_id}-name": "Credit and naming"}, {"secretariat": 302}),
        ("GET", f"/principles/{principle_id}/sources", None, {"secretariat": 200}),
    ]


@pytest.mark.parametrize("role", POINT_ROLES)
@pytest.mark.parametrize("index", range(22))
def test_key_point_route_matrix(client, role, index):
    from tests.factories import sign_in

    author, point, first = _consultation_scene()
    method, path, body, statuses = _point_routes(point.id, first.id, point.theme_id, author.organisation_id)[index]
    user = author if role == "author" else (None if role == "anonymous" else make_user(role))
    if path.startswith("/api/"):
        headers = auth_header(token_for(user)) if user is not None else {}
        response = client.open(path, method=method, headers=headers, json=body)
        expected = statuses.get(role, 401 if role == "anonymous" else 403)
        assert response.status_code == expected, (role, method, path, response.get_json())
        if expected >= 400:
            assert "error" in response.get_json()
    else:
        if user is not None:
            sign_in(client, user)
        response = client.open(path, method=method, data=body)
        expected = statuses.get(role, 302 if role == "anonymous" else 403)
        assert response.status_code == expected, (role, method, path, response.status_code)
        if role == "anonymous":
            assert "/sign-in" in response.headers["Location"]


# The secretariat's desk on an open round: who has voted, reminders, ballots entered from paper.
DESK_ROLES = ("anonymous", "observer", "member", "elector", "secretariat")


def _desk_call(client, role, scene, route):
    from principles_app.services import motions as motion_service

    motion = motion_service.motions_of(scene["round"])[0]
    if role == "anonymous":
        headers = {}
    elif role == "elector":  # a delegate of an organisation in the round's electorate
        headers = auth_header(token_for(scene["scene"].delegates[0]))
    else:
        headers = auth_header(token_for(make_user(role)))
    organisation_id = scene["scene"].organisations[1].id
    api = {
        "participation": ("GET", f"/api/v1/motions/{motion.id}/participation", None),
        "reminders": ("POST", f"/api/v1/motions/{motion.id}/reminders", None),
        "paper_ballot": (
            "PUT",
            f"/api/v1/motions/{motion.id}/ballots/{organisation_id}",
            {"choice": "yes", "paper": True},
        ),
    }
    method, path, body = api[route]
    return client.open(path, method=method, headers=headers, json=body)


@pytest.mark.parametrize("role", DESK_ROLES)
@pytest.mark.parametrize("route", ["participation", "reminders", "paper_ballot"])
def test_ballot_desk_route_matrix(client, role, route):
    from tests.factories import make_scene, voting_round

    scene = make_scene(weights=("1", "2"))
    response = _desk_call(client, role, {"scene": scene, "round": voting_round(scene)}, route)
    if role == "secretariat":
        assert response.status_code in (200, 202), (role, route, response.get_json())
    else:
        assert response.status_code == (401 if role == "anonymous" else 403), (role, route, response.status_code)
        assert "error" in response.get_json()


@pytest.mark.parametrize("role", DESK_ROLES)
def test_ballot_desk_pages_matrix(client, role):
    from principles_app.services import ballots as ballot_service
    from principles_app.services import motions as motion_service
    from tests.factories import make_scene, sign_in, voting_round

    scene = make_scene(weights=("1", "2"))
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    organisation_id = scene.organisations[1].id
    ballot_service.record_paper_ballot(scene.secretariat, motion.id, organisation_id, "no")
    from principles_app.extensions import db

    db.session.commit()
    user = None
    if role == "elector":
        user = scene.delegates[0]
    elif role != "anonymous":
        user = make_user(role)
    if user is not None:
        sign_in(client, user)
    receipt = client.get(f"/motions/{motion.id}/paper-ballots/{organisation_id}")
    # The secretariat's reminder goes; its empty paper form is sent back (422); everyone else is refused.
    reminder = client.post(f"/motions/{motion.id}/reminders")
    paper = client.post(f"/motions/{motion.id}/paper-ballot")
    round_page = client.get(f"/rounds/{target.id}/")
    if role == "anonymous":
        assert [r.status_code for r in (receipt, reminder, paper, round_page)] == [302, 302, 302, 302]
    elif role == "secretariat":
        assert receipt.status_code == 200 and "Paper ballot receipt" in receipt.text
        assert (reminder.status_code, paper.status_code) == (302, 422)
        assert "Secretariat: who has not voted" in round_page.text
    else:
        assert [r.status_code for r in (receipt, reminder, paper)] == [403, 403, 403]
        assert round_page.status_code == 200 and "Secretariat: who has not voted" not in round_page.text


# --- Search (SPEC §15): open to everyone, each reader finding only what they may read ------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/api/v1/search?q=charter", "/search?q=charter", "/search"])
def test_search_route_matrix(client, role, path):
    from tests.factories import sign_in

    user = None if role == "anonymous" else make_user(role)
    if path.startswith("/api/"):
        response = client.get(path, headers=auth_header(token_for(user)) if user is not None else {})
        assert response.status_code == 200, (role, response.get_json())
    else:
        if user is not None:
            sign_in(client, user)
        assert client.get(path).status_code == 200


# --- The personal calendar feed (SPEC §15): a signed-in person renews it; the address is the key --


@pytest.mark.parametrize("role", ROLES)
def test_calendar_route_matrix(client, role):
    from principles_app.extensions import db
    from principles_app.services import calendar_feed
    from tests.factories import sign_in

    owner = make_user("member")
    token = calendar_feed.renew(owner)
    db.session.commit()
    # The feed answers whoever holds the address, signed in or not, and nobody without it.
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    assert client.get("/calendar/wrong.ics").status_code == 404
    if role != "anonymous":
        sign_in(client, make_user(role))
    response = client.post("/account/calendar")
    assert response.status_code == 302
    if role == "anonymous":
        assert "/sign-in" in response.headers["Location"]
    else:
        assert response.headers["Location"].endswith("/account#calendar")
    # Renewing one's own address never touches another person's.
    assert client.get(f"/calendar/{token}.ics").status_code == 200


# Invitations (SPEC §13): the secretariat alone invites, lists, re-sends and cancels; the link page is public.
def _invitation_routes(org_id, invitation_id):
    body = {"email": "invited@example.org", "name": "Invited", "role": "member", "organisation_id": org_id}
    return [
        ("POST", "/api/v1/invitations", body),
        ("GET", "/api/v1/invitations", None),
        ("POST", f"/api/v1/invitations/{invitation_id}/resend", None),
        ("DELETE", f"/api/v1/invitations/{invitation_id}", None),
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("index", range(4))
def test_invitation_route_matrix(client, role, index):
    from principles_app.services import invitations as invitation_service

    org = make_organisation("Invitation Org")
    pending = invitation_service.create_invitation(
        make_user("secretariat"), email="pending@example.org", name="Pending", role="member", organisation=org
    )
    from principles_app.extensions import db

    db.session.commit()
    method, path, body = _invitation_routes(org.id, pending.id)[index]
    response = _call(client, role, method, path, body)
    if role == "secretariat":
        assert response.status_code < 400, (role, method, path, response.get_json())
    else:
        assert response.status_code == (401 if role == "anonymous" else 403), (role, method, path)
        assert "error" in response.get_json()


@pytest.mark.parametrize("role", ROLES)
def test_invitation_pages_matrix(client, role):
    from principles_app.extensions import db
    from principles_app.services import invitations as invitation_service
    from tests.factories import sign_in

    org = make_organisation("Invitation Page Org")
    pending = invitation_service.create_invitation(
        make_user("secretariat"), email="pending@example.org", name="Pending", role="member", organisation=org
    )
    db.session.commit()
    if role != "anonymous":
        sign_in(client, make_user(role))
    statuses = [
        client.get("/admin/invitations").status_code,
        client.get("/admin/invitations/new").status_code,
        client.post(f"/admin/invitations/{pending.id}/resend").status_code,
        client.post(f"/admin/invitations/{pending.id}/cancel").status_code,
    ]
    if role == "secretariat":
        assert statuses == [200, 200, 302, 302]
    elif role == "anonymous":
        assert statuses == [302, 302, 302, 302]
    else:
        assert statuses == [403, 403, 403, 403]
    # The link page is public, whoever is signed in: an unknown link is gone.
    assert client.get("/invitations/" + "x" * 43).status_code == 410


# General Meetings (SPEC §11): the secretariat schedules; every signed-in role reads; a delegate acts for its own
# organisation (check-in while the meeting runs, proxies before they close); the secretariat for anyone.
MEETING_ROLES = ("anonymous", "observer", "member", "delegate", "secretariat")
MEETING_ROUTES = {
    # route: roles allowed
    "create": {"secretariat"},
    "update": {"secretariat"},
    "list": {"observer", "member", "delegate", "secretariat"},
    "read": {"observer", "member", "delegate", "secretariat"},
    "check_in": {"delegate", "secretariat"},
    "proxies": {"observer", "member", "delegate", "secretariat"},
    "give_proxy": {"member", "delegate", "secretariat"},  # a member gives its own organisation's proxy
    "revoke_proxy": {"delegate", "secretariat"},
}


@pytest.mark.parametrize("role", MEETING_ROLES)
@pytest.mark.parametrize("route", sorted(MEETING_ROUTES))
def test_meeting_route_matrix(client, role, route):
    from datetime import timedelta

    from principles_app.db import utcnow
    from principles_app.extensions import db
    from tests.factories import make_scene

    scene = make_scene(weights=("1", "2", "3"), amendments=0)
    starts = utcnow() + timedelta(hours=1)
    meeting = make_meeting(scene, starts, hours=4)
    delegate, holder, third = scene.delegates
    proxy_service.give_proxy(scene.secretariat, meeting, holder.organisation_id, third.organisation_id)
    db.session.commit()
    if role == "anonymous":
        headers = {}
    elif role == "delegate":
        headers = auth_header(token_for(delegate))
    else:
        headers = auth_header(token_for(make_user(role)))
    revoke_giver = delegate.organisation_id if role == "delegate" else third.organisation_id
    if role == "delegate":
        proxy_service.give_proxy(delegate, meeting, holder.organisation_id)
        db.session.commit()
    calls = {
        "create": (
            "POST",
            f"/api/v1/documents/{scene.document.slug}/meetings",
            {
                "title": "GM 2",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "time_zone": "Africa/Lagos",
                "place": "Lagos",
            },
        ),
        "list": ("GET", f"/api/v1/documents/{scene.document.slug}/meetings", None),
        "read": ("GET", f"/api/v1/meetings/{meeting.id}", None),
        "update": ("PATCH", f"/api/v1/meetings/{meeting.id}", {"place": "Berlin, Mitte"}),
        "check_in": ("PUT", f"/api/v1/meetings/{meeting.id}/attendance/{delegate.organisation_id}", {"mode": "online"}),
        "proxies": ("GET", f"/api/v1/meetings/{meeting.id}/proxies", None),
        "give_proxy": (
            "POST",
            f"/api/v1/meetings/{meeting.id}/proxies",
            {"holder_organisation_id": holder.organisation_id}
            | ({"giver_organisation_id": delegate.organisation_id} if role == "secretariat" else {}),
        ),
        "revoke_proxy": ("DELETE", f"/api/v1/meetings/{meeting.id}/proxies/{revoke_giver}", None),
    }
    if role == "delegate" and route == "give_proxy":
        proxy_service.revoke_proxy(delegate, meeting, delegate.organisation_id)
        db.session.commit()
    method, path, body = calls[route]
    response = client.open(path, method=method, headers=headers, json=body)
    if role in MEETING_ROUTES[route]:
        assert response.status_code < 400, (role, route, response.get_json())
    else:
        assert response.status_code == (401 if role == "anonymous" else 403), (role, route, response.status_code)
        assert "error" in response.get_json()


@pytest.mark.parametrize("role", ("anonymous", "observer", "member", "secretariat"))
def test_meeting_page_matrix(client, role):
    from datetime import timedelta

    from principles_app.db import utcnow
    from principles_app.extensions import db
    from principles_app.services import meetings as meeting_service
    from tests.factories import make_scene, sign_in

    scene = make_scene(weights=("1", "2"), amendments=0)
    starts = utcnow() + timedelta(days=1)
    meeting = make_meeting(scene, starts, hours=4)
    db.session.commit()
    if role != "anonymous":
        sign_in(client, make_user(role))
    page = client.get(f"/meetings/{meeting.id}/")
    if role == "anonymous":
        assert page.status_code == 302
    else:
        assert page.status_code == 200 and b"Berlin" in page.data
    # Checking in someone else's organisation is for the secretariat only.
    other = scene.delegates[0].organisation_id
    response = client.post(f"/meetings/{meeting.id}/attendance/{other}", data={"mode": "in_room"})
    expected = {"anonymous": 302, "observer": 403, "member": 403, "secretariat": 302}[role]
    assert response.status_code == expected
    present = meeting_service.summary(meeting).present_count
    assert present == (1 if role == "secretariat" else 0)


# The live view and the minutes of a meeting (SPEC §11): every signed-in role reads them, nobody else.
LIVE_AND_MINUTES_ROLES = ("anonymous", "observer", "member", "secretariat")


@pytest.mark.parametrize("role", LIVE_AND_MINUTES_ROLES)
def test_meeting_live_and_minutes_matrix(client, role):
    from datetime import timedelta

    from principles_app.db import utcnow
    from principles_app.extensions import db
    from tests.factories import make_scene, sign_in

    scene = make_scene(weights=("1", "2"), amendments=0)
    starts = utcnow() + timedelta(days=1)
    meeting = make_meeting(scene, starts, hours=4)
    db.session.commit()
    user = make_user(role) if role != "anonymous" else None
    api = client.get(f"/api/v1/meetings/{meeting.id}/live", headers=auth_header(token_for(user)) if user else {})
    if user is None:
        assert api.status_code == 401 and "error" in api.get_json()
    else:
        assert api.status_code == 200 and api.get_json()["meeting"]["id"] == meeting.id
        sign_in(client, user)
    pages = [f"/meetings/{meeting.id}/live", f"/meetings/{meeting.id}/live?projector=1"]
    pages += [f"/meetings/{meeting.id}/live/region"]
    pages += [f"/meetings/{meeting.id}/minutes.{fmt}" for fmt in ("html", "md", "docx", "pdf")]
    for path in pages:
        response = client.get(path)
        assert response.status_code == (302 if user is None else 200), (role, path, response.status_code)


@pytest.mark.parametrize("role", ("anonymous", "observer", "member", "secretariat"))
def test_meeting_secretariat_pages_and_calendar_matrix(client, role):
    from datetime import timedelta

    from principles_app.db import utcnow
    from principles_app.extensions import db
    from principles_app.services import rounds as round_service
    from tests.factories import make_scene, sign_in

    scene = make_scene(weights=("1", "2"), amendments=0)
    starts = utcnow() + timedelta(days=1)
    meeting = make_meeting(scene, starts, hours=4)
    target = round_service.create_round(
        scene.secretariat, scene.document, "adoption", "Adoption", utcnow() + timedelta(days=2)
    )
    db.session.commit()
    if role != "anonymous":
        sign_in(client, make_user(role))
    statuses = [
        client.get(f"/documents/{scene.document.slug}/meetings/new").status_code,
        client.get(f"/meetings/{meeting.id}/edit").status_code,
        client.post(f"/rounds/{target.id}/meeting", data={"meeting_id": str(meeting.id)}).status_code,
        client.get(f"/meetings/{meeting.id}.ics").status_code,
    ]
    expected = {
        "anonymous": [302, 302, 302, 302],
        "observer": [403, 403, 403, 200],
        "member": [403, 403, 403, 200],
        "secretariat": [200, 200, 302, 200],
    }[role]
    assert statuses == expected
    db.session.expire_all()
    assert (db.session.get(type(target), target.id).meeting_id is not None) == (role == "secretariat")


@pytest.mark.parametrize("role", ("anonymous", "observer", "member", "holder", "secretariat"))
def test_round_meeting_and_proxy_ballot_api_matrix(client, role):
    """PATCH a round's meeting (secretariat); read a giver's ballot (only the holder of its proxy)."""
    from datetime import timedelta

    from principles_app.db import utcnow
    from principles_app.extensions import db
    from principles_app.services import closing
    from principles_app.services import meetings as meeting_service
    from principles_app.services import motions as motion_service
    from tests.factories import make_scene, voting_round

    scene = make_scene(weights=("1", "2"), amendments=1)
    starts = utcnow() + timedelta(days=1)
    meeting = make_meeting(scene, starts, hours=4)
    giver, holder = scene.delegates
    proxy_service.give_proxy(giver, meeting, holder.organisation_id)
    scheduled = voting_round(scene, open_it=False)
    db.session.commit()
    users = {"holder": holder, "secretariat": scene.secretariat}
    headers = {} if role == "anonymous" else auth_header(token_for(users.get(role) or make_user(role)))
    patched = client.patch(f"/api/v1/rounds/{scheduled.id}", json={"meeting_id": meeting.id}, headers=headers)
    expected = {"anonymous": 401, "secretariat": 200}.get(role, 403)
    assert patched.status_code == expected, patched.get_json()
    meeting_service.attach_round(scene.secretariat, meeting, scheduled)
    for delegate in scene.delegates:
        meeting_service.set_attendance(scene.secretariat, meeting, delegate.organisation_id, "in_room")
    closing.open_round(scene.secretariat, scheduled)
    db.session.commit()
    motion = motion_service.motions_of(scheduled)[0]
    client.put(
        f"/api/v1/motions/{motion.id}/ballot",
        json={"choice": "yes", "on_behalf_of": giver.organisation_id},
        headers=auth_header(token_for(holder)),
    )
    read = client.get(f"/api/v1/motions/{motion.id}/ballot?on_behalf_of={giver.organisation_id}", headers=headers)
    assert read.status_code == {"anonymous": 401, "holder": 200}.get(role, 403), read.get_json()
