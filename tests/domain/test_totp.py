"""Time-based codes against a controlled clock: the right step, one step of drift, each step once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp

from principles_app.domain import totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOON = datetime(2026, 12, 5, 12, 0, 0, tzinfo=UTC)  # a step boundary: 1796472000 / 30 is whole


def code_at(moment: datetime) -> str:
    return pyotp.TOTP(SECRET).at(moment)


def test_the_code_an_app_shows_now_is_accepted_for_this_step():
    assert totp.accepted_step(SECRET, code_at(NOON), NOON, None) == totp.step_at(NOON)


def test_rfc_6238_vectors_match_an_independent_implementation():
    # The same secret and moment give the same code as pyotp's own TOTP (the apps' algorithm).
    for seconds in (59, 1111111109, 1234567890, 2000000000):
        moment = datetime.fromtimestamp(seconds, UTC)
        assert totp.code_for(SECRET, totp.step_at(moment)) == pyotp.TOTP(SECRET).at(moment)


def test_one_step_of_clock_drift_either_way_is_accepted_two_are_not():
    for drift, accepted in ((-60, False), (-30, True), (30, True), (60, False)):
        code = code_at(NOON + timedelta(seconds=drift))
        step = totp.accepted_step(SECRET, code, NOON, None)
        assert (step is not None) is accepted, drift


def test_a_code_is_accepted_once_and_an_older_one_never_after_a_newer():
    step = totp.accepted_step(SECRET, code_at(NOON), NOON, None)
    assert totp.accepted_step(SECRET, code_at(NOON), NOON + timedelta(seconds=10), step) is None
    earlier = code_at(NOON - timedelta(seconds=30))
    assert totp.accepted_step(SECRET, earlier, NOON, step) is None
    later = code_at(NOON + timedelta(seconds=30))
    assert totp.accepted_step(SECRET, later, NOON + timedelta(seconds=30), step) == step + 1


def test_spaces_are_ignored_and_anything_but_six_digits_is_refused():
    code = code_at(NOON)
    assert totp.accepted_step(SECRET, f" {code[:3]} {code[3:]} ", NOON, None) is not None
    for wrong in ("", "12345", "1234567", "abcdef", "١٢٣٤٥٦", code + "0", "000000" if code != "000000" else "111111"):
        assert totp.accepted_step(SECRET, wrong, NOON, None) is None, wrong


def test_a_new_secret_is_random_base32_of_160_bits_or_more():
    first, second = totp.new_secret(), totp.new_secret()
    assert first != second and len(first) >= 32 and set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
