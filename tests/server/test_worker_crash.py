"""A gunicorn worker killed in the middle of a ballot load loses no ballot and duplicates none."""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from tests.server.fault_support import (
    CHOICES,
    CONNECTION_ERRORS,
    Gunicorn,
    expected_tally,
    request,
    scratch_database,
    seed_ballot_network,
)

ORGANISATIONS = 200
MOTIONS = 2
CLIENTS = 16
LOAD_SECONDS = 150  # the load stops by itself even if the server does not answer


def choices_of(i: int, j: int) -> tuple[str, str]:
    """Return the first and the changed choice of organisation i on motion j."""
    return CHOICES[(i + j) % 3], CHOICES[(i * 7 + j * 3 + 1) % 3]


@pytest.fixture
def network_server(db_url):
    with scratch_database(db_url) as database_url:
        network = seed_ballot_network(database_url, ORGANISATIONS, MOTIONS)
        server = Gunicorn(database_url, workers=4)
        try:
            yield network, server, database_url
        finally:
            server.stop()


def test_killing_a_worker_during_the_ballot_load_loses_and_duplicates_nothing(network_server):
    network, server, database_url = network_server
    acknowledged: dict[tuple[int, int], str] = {}
    retried, failures = [], []
    lock = threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS
    next_organisation = iter(range(ORGANISATIONS))

    def send_until_acknowledged(i: int, motion_id: int, choice: str) -> None:
        # A reset connection may or may not have been applied: resending the same choice is safe.
        while time.monotonic() < deadline:
            try:
                status, headers, body = request(
                    server.port, "PUT", f"/api/v1/motions/{motion_id}/ballot", network.tokens[i], {"choice": choice}
                )
            except CONNECTION_ERRORS as error:
                with lock:
                    retried.append(type(error).__name__)
                time.sleep(0.05)
                continue
            if status == 503 and headers.get("retry-after"):
                with lock:
                    retried.append("503")
                time.sleep(0.05)
                continue
            if status != 200:
                with lock:
                    failures.append(f"{status}: {body[:200]!r}")
                return
            assert json.loads(body)["choice"] == choice
            return
        failures.append("time limit reached")

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                i = next(next_organisation, None)
            if i is None:
                return
            for phase in (0, 1):
                for j, motion_id in enumerate(network.motions):
                    choice = choices_of(i, j)[phase]
                    send_until_acknowledged(i, motion_id, choice)
                    with lock:
                        acknowledged[(i, j)] = choice

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    killed = []
    for share in (0.2, 0.55):  # kill one worker a fifth of the way through, another past the middle
        while len(acknowledged) < share * ORGANISATIONS * MOTIONS and time.monotonic() < deadline:
            time.sleep(0.01)
        killed.append(server.kill_worker())
    for thread in threads:
        thread.join(timeout=max(1, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "the load did not finish in time"
    assert failures == []
    assert len(acknowledged) == ORGANISATIONS * MOTIONS

    # gunicorn replaced the killed workers.
    for _ in range(100):
        pids = server.worker_pids()
        if len(pids) == 4 and not set(killed) & set(pids):
            break
        time.sleep(0.1)
    assert len(server.worker_pids()) == 4 and not set(killed) & set(server.worker_pids())

    # Every organisation reads back its last acknowledged choice.
    for (i, j), choice in acknowledged.items():
        status, _headers, body = request(
            server.port, "GET", f"/api/v1/motions/{network.motions[j]}/ballot", network.tokens[i]
        )
        assert status == 200 and json.loads(body)["choice"] == choice, (i, j, status, body)

    # One ballot per organisation per motion in the database, nothing more.
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT motion_id, organisation_id, COUNT(*) FROM ballot GROUP BY motion_id, organisation_id")
        ).all()
        history = conn.execute(text("SELECT COUNT(*) FROM ballot_change")).scalar_one()
    engine.dispose()
    assert len(rows) == ORGANISATIONS * MOTIONS and all(count == 1 for *_key, count in rows)
    # Each cast and change left one history row; a resent request may add one of its own.
    assert 2 * ORGANISATIONS * MOTIONS <= history <= 2 * ORGANISATIONS * MOTIONS + len(retried)

    status, _headers, body = request(
        server.port, "POST", f"/api/v1/rounds/{network.round_id}/close", network.secretariat_token, timeout=60
    )
    assert status == 200, body
    for j, motion_id in enumerate(network.motions):
        status, _headers, body = request(
            server.port, "GET", f"/api/v1/motions/{motion_id}/result", network.secretariat_token
        )
        assert status == 200
        assert json.loads(body)["tally"] == expected_tally(acknowledged, network, j)
