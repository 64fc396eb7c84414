"""Pieces for the fault tests: a scratch database, a seeded ballot network, gunicorn, and a retrying client.

The seed follows benchmarks/bench_voting.py (rows straight in, exact weights, one amendment per
motion) at a size a test can afford.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks.seeding import bench_app, network, weight_of
from principles_app.domain.tally import CHOICES
from tests.conftest import pg_url_for
from tests.live_server import ROOT, free_port

REQUEST_TIMEOUT = 15  # no single request may hang longer than this


@contextmanager
def scratch_database(db_url: str) -> Iterator[str]:
    """Create an empty database of the suite's kind for one test and drop it afterwards."""
    if not db_url.startswith("postgresql"):
        folder = Path(tempfile.mkdtemp(prefix="principles-faults-"))
        yield f"sqlite:///{folder / 'faults.sqlite'}"
        return
    name = f"faults_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url_for(db_url), isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield pg_url_for(db_url).rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class BallotNetwork:
    """Who votes on what: member tokens in organisation order, their weights, the motions and the round."""

    tokens: list[str]
    weights: list[Decimal]
    motions: list[int]
    round_id: int
    secretariat_token: str


def seed_ballot_network(database_url: str, organisations: int, motions: int) -> BallotNetwork:
    """Create member organisations, a document, one amendment per motion and an open voting round."""
    from principles_app.db import utcnow
    from principles_app.extensions import db
    from principles_app.services import amendments, auth, closing, drafts, rounds
    from principles_app.services import motions as motion_service

    app = bench_app(database_url)
    with app.app_context():
        db.create_all()
        secretariat, members = network(organisations)
        document = drafts.create_document(
            secretariat,
            "principles",
            "Principles",
            "",
            [
                {"title": f"Principle {n}", "text": f"We work together in good faith on matter number {n} of ours."}
                for n in range(1, motions + 1)
            ],
        )
        drafting = rounds.create_round(secretariat, document, "amendments", "Drafting", utcnow() + timedelta(days=1))
        closing.open_round(secretariat, drafting)
        proposals = [
            amendments.propose(
                members[n % organisations],
                document,
                "modify",
                "Clearer.",
                principle_id=p.id,
                text=p.text.replace("good faith", "good faith and openly"),
            )
            for n, p in enumerate(drafts.live_principles(document))
        ]
        closing.close_round(secretariat, drafting)
        vote = rounds.create_round(secretariat, document, "voting", "Vote", utcnow() + timedelta(hours=6))
        for proposal in proposals:
            motion_service.put_motion(secretariat, vote, proposal)
        closing.open_round(secretariat, vote)
        seeded = BallotNetwork(
            tokens=[auth.issue_token(m)[0] for m in members],
            weights=[weight_of(i) for i in range(organisations)],
            motions=[m.id for m in motion_service.motions_of(vote)],
            round_id=vote.id,
            secretariat_token=auth.issue_token(secretariat)[0],
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return seeded


def expected_tally(final: dict[tuple[int, int], str], network: BallotNetwork, motion_index: int) -> dict:
    """Sum the acknowledged final choices on one motion exactly, as the API reports a tally."""
    totals = {c: {"count": 0, "weight": Decimal(0)} for c in CHOICES}
    for (i, j), choice in final.items():
        if j == motion_index:
            totals[choice]["count"] += 1
            totals[choice]["weight"] += network.weights[i]
    return {c: {"count": t["count"], "weight": str(t["weight"].quantize(Decimal("0.0001")))} for c, t in totals.items()}


class Gunicorn:
    """A gunicorn master with sync workers, serving the app on a free loopback port."""

    def __init__(self, database_url: str, workers: int, extra_env: dict[str, str] | None = None):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "faults",
            "SESSION_COOKIE_SECURE": "0",
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_COST": "1024",
            "ARGON2_PARALLELISM": "1",
            # The scene's secretariat works through its token without enrolling in two-factor sign-in.
            "TWO_FACTOR_REQUIRED_ROLES": "",
            **(extra_env or {}),
        }
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "principles_app:create_app()",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        self.workers = workers
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is None and len(self.worker_pids()) == workers:
                try:
                    if request(self.port, "GET", "/healthz")[0] == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + self.log_tail())

    def worker_pids(self) -> list[int]:
        """Return the pids of the master's live worker processes."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                pids.append(int(entry.name))
        return pids

    def kill_worker(self) -> int:
        """SIGKILL one worker; the master starts a new one in its place."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def log_tail(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        Path(self.log.name).unlink(missing_ok=True)


def request(
    port: int,
    method: str,
    path: str,
    token: str | None = None,
    body: dict | None = None,
    timeout: float = REQUEST_TIMEOUT,
) -> tuple[int, dict[str, str], bytes]:
    """Send one request on a fresh connection; connection errors propagate to the caller."""
    headers = {"Connection": "close"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


CONNECTION_ERRORS = (OSError, http.client.HTTPException)
