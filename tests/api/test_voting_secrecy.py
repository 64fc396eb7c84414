"""While a round is open, changing a choice changes nothing anyone else can see, through any channel.

Every page and endpoint that touches a motion is fetched before and after an organisation changes
its ballot (participation stays the same): status, body, length and ETag must be identical.
"""

from __future__ import annotations

import re

from principles_app.extensions import db
from principles_app.services import ballots as ballot_service
from principles_app.services import motions as motion_service
from tests.factories import auth_header, make_scene, make_user, sign_in, token_for, voting_round

CSRF = re.compile(rb'name="csrf_token"[^>]*value="[^"]*"|value="[^"]*"[^>]*name="csrf_token"|"csrf_token": ?"[^"]*"')


def _channels(scene, target, motion) -> list[str]:
    """Every URL that shows something about this motion, its round or its amendment."""
    slug, amendment = scene.document.slug, motion.amendment_id
    version = scene.document.current_version
    return [
        f"/api/v1/rounds/{target.id}",
        f"/api/v1/motions/{motion.id}/result",
        f"/api/v1/amendments/{amendment}",
        f"/api/v1/documents/{slug}/amendments",
        f"/api/v1/documents/{slug}",
        f"/rounds/{target.id}/",
        f"/motions/{motion.id}/result",
        f"/amendments/{amendment}",
        f"/documents/{slug}/",
        f"/documents/{slug}/amendments/",
        f"/documents/{slug}/rounds/",
        f"/documents/{slug}/versions/{version}/meeting-pack.html",
    ]


def _snapshot(client, urls, headers) -> dict[str, tuple]:
    seen = {}
    for url in urls:
        response = client.get(url, headers=headers if url.startswith("/api/") else {})
        body = CSRF.sub(b"", response.data)
        seen[url] = (response.status_code, body, response.headers.get("ETag"), response.headers.get("Content-Length"))
    return seen


def test_a_changed_choice_is_invisible_to_everyone_else_while_the_round_is_open(client):
    scene = make_scene(weights=("1", "2", "3"))
    target = voting_round(scene)
    motion = motion_service.motions_of(target)[0]
    voter = scene.delegates[0]
    ballot_service.cast_ballot(voter, motion.id, "yes")
    ballot_service.cast_ballot(scene.delegates[1], motion.id, "no")
    db.session.commit()
    urls = _channels(scene, target, motion)
    for reader in (scene.secretariat, make_user("observer"), scene.delegates[2]):
        client.post("/sign-out")
        sign_in(client, reader)
        client.get("/")  # the welcome message is shown once
        headers = auth_header(token_for(reader))
        before = _snapshot(client, urls, headers)
        assert {u: s[0] for u, s in before.items() if s[0] != 200} == {}
        ballot_service.cast_ballot(
            voter, motion.id, "no" if ballot_service.ballot_of(voter, motion)[0].choice == "yes" else "yes"
        )
        db.session.commit()
        after = _snapshot(client, urls, headers)
        for url in urls:
            assert before[url] == after[url], url
