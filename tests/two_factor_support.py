"""Helpers of the two-factor tests: a controlled clock, enrolment, codes an app would show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from principles_app.extensions import db
from principles_app.services import two_factor

START = datetime(2026, 12, 5, 9, 0, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves on; the two-factor service reads it."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: int = 30) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch) -> Clock:
    """Freeze the service's clock at START; `clock.advance()` moves it a step on."""
    fixed = Clock()
    monkeypatch.setattr(two_factor, "utcnow", fixed)
    return fixed


def code(secret: str, moment: datetime) -> str:
    """Return the code an authenticator app shows at a moment."""
    return pyotp.TOTP(secret).at(moment)


def enrol(user, clock: Clock) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on for the user; return the secret and the recovery codes (clock moved a step on)."""
    secret, _uri = two_factor.start_enrolment(user)
    codes = two_factor.confirm_enrolment(user, code(secret, clock.now), "192.0.2.1")
    db.session.commit()
    clock.advance()
    return secret, codes
