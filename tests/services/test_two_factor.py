"""Two-factor sign-in as use cases: enrolment, codes used once, recovery codes, limits, turning off, reset."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from principles_app.extensions import db
from principles_app.models import AuditEntry, OutboxMessage, RecoveryCode, TotpCredential
from principles_app.services import two_factor
from principles_app.services.errors import Conflict, RateLimited, Unauthorised, ValidationFailed
from tests.factories import PASSWORD, make_user
from tests.two_factor_support import clock_fixture, code, enrol  # noqa: F401  (the clock fixture)

HERE = "198.51.100.9"


def test_enrolment_offers_one_secret_until_a_first_code_confirms_it(clock):
    user = make_user("member")
    secret, uri = two_factor.start_enrolment(user)
    assert two_factor.start_enrolment(user)[0] == secret  # the page reloaded shows the same QR code
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri and "Principles" in uri
    assert not two_factor.is_on(user)
    with pytest.raises(ValidationFailed) as refused:
        two_factor.confirm_enrolment(user, "000000" if code(secret, clock.now) != "000000" else "111111", HERE)
    assert "code" in refused.value.fields and not two_factor.is_on(user)
    codes = two_factor.confirm_enrolment(user, code(secret, clock.now), HERE)
    assert two_factor.is_on(user) and len(codes) == 10 and len(set(codes)) == 10
    with pytest.raises(Conflict):
        two_factor.start_enrolment(user)


def test_the_secret_and_recovery_codes_are_not_stored_in_the_clear(clock):
    user = make_user("member")
    secret, codes = enrol(user, clock)
    stored = db.session.execute(select(TotpCredential).where(TotpCredential.user_id == user.id)).scalar_one()
    assert secret not in stored.secret_encrypted
    hashes = db.session.execute(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).scalars()
    assert not {c.replace("-", "") for c in codes} & set(hashes)


def test_a_code_signs_in_once_and_its_replay_is_refused(clock):
    user = make_user("member")
    secret, _codes = enrol(user, clock)
    now_code = code(secret, clock.now)
    assert two_factor.verify_code(user, now_code, HERE) == "totp"
    with pytest.raises(Unauthorised):
        two_factor.verify_code(user, now_code, HERE)
    clock.advance()
    assert two_factor.verify_code(user, code(secret, clock.now), HERE) == "totp"


def test_the_enrolment_code_cannot_be_replayed_to_sign_in(clock):
    user = make_user("member")
    secret, _uri = two_factor.start_enrolment(user)
    first = code(secret, clock.now)
    two_factor.confirm_enrolment(user, first, HERE)
    with pytest.raises(Unauthorised):
        two_factor.verify_code(user, first, HERE)


def test_a_recovery_code_works_once_in_any_case_and_spacing(clock):
    user = make_user("member")
    _secret, codes = enrol(user, clock)
    assert two_factor.verify_code(user, " " + codes[0].upper().replace("-", " ") + " ", HERE) == "recovery"
    assert two_factor.recovery_codes_left(user) == 9
    with pytest.raises(Unauthorised):
        two_factor.verify_code(user, codes[0], HERE)
    assert two_factor.verify_code(user, codes[1], HERE) == "recovery"


def test_another_persons_recovery_code_is_refused(clock):
    one, other = make_user("member"), make_user("member")
    enrol(one, clock)
    _secret, codes = enrol(other, clock)
    with pytest.raises(Unauthorised):
        two_factor.verify_code(one, codes[0], HERE)


@pytest.mark.parametrize("bad", ["", "x" * 65, "12 34", "😀😀😀😀😀😀", None, 123456, ["123456"], "\x00" * 6])
def test_any_shape_of_wrong_code_is_a_401(clock, bad):
    user = make_user("member")
    enrol(user, clock)
    with pytest.raises(Unauthorised):
        two_factor.verify_code(user, bad, HERE)


def test_wrong_codes_are_counted_until_the_account_is_refused_for_a_while(clock, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_ACCOUNT_LIMIT", "3 per 15 minutes")
    user = make_user("member")
    secret, _codes = enrol(user, clock)
    for _attempt in range(3):
        with pytest.raises(Unauthorised):
            two_factor.verify_code(user, "999999" if code(secret, clock.now) != "999999" else "888888", HERE)
    with pytest.raises(RateLimited) as limited:
        two_factor.verify_code(user, code(secret, clock.now), HERE)  # even the right code, until the window ends
    assert limited.value.retry_after > 0


def test_turning_off_needs_the_current_password_and_removes_every_factor(clock):
    user = make_user("member")
    _secret, codes = enrol(user, clock)
    with pytest.raises(ValidationFailed) as refused:
        two_factor.disable(user, "not my password", HERE)
    assert "current_password" in refused.value.fields and two_factor.is_on(user)
    two_factor.disable(user, PASSWORD, HERE)
    assert not two_factor.is_on(user) and two_factor.recovery_codes_left(user) == 0
    with pytest.raises(Conflict):
        two_factor.disable(user, PASSWORD, HERE)


def test_the_secretariat_resets_a_second_factor_audited_and_the_person_is_told_in_their_language(clock):
    secretariat = make_user("secretariat")
    person = make_user("member")
    person.language = "fr"
    enrol(person, clock)
    two_factor.reset_second_factor(secretariat, person)
    db.session.commit()
    assert not two_factor.is_on(person)
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "user.two_factor_reset")).scalar_one()
    assert entry.actor_id == secretariat.id and entry.object_id == str(person.id)
    mail = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.user_id == person.id, OutboxMessage.event == "two_factor_reset")
    ).scalar_one()
    assert mail.language == "fr" and "Le secrétariat a supprimé les seconds facteurs" in mail.body_text
    with pytest.raises(Conflict):
        two_factor.reset_second_factor(secretariat, person)


def test_new_recovery_codes_replace_the_old_ones(clock):
    user = make_user("member")
    _secret, old = enrol(user, clock)
    new = two_factor.renew_recovery_codes(user)
    assert not set(old) & set(new) and two_factor.recovery_codes_left(user) == 10
    with pytest.raises(Unauthorised):
        two_factor.verify_code(user, old[0], HERE)


def test_a_changed_secret_key_leaves_no_code_that_matches(clock, app, monkeypatch):
    user = make_user("member")
    secret, _codes = enrol(user, clock)
    monkeypatch.setitem(app.config, "SECRET_KEY", "another key")
    with pytest.raises(Unauthorised):
        two_factor.verify_code(user, code(secret, clock.now), HERE)


def test_required_roles_come_from_the_configuration(app, monkeypatch, clock):
    secretariat, member = make_user("secretariat"), make_user("member")
    assert not two_factor.enrolment_required(secretariat)  # the tests set no role
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", "secretariat, member")
    assert two_factor.enrolment_required(secretariat) and two_factor.enrolment_required(member)
    enrol(member, clock)
    assert not two_factor.enrolment_required(member)


def test_the_default_requires_the_secretariat(monkeypatch, tmp_path):
    from principles_app.config import load_config

    monkeypatch.delenv("TWO_FACTOR_REQUIRED_ROLES", raising=False)
    assert load_config(tmp_path)["TWO_FACTOR_REQUIRED_ROLES"] == ("secretariat",)
    monkeypatch.setenv("TWO_FACTOR_REQUIRED_ROLES", "")
    assert load_config(tmp_path)["TWO_FACTOR_REQUIRED_ROLES"] == ()
