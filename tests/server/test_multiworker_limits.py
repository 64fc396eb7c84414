"""Several gunicorn workers share sign-in limits through Redis, so spreading attempts over workers gains nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import redis

from tests.live_server import ROOT, free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_backed_server(e2e_database):
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError as error:
        raise RuntimeError(f"Redis is needed at {REDIS_URL} for this test") from error
    env = {
        **os.environ,
        "DATABASE_URL": e2e_database,
        "SECRET_KEY": "multiworker",
        "REDIS_URL": REDIS_URL,
        "SESSION_COOKIE_SECURE": "0",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "1024",
        "ARGON2_PARALLELISM": "1",
    }
    flask = [sys.executable, "-m", "flask", "--app", "principles_app"]
    subprocess.run(flask + ["db", "upgrade"], env=env, check=True, cwd=ROOT, capture_output=True)
    subprocess.run(flask + ["demo", "load"], env=env, check=True, cwd=ROOT, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "principles_app:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=10)
    client.flushdb()


def _token_request(base: str, password: str) -> tuple[int, dict]:
    body = json.dumps({"email": "amina@sahel.example.org", "password": password}).encode()
    request = urllib.request.Request(
        base + "/api/v1/auth/token",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Connection": "close"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_failed_sign_ins_are_counted_across_four_workers(redis_backed_server):
    statuses = [_token_request(redis_backed_server, "wrong password")[0] for _ in range(5)]
    assert statuses == [401] * 5
    status, headers = _token_request(redis_backed_server, "demo-member")
    assert status == 429
    assert int(headers["Retry-After"]) > 0
