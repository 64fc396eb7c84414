"""Sessions as gunicorn serves them: a new session at sign-in, an old one worthless, cookie flags set."""

from __future__ import annotations

import http.client
import re
import urllib.parse

import pytest

from tests.server.fault_support import Gunicorn

MEMBER = ("amina@sahel.example.org", "demo-member")


def _call(port: int, method: str, path: str, cookie: str | None = None, form: dict | None = None):
    """Send one request; return status, Location, the session Set-Cookie header (or None) and the body."""
    headers = {"Connection": "close"}
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        set_cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie" and v.startswith("session=")]
        return (
            response.status,
            response.getheader("Location"),
            set_cookies[-1] if set_cookies else None,
            response.read().decode(),
        )
    finally:
        connection.close()


def _value(set_cookie: str) -> str:
    return set_cookie.split(";", 1)[0].split("=", 1)[1]


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def port(live_server):
    return int(live_server.rsplit(":", 1)[1])


def test_signing_in_gives_a_new_session_and_the_old_one_opens_nothing(port):
    status, _location, set_cookie, html = _call(port, "GET", "/sign-in")
    assert status == 200 and set_cookie
    before = _value(set_cookie)
    status, location, set_cookie, _html = _call(
        port,
        "POST",
        "/sign-in",
        before,
        {"csrf_token": _csrf(html), "email": MEMBER[0], "password": MEMBER[1], "next": ""},
    )
    assert status == 302 and set_cookie, status
    after = _value(set_cookie)
    assert after != before
    status, _location, renewed, account = _call(port, "GET", "/account", after)
    assert status == 200
    current = _value(renewed) if renewed else after  # the page's CSRF token may be stored in a renewed cookie

    # The cookie from before sign-in never opens a signed-in page, during the session or after it.
    assert _call(port, "GET", "/account", before)[0] == 302
    status, _location, cleared, _html = _call(port, "POST", "/sign-out", current, {"csrf_token": _csrf(account)})
    assert status == 302 and cleared
    status, location, _cookie, _html = _call(port, "GET", "/account", before)
    assert status == 302 and "/sign-in" in location
    status, location, _cookie, _html = _call(port, "GET", "/account", _value(cleared))
    assert status == 302 and "/sign-in" in location
    # A copy of the signed-in cookie, taken before sign-out, opens nothing after it.
    status, location, _cookie, _html = _call(port, "GET", "/account", current)
    assert status == 302 and "/sign-in" in location


def test_the_session_cookie_is_httponly_and_lax_from_gunicorn(port):
    set_cookie = _call(port, "GET", "/sign-in")[2]
    flags = [part.strip().lower() for part in set_cookie.split(";")]
    assert "httponly" in flags and "samesite=lax" in flags
    assert "secure" not in flags  # this server runs with SESSION_COOKIE_SECURE=0 on plain http


def test_the_session_cookie_is_secure_unless_turned_off(live_server, e2e_database):
    server = Gunicorn(e2e_database, workers=1, extra_env={"SESSION_COOKIE_SECURE": "1"})
    try:
        set_cookie = _call(server.port, "GET", "/sign-in")[2]
    finally:
        server.stop()
    flags = [part.strip().lower() for part in set_cookie.split(";")]
    assert {"secure", "httponly", "samesite=lax"} <= set(flags)
