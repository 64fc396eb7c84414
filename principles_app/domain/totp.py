"""Time-based one-time codes (RFC 6238): which time step a code belongs to, each step accepted once."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # a code of the step before or after the current one still passes: clocks drift


def new_secret() -> str:
    """Return a fresh random base32 secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def step_at(moment: datetime) -> int:
    """Return the time step a moment falls in."""
    return int(moment.timestamp()) // STEP_SECONDS


def code_for(secret: str, step: int) -> str:
    """Return the code an app shows during a time step."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def accepted_step(secret: str, code: str, moment: datetime, last_used_step: int | None) -> int | None:
    """Return the step a code is accepted for at a moment, or None.

    The code must belong to the current step or one either side, and to a step later than the
    last one accepted: a code is used once, and an older one after a newer never.
    """
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    now = step_at(moment)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if last_used_step is not None and step <= last_used_step:
            continue
        if hmac.compare_digest(code_for(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """Return the otpauth:// address an app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=account, issuer_name=issuer)
