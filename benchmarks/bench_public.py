"""Public site under gunicorn: latest page and 304s against a static file, page weight, PDF export.

One run builds a 50-principle publication through the real services in a scratch SQLite
database, starts gunicorn on 127.0.0.1 (a free port), and measures, in the same run and with
the same client, requests per second for the static stylesheet, the latest publication page
and conditional (If-None-Match) requests for that page. Load is bounded in time and count.

Run as ``python -m benchmarks bench_public``.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.seeding import bench_app

ROOT = Path(__file__).resolve().parent.parent
PRINCIPLES = 50
SLUG = "principles"
SECONDS_PER_MEASURE = 1.5
ROUNDS = 3
MAX_REQUESTS_PER_MEASURE = 20_000
CLIENT_THREADS = 4
WORKERS = 2
# About 270 characters a principle, as in the network's own draft.
BODY = (
    "We work together in good faith and credit each other's work by name when partners wish it. "
    "Where exposure creates risk, anonymity is the default. Decisions are taken closest to the "
    "people they affect, and disagreements are raised within the network first."
)


def _seed(database_url: str) -> dict[str, Any]:
    """Create the network, a 50-principle document, its adoption and its publication."""
    from principles_app.db import utcnow
    from principles_app.extensions import db
    from principles_app.models import Role
    from principles_app.services import (
        ballots,
        closing,
        drafts,
        motions,
        organisations,
        publications,
        rounds,
    )

    app = bench_app(database_url)
    with app.app_context():
        db.create_all()
        secretariat_org = organisations.create_organisation(
            None, name="Secretariat", region="international", category="secretariat", vote_weight=Decimal(0)
        )
        secretariat = organisations.create_user(
            None,
            email="sec@example.org",
            name="Sec",
            password="x" * 12,
            role=Role.SECRETARIAT,
            organisation=secretariat_org,
        )
        voters = []
        for n, region in enumerate(("africa", "americas", "asia_pacific", "europe_central_asia", "mena")):
            org = organisations.create_organisation(
                None, name=f"Member {n}", region=region, category="member", vote_weight=Decimal(1)
            )
            voters.append(
                organisations.create_user(
                    None, email=f"m{n}@example.org", name=f"M{n}", password="x" * 12, role=Role.MEMBER, organisation=org
                )
            )
        db.session.commit()  # reload the rows so enum columns come back as enums
        body = BODY
        document = drafts.create_document(
            secretariat,
            SLUG,
            "Principles for Collaboration",
            "We adopt these.",
            [{"title": f"Principle {n}", "text": body} for n in range(1, PRINCIPLES + 1)],
        )
        adoption = rounds.create_round(secretariat, document, "adoption", "Adoption", utcnow() + timedelta(days=1))
        closing.open_round(secretariat, adoption)
        motion = motions.motions_of(adoption)[0]
        for voter in voters:
            ballots.cast_ballot(voter, motion.id, "yes")
        closing.close_round(secretariat, adoption)
        publication = publications.publish(
            secretariat, document, motion.version_number, "1.0", date(2024, 6, 14), "General Meeting, Berlin 2024"
        )
        db.session.commit()
        started = time.perf_counter()
        first = publications.rendered_export(publication, "pdf", "en")
        db.session.commit()
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = publications.rendered_export(publication, "pdf", "en")
        second_seconds = time.perf_counter() - started
        cache_hit = second.id == first.id and second.body == first.body
    return {"pdf_first": first_seconds, "pdf_second": second_seconds, "pdf_cached": cache_hit}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _BalanceChecker(HTMLParser):
    """Check that every non-void element is closed in order (a structural validity check)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def well_formed(page: bytes) -> bool:
    """Tell whether the page starts with a doctype and closes every element it opens."""
    checker = _BalanceChecker()
    checker.feed(page.decode("utf-8"))
    return page.startswith(b"<!doctype html>") and not checker.errors and not checker.stack


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def _wait_until_up(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            _get(port, "/healthz")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def _rate(port: int, path: str, headers: dict[str, str], expect: int) -> float:
    """Requests per second for one URL over SECONDS_PER_MEASURE, from CLIENT_THREADS threads."""
    counts = [0] * CLIENT_THREADS
    errors: list[str] = []
    stop = time.monotonic() + SECONDS_PER_MEASURE

    def worker(i: int) -> None:
        while time.monotonic() < stop and sum(counts) < MAX_REQUESTS_PER_MEASURE:
            status, _body, _headers = _get(port, path, headers)
            if status != expect:
                errors.append(f"{path}: {status}")
                return
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENT_THREADS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(counts) / (time.monotonic() - started)


def run() -> list[dict]:
    """Measure and return the benchmark rows."""
    folder = Path(tempfile.mkdtemp(prefix="bench-public-"))
    database_url = f"sqlite:///{folder / 'bench.sqlite'}"
    seeded = _seed(database_url)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
            "principles_app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_up(port, time.monotonic() + 30)
        latest = f"/principles/{SLUG}/"
        status, page, headers = _get(port, latest)
        _status, css, _css_headers = _get(port, "/static/style.css")
        etag = headers["ETag"]
        for path in (latest, "/static/style.css"):  # warm every worker
            for _ in range(10):
                _get(port, path)
        # Interleave the three measurements so that a noisy neighbour slows them all alike.
        static = page_rate = conditional = 0.0
        for _round in range(ROUNDS):
            static += _rate(port, "/static/style.css", {}, 200) / ROUNDS
            page_rate += _rate(port, latest, {}, 200) / ROUNDS
            conditional += _rate(port, latest, {"If-None-Match": etag}, 304) / ROUNDS
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    weight = len(page) + len(css)
    return [
        {
            "benchmark": "static file req/s (gunicorn, 2 workers)",
            "value": round(static),
            "target": "baseline",
            "ok": status == 200,
        },
        {
            "benchmark": "latest page req/s / static",
            "value": round(page_rate / static, 2),
            "target": ">= 0.5",
            "ok": page_rate / static >= 0.5,
        },
        {
            "benchmark": "latest page 304 req/s / static",
            "value": round(conditional / static, 2),
            "target": ">= 0.8",
            "ok": conditional / static >= 0.8,
        },
        {
            "benchmark": f"latest page weight, {PRINCIPLES} principles of {len(BODY)} chars, HTML+CSS (KB)",
            "value": round(weight / 1024, 1),
            "target": "<= 30",
            "ok": weight <= 30 * 1024 and b"<script" not in page and well_formed(page),
        },
        {
            "benchmark": f"PDF export, {PRINCIPLES} principles, first render (s)",
            "value": round(seeded["pdf_first"], 2),
            "target": "< 3",
            "ok": seeded["pdf_first"] < 3,
        },
        {
            "benchmark": "PDF export, second request (s, cache hit)",
            "value": round(seeded["pdf_second"], 3),
            "target": "cached",
            "ok": seeded["pdf_cached"] and seeded["pdf_second"] < 0.5,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
