"""PostgreSQL restarts under load: 503 with Retry-After meanwhile, recovery by itself, no ballot lost or doubled.

Collected only on PostgreSQL runs (see tests/server/conftest.py): on SQLite there is no server to restart.
It restarts the machine's PostgreSQL cluster, so every other client of it sees a few seconds of outage.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.server.fault_support import (
    CHOICES,
    CONNECTION_ERRORS,
    REQUEST_TIMEOUT,
    Gunicorn,
    expected_tally,
    request,
    scratch_database,
    seed_ballot_network,
)

ORGANISATIONS = 40
MOTIONS = 2
BALLOT_CLIENTS = 4
HEALTH_CLIENTS = 2
TEST_SECONDS = 90  # the whole load stops by itself after this


def _cluster() -> list[str]:
    version = min(p.name for p in Path("/etc/postgresql").iterdir())
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def _postgres_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], timeout=10, check=False).returncode == 0


def _wait_for_postgres(seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _postgres_ready():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def network_server(db_url):
    with scratch_database(db_url) as database_url:
        network = seed_ballot_network(database_url, ORGANISATIONS, MOTIONS)
        server = Gunicorn(database_url, workers=2)
        try:
            yield network, server, database_url
        finally:
            server.stop()


def test_a_postgres_restart_gives_503_then_the_app_recovers_and_keeps_every_ballot(network_server):
    network, server, database_url = network_server
    outcomes: list[tuple[float, str, int | str, str | None]] = []  # (time, kind, status or error, Retry-After)
    acknowledged: dict[tuple[int, int], str] = {}
    lock = threading.Lock()
    stop = threading.Event()
    deadline = time.monotonic() + TEST_SECONDS

    def note(kind: str, outcome, retry_after=None) -> None:
        with lock:
            outcomes.append((time.monotonic(), kind, outcome, retry_after))

    def call(kind: str, method: str, path: str, token: str | None = None, body: dict | None = None):
        started = time.monotonic()
        try:
            status, headers, payload = request(server.port, method, path, token, body, timeout=REQUEST_TIMEOUT)
        except CONNECTION_ERRORS as error:
            note(kind, f"{type(error).__name__} after {time.monotonic() - started:.1f}s")
            return None, None
        note(kind, status, headers.get("retry-after"))
        return status, payload

    def health_client() -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            call("health", "GET", "/healthz")
            time.sleep(0.02)

    def ballot_client(mine: list[int]) -> None:
        # Each organisation belongs to one client, so its requests are sequential; each choice is sent
        # until acknowledged, so the last acknowledged choice is the one the database must hold.
        turn = 0
        while not stop.is_set() and time.monotonic() < deadline:
            for i in mine:
                for j, motion_id in enumerate(network.motions):
                    choice = CHOICES[(i + j + turn) % 3]
                    while time.monotonic() < deadline:
                        status, _payload = call(
                            "ballot",
                            "PUT",
                            f"/api/v1/motions/{motion_id}/ballot",
                            network.tokens[i],
                            {"choice": choice},
                        )
                        if status == 200:
                            with lock:
                                acknowledged[(i, j)] = choice
                            break
                        if status != 503:
                            return  # anything else is reported by the assertions below
                        time.sleep(0.1)
            turn += 1

    threads = [threading.Thread(target=health_client, daemon=True) for _ in range(HEALTH_CLIENTS)]
    threads += [
        threading.Thread(target=ballot_client, args=(list(range(k, ORGANISATIONS, BALLOT_CLIENTS)),), daemon=True)
        for k in range(BALLOT_CLIENTS)
    ]
    try:
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        restart_started = time.monotonic()
        subprocess.run(_cluster() + ["restart"], check=True, timeout=60, capture_output=True)
        assert _wait_for_postgres(30)
        restart_done = time.monotonic()
        # Keep the load on until both a health check and a ballot have succeeded well after the restart.
        recovered_at = None
        while time.monotonic() < deadline:
            with lock:
                late = [o for o in outcomes if o[0] > restart_done + 1 and o[2] == 200]
            if {o[1] for o in late} == {"health", "ballot"} and len(late) >= 20:
                recovered_at = time.monotonic()
                break
            time.sleep(0.1)
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
    finally:
        stop.set()
        if not _wait_for_postgres(10):
            subprocess.run(_cluster() + ["start"], timeout=60, capture_output=True, check=False)
            _wait_for_postgres(30)
    assert _postgres_ready()
    assert recovered_at is not None, "the app did not recover by itself after the restart"
    assert not any(thread.is_alive() for thread in threads)

    statuses = {o[2] for o in outcomes}
    assert statuses <= {200, 503}, sorted(map(str, statuses))  # never a 500, never a hang or a reset
    unavailable = [o for o in outcomes if o[2] == 503]
    assert unavailable, "no request met the outage"
    assert all(o[3] == "5" for o in unavailable)
    assert all(restart_started - 1 <= o[0] <= restart_done + 5 for o in unavailable)
    # The last health checks say ok again.
    assert [o[2] for o in outcomes if o[1] == "health"][-5:] == [200] * 5

    # Every acknowledged ballot is in the database exactly once, with the last acknowledged choice.
    engine = create_engine(database_url, pool_pre_ping=True)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT b.organisation_id, b.motion_id, b.choice, COUNT(*) OVER "
                "(PARTITION BY b.motion_id, b.organisation_id) FROM ballot b"
            )
        ).all()
    engine.dispose()
    assert all(count == 1 for *_rest, count in rows)
    assert len(rows) == len(acknowledged)
    for (i, j), choice in acknowledged.items():
        status, _headers, body = request(
            server.port, "GET", f"/api/v1/motions/{network.motions[j]}/ballot", network.tokens[i]
        )
        assert status == 200 and json.loads(body)["choice"] == choice

    status, _headers, body = request(
        server.port, "POST", f"/api/v1/rounds/{network.round_id}/close", network.secretariat_token, timeout=60
    )
    assert status == 200, body
    for j, motion_id in enumerate(network.motions):
        status, _headers, body = request(
            server.port, "GET", f"/api/v1/motions/{motion_id}/result", network.secretariat_token
        )
        assert json.loads(body)["tally"] == expected_tally(acknowledged, network, j)
