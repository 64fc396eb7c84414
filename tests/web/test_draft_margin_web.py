"""The working draft read like a marked-up text (SPEC §15): each principle's open amendments beside it."""

from __future__ import annotations

import re

from principles_app.extensions import db
from principles_app.services import recommendations as recommendation_service
from tests.factories import make_scene, sign_in


def _section(html: str, principle_id: int) -> str:
    start = html.index(f'id="principle-{principle_id}"')
    end = html.find('<section class="principle"', start)
    return html[start : end if end != -1 else len(html)]


def test_open_amendments_sit_in_the_margin_of_their_principle_competing_ones_together(client):
    scene = make_scene(weights=("1", "2", "3"), amendments=3)
    first, second, third = scene.amendments
    recommendation_service.recommend(scene.secretariat, first, "accept", "Clearer.")
    db.session.commit()
    sign_in(client, scene.delegates[1])
    html = client.get("/documents/principles/").get_data(as_text=True)
    margin = _section(html, first.principle_id).split('<aside class="principle-margin"', 1)[1].split("</aside>")[0]
    assert "2 open amendments" in margin
    group = margin.split('class="amendment-group"', 1)[1]
    assert f'href="/amendments/{first.id}"' in group and f'href="/amendments/{third.id}"' in group
    assert "Competing amendments" in margin and "Recommendation: accept" in margin
    assert '<span class="badge badge-open">open</span>' in margin  # the status
    assert f"proposed by {scene.delegates[0].name}" in margin
    assert re.search(r"Amendment \d+ to Principle 1, lines? \d", margin)  # where it touches
    other = _section(html, second.principle_id).split('<aside class="principle-margin"', 1)[1].split("</aside>")[0]
    assert f'href="/amendments/{second.id}"' in other and "amendment-group" not in other
    assert "1 open amendment" in other


def test_a_principle_without_amendments_says_so_in_its_margin(client):
    scene = make_scene(weights=("1",), amendments=0)
    sign_in(client, scene.delegates[0])
    html = client.get("/documents/principles/").get_data(as_text=True)
    assert html.count('<aside class="principle-margin"') == html.count('<section class="principle"') > 0
    assert "No open amendments." in html
