"""A secret round's result never shows how a region or category of fewer than three voters voted."""

from __future__ import annotations

import pytest

from principles_app.extensions import db
from principles_app.services import ballots as ballot_service
from principles_app.services import closing, meeting_pack
from principles_app.services import motions as motion_service
from tests.factories import auth_header, make_scene, sign_in, token_for, voting_round

CHOICES = ("yes", "no", "abstain")


def _decided(secrecy: str, other_secrecy: str | None = None):
    """Three African members and the only MENA member vote; the round closes (then, if asked, a second one)."""
    scene = make_scene(weights=("1", "2", "3", "4"), regions=("africa", "africa", "africa", "mena"), amendments=2)
    motions = []
    for amendment, kind in zip(scene.amendments, (secrecy, other_secrecy)):
        if kind is None:
            break
        target = voting_round(scene, secrecy=kind, motions=False, open_it=False)
        motion_service.put_motion(scene.secretariat, target, amendment)
        closing.open_round(scene.secretariat, target)
        motion = motion_service.motions_of(target)[0]
        for delegate, choice in zip(scene.delegates, ("yes", "yes", "abstain", "no")):
            ballot_service.cast_ballot(delegate, motion.id, choice)
        closing.close_round(scene.secretariat, target)
        db.session.commit()
        motions.append(motion)
    return scene, *motions


def _smallest_group_with_choices(result: dict) -> int:
    sizes = [
        group["participation_count"]
        for key in ("by_region", "by_category")
        for group in result[key].values()
        if any(choice in group for choice in CHOICES)
    ]
    return min(sizes)


def test_the_api_merges_a_lone_secret_voter_and_names_no_merged_region(client):
    scene, motion, named = _decided("secret", "named")
    headers = auth_header(token_for(scene.delegates[0]))
    result = client.get(f"/api/v1/motions/{motion.id}/result", headers=headers).json
    assert "mena" not in result["by_region"]
    # Africa alone beside the overall tally would give MENA's choice away: it is merged too.
    assert "africa" not in result["by_region"]
    other = result["by_region"]["other"]
    assert other["merged"] == 2 and other["participation_count"] == 4 and other["no"]["count"] == 1
    assert _smallest_group_with_choices(result) >= 3
    assert result["tally"]["no"]["count"] == 1  # the overall result is untouched
    assert result["participation"]["by_region"]["mena"]["count"] == 1  # turnout is not a choice
    # The same ballots in a named round keep the full breakdown.
    named_result = client.get(f"/api/v1/motions/{named.id}/result", headers=headers).json
    assert named_result["by_region"]["mena"]["no"] == {"count": 1, "weight": "4.0000"}
    assert "other" not in named_result["by_region"]


def test_the_threshold_is_a_setting(app, client, monkeypatch):
    scene, motion = _decided("secret")
    headers = auth_header(token_for(scene.delegates[0]))
    assert "mena" not in client.get(f"/api/v1/motions/{motion.id}/result", headers=headers).json["by_region"]
    monkeypatch.setitem(app.config, "SECRET_MIN_GROUP", 1)
    result = client.get(f"/api/v1/motions/{motion.id}/result", headers=headers).json
    assert result["by_region"]["mena"]["no"]["count"] == 1


@pytest.mark.parametrize(
    "language, sentence",
    [
        ("en", "counted together under"),
        ("es", "se cuentan juntas"),
        ("fr", "sont comptées ensemble"),
        ("ar", "تُحسب معًا"),
    ],
)
def test_the_result_page_says_small_groups_were_merged(client, language, sentence):
    scene, motion = _decided("secret")
    sign_in(client, scene.delegates[0])
    page = client.get(f"/motions/{motion.id}/result", headers={"Accept-Language": language}).get_data(as_text=True)
    assert sentence in page


def test_the_result_page_of_a_secret_round_shows_no_small_region(client):
    scene, motion = _decided("secret")
    sign_in(client, scene.delegates[0])
    page = client.get(f"/motions/{motion.id}/result", headers={"Accept-Language": "en"}).get_data(as_text=True)
    tables = page.split("Tally by region")[1].split("Bulletin")[0]
    assert "Other regions" in tables and "MENA" not in tables and "Middle East" not in tables


def test_the_meeting_pack_carries_no_small_group_of_a_secret_round(app):
    _scene, motion = _decided("secret")
    with app.test_request_context():
        result = meeting_pack._vote_results(motion.amendment.document)[motion.amendment_id]
    assert "mena" not in result["by_region"]
