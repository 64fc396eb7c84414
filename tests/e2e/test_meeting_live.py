"""The live view of a meeting in a real browser: it updates itself within two seconds with JavaScript,
after a Refresh without it, its countdown ticks, and its projector layout passes axe-core in Arabic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import pg_url_for
from tests.e2e.conftest import axe_violations, sign_in
from tests.e2e.html_checker import html_errors
from tests.live_server import ROOT, serve_demo

pytestmark = pytest.mark.e2e
SECRETARIAT = ("secretariat@example.org", "demo-secretariat")
MEMBERS = [
    ("amina@sahel.example.org", "demo-member"),
    ("lucia@andean.example.org", "demo-member"),
    ("dara@mekong.example.org", "demo-member"),
]


@pytest.fixture(scope="module")
def live(db_url):
    """Serve the demo on a database of its own and open a running meeting with a motion on the floor."""
    if db_url.startswith("postgresql"):
        name = f"e2e_{uuid.uuid4().hex[:8]}"
        admin = create_engine(pg_url_for(db_url), isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        database = db_url.rsplit("/", 1)[0] + f"/{name}"
    else:
        database = f"sqlite:///{Path(tempfile.mkdtemp(prefix='principles-e2e-')) / 'e2e.sqlite'}"
    try:
        with serve_demo(database) as base:
            env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "e2e-secret"}
            made = subprocess.run(
                [sys.executable, "-m", "tests.e2e.meeting_setup"],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            yield base, json.loads(made.stdout.strip().splitlines()[-1])
    finally:
        if db_url.startswith("postgresql"):
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _vote(request, base: str, account: tuple[str, str], motion_id: int) -> None:
    token = request.post(f"{base}/api/v1/auth/token", data={"email": account[0], "password": account[1]}).json()
    cast = request.put(
        f"{base}/api/v1/motions/{motion_id}/ballot",
        data={"choice": "yes"},
        headers={"Authorization": f"Bearer {token['token']}"},
    )
    assert cast.status == 200, cast.text()


def _voted(page) -> int:
    shown = page.locator("#live-region .live-participation-total").inner_text()
    return int(shown.split(":", 1)[1].strip().split()[0])


def test_with_javascript_the_live_page_shows_a_new_ballot_within_two_seconds_and_the_timer_ticks(browser, live):
    base, ids = live
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    api = f"{base}/api/v1/meetings/{ids['meeting_id']}/live"
    answers: list[tuple[int, str | None]] = []
    page.on(
        "response",
        lambda r: answers.append((r.status, r.request.headers.get("if-none-match"))) if r.url == api else None,
    )
    try:
        sign_in(page, base, *SECRETARIAT)
        page.goto(f"{base}/meetings/{ids['meeting_id']}/live")
        before = _voted(page)
        timer = page.locator("[role=timer]")
        assert timer.get_attribute("aria-live") == "off" and timer.get_attribute("data-closes-at")
        first_tick = timer.inner_text()
        # It counts down every second (given three, for a busy machine).
        page.wait_for_function(
            "first => document.querySelector('[role=timer]').textContent !== first", arg=first_tick, timeout=3000
        )
        _vote(context.request, base, MEMBERS[0], ids["motion_id"])
        page.wait_for_function(
            "n => { const el = document.querySelector('#live-region .live-participation-total');"
            " return el && parseInt(el.textContent.split(':')[1]) === n; }",
            arg=before + 1,
            timeout=3500,  # two-second polling, with a margin for the request itself
        )
        assert page.locator("#live-region").get_attribute("aria-live") == "polite"
        # It asked the API with the ETag it held: 304 while nothing changed, 200 for the ballot.
        changed = next(i for i, (status, tag) in enumerate(answers) if status == 200 and tag)
        for _ in range(60):  # the next poll, two seconds on, finds nothing new
            if any(status == 304 and tag for status, tag in answers[changed + 1 :]):
                break
            page.wait_for_timeout(100)
        assert any(status == 304 and tag for status, tag in answers[changed + 1 :]), answers
    finally:
        context.close()


def test_without_javascript_refresh_gives_the_same_content(browser, live):
    base, ids = live
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    api = f"{base}/api/v1/meetings/{ids['meeting_id']}/live"
    answers: list[tuple[int, str | None]] = []
    page.on(
        "response",
        lambda r: answers.append((r.status, r.request.headers.get("if-none-match"))) if r.url == api else None,
    )
    try:
        sign_in(page, base, *SECRETARIAT)
        page.goto(f"{base}/meetings/{ids['meeting_id']}/live")
        before = _voted(page)
        heading = page.locator("#live-region h2").inner_text()
        _vote(context.request, base, MEMBERS[1], ids["motion_id"])
        page.wait_for_timeout(2500)
        assert _voted(page) == before  # nothing moves by itself without JavaScript
        with page.expect_navigation():
            page.locator("a.live-refresh").click()
        assert _voted(page) == before + 1
        assert page.locator("#live-region h2").inner_text() == heading
    finally:
        context.close()


def test_the_projector_layout_in_arabic_at_1920_by_1080_passes_axe(browser, live):
    base, ids = live
    context = browser.new_context(
        locale="ar",
        extra_http_headers={"Accept-Language": "ar"},
        viewport={"width": 1920, "height": 1080},
        bypass_csp=True,
    )
    page = context.new_page()
    try:
        sign_in(page, base, *SECRETARIAT)
        page.goto(f"{base}/meetings/{ids['meeting_id']}/live")
        pages = {"live": page.content()}
        with page.expect_navigation():
            page.locator("a[href$='projector=1']").click()  # one click from the live page
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("html").get_attribute("lang") == "ar"
        assert page.locator("nav").count() == 0
        assert page.locator("#live-region [role=timer]").count() == 1
        if ids["kind"] == "voting":
            assert page.locator("#live-region .line-number").count() > 0
        # Nothing scrolls sideways on the projector.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1920
        assert axe_violations(page) == []
        pages["projector"] = context.request.get(page.url).text()
        minutes = context.request.get(f"{base}/meetings/{ids['meeting_id']}/minutes.html")
        assert minutes.status == 200
        pages["minutes"] = minutes.text()
        assert html_errors(pages) == []
    finally:
        context.close()
