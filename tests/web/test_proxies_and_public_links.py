"""Behind a proxy only TRUSTED_PROXIES makes X-Forwarded-* count; links never follow the request's Host."""

from __future__ import annotations

import types

import feedparser
import pytest

from principles_app import create_app
from tests.conftest import TEST_CONFIG
from tests.factories import PASSWORD, adopted_document, make_user, publish

PUBLIC_URL = "https://principles.example.org"
PROXY = {"REMOTE_ADDR": "10.0.0.2"}
EVIL = {"Host": "evil.example"}


@pytest.fixture
def proxied(app):
    """The same site behind one trusted reverse proxy."""
    behind = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "TRUSTED_PROXIES": 1,
            "SIGN_IN_ADDRESS_LIMIT": "2 per 15 minutes",
        }
    )
    return behind.test_client()


def fail_from(client, address: str, times: int = 2) -> None:
    for _ in range(times):
        client.post(
            "/sign-in",
            data={"email": make_user().email, "password": "a wrong guess"},
            environ_base=PROXY,
            headers={"X-Forwarded-For": address},
        )


def test_without_trusted_proxies_x_forwarded_for_is_ignored(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_ADDRESS_LIMIT", "2 per 15 minutes")
    # An attacker sending a new X-Forwarded-For each time is still one address.
    fail_from(client, "203.0.113.1", 1)
    fail_from(client, "203.0.113.2", 1)
    owner = make_user()
    response = client.post(
        "/sign-in",
        data={"email": owner.email, "password": PASSWORD},
        environ_base=PROXY,
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    assert response.status_code == 429


def test_with_a_trusted_proxy_each_client_address_counts_on_its_own(proxied):
    fail_from(proxied, "203.0.113.66")
    owner = make_user()
    refused = proxied.post(
        "/sign-in",
        data={"email": owner.email, "password": PASSWORD},
        environ_base=PROXY,
        headers={"X-Forwarded-For": "203.0.113.66"},
    )
    assert refused.status_code == 429, "the address that failed is refused"
    welcomed = proxied.post(
        "/sign-in",
        data={"email": owner.email, "password": PASSWORD},
        environ_base=PROXY,
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    assert welcomed.status_code == 302, "another client behind the same proxy is not"
    # Only the last hop is trusted: an address the client put in front of it changes nothing.
    spoofed = proxied.post(
        "/sign-in",
        data={"email": owner.email, "password": PASSWORD},
        environ_base=PROXY,
        headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.66"},
    )
    assert spoofed.status_code == 429


def test_hsts_only_over_https(app, client, proxied):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    assert (
        client.get("/sign-in", base_url="https://localhost").headers["Strict-Transport-Security"].startswith("max-age=")
    )
    # Anyone can claim HTTPS in a header; only a trusted proxy is believed.
    assert "Strict-Transport-Security" not in client.get("/sign-in", headers={"X-Forwarded-Proto": "https"}).headers
    behind = proxied.get("/sign-in", environ_base=PROXY, headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in behind.headers


def test_no_server_header_from_the_app(client):
    assert "Server" not in client.get("/sign-in").headers


def test_gunicorn_names_no_server():
    from gunicorn.http import wsgi

    from principles_app import gunicorn_conf

    request = types.SimpleNamespace(version=(1, 1), should_close=lambda: True, method="GET")
    response = wsgi.Response(request, None, types.SimpleNamespace())
    response.status = "200 OK"
    headers = response.default_headers()
    assert not [line for line in headers if line.lower().startswith("server")]
    assert any(line.startswith("Date:") for line in headers)
    assert gunicorn_conf.secure_scheme_headers == {}, "gunicorn leaves X-Forwarded-Proto to TRUSTED_PROXIES"


def test_feed_api_and_openapi_links_come_from_public_url_not_the_host(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC_URL)
    publish(adopted_document())
    feed = client.get("/principles/feed.atom", headers=EVIL)
    assert feed.status_code == 200
    text = feed.get_data(as_text=True)
    assert "evil.example" not in text
    parsed = feedparser.parse(feed.data)
    links = [parsed.feed.id] + [link.href for entry in parsed.entries for link in entry.links]
    assert links and all(link.startswith(PUBLIC_URL + "/principles/") for link in links)
    listing = client.get("/api/v1/publications", headers=EVIL).get_json()
    urls = [p["url"] for p in listing["publications"]]
    detail = client.get("/api/v1/publications/principles/1.0", headers=EVIL)
    assert detail.status_code == 200
    urls += [detail.get_json()["url"], *detail.get_json()["exports"].values()]
    assert urls and all(url.startswith(PUBLIC_URL + "/") for url in urls)
    servers = client.get("/api/v1/openapi.json", headers=EVIL).get_json()["servers"]
    assert servers == [{"url": PUBLIC_URL + "/"}]
