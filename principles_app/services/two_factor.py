"""Two-factor sign-in: enrol an authenticator app, check its codes and recovery codes, turn it off or reset it.

The app's secret is stored encrypted with a key derived from SECRET_KEY, and recovery codes as a
hash keyed by it, so a copy of the database alone reveals neither. Changing SECRET_KEY therefore
turns every second factor off in effect: the secretariat resets them (``reset_second_factor``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from principles_app.db import utcnow
from principles_app.domain import totp
from principles_app.extensions import db
from principles_app.models import Passkey, RecoveryCode, TotpCredential, User
from principles_app.ratelimits import count, seconds_until_allowed
from principles_app.services import audit
from principles_app.services.auth import password_hasher
from principles_app.services.errors import Conflict, Forbidden, RateLimited, Unauthorised, ValidationFailed
from principles_app.services.notifications import link_to, notify_account

ISSUER = "Principles for Collaboration"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied by hand
_RECOVERY_LENGTH = 10
MAX_CODE_LENGTH = 64


class TwoFactorRequired(Unauthorised):
    """The account has two-factor sign-in on and no code was given."""

    code = "two_factor_required"
    default_message = _l("This account has two-factor sign-in: send the code from your app as well.")


class EnrolmentRequired(Forbidden):
    """The user's role requires two-factor sign-in, and it is not on yet."""

    code = "two_factor_enrolment_required"
    default_message = _l(
        "Your role requires two-factor sign-in. Turn it on in your account in the browser before anything else."
    )


def _key(purpose: bytes) -> bytes:
    """Derive a key for one purpose from SECRET_KEY (HKDF-SHA256)."""
    secret = current_app.config["SECRET_KEY"]
    material = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"principles-" + purpose).derive(material)


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key(b"totp-secret")))


def _encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode("ascii")).decode("ascii")


def _decrypt(stored: str) -> str | None:
    try:
        return _fernet().decrypt(stored.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return None  # SECRET_KEY changed: the secret is lost, and no code matches


def _recovery_digest(code: str) -> str:
    return hmac.new(_key(b"recovery-code"), _normalise_recovery(code).encode("utf-8"), hashlib.sha256).hexdigest()


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch not in " -\t")


def _credential(user: User) -> TotpCredential | None:
    return db.session.execute(select(TotpCredential).where(TotpCredential.user_id == user.id)).scalar_one_or_none()


def is_on(user: User) -> bool:
    """Tell whether the user has two-factor sign-in on (a confirmed authenticator app)."""
    if user is None or user.id is None:
        return False
    found = db.session.execute(
        select(TotpCredential.id).where(TotpCredential.user_id == user.id, TotpCredential.confirmed_at.is_not(None))
    ).first()
    return found is not None


def required_roles() -> frozenset[str]:
    """Return the roles whose users must turn two-factor sign-in on (TWO_FACTOR_REQUIRED_ROLES)."""
    value = current_app.config.get("TWO_FACTOR_REQUIRED_ROLES") or ()
    names = value.split(",") if isinstance(value, str) else value
    return frozenset(name.strip() for name in names if name and name.strip())


def enrolment_required(user: User) -> bool:
    """Tell whether the user's role requires two-factor sign-in and it is not on yet."""
    roles = required_roles()
    return bool(roles) and user.role.value in roles and not is_on(user)


def start_enrolment(user: User) -> tuple[str, str]:
    """Return the secret to enrol (new, or the one offered before) and its otpauth:// address."""
    credential = _credential(user)
    if credential is not None and credential.confirmed_at is not None:
        raise Conflict(_l("Two-factor sign-in is already on."))
    secret = _decrypt(credential.secret_encrypted) if credential is not None else None
    if secret is None:
        secret = totp.new_secret()
        if credential is None:
            credential = TotpCredential(user_id=user.id, secret_encrypted=_encrypt(secret))
            db.session.add(credential)
        else:
            credential.secret_encrypted = _encrypt(secret)
        db.session.flush()
    return secret, totp.provisioning_uri(secret, user.email, ISSUER)


def check_not_throttled(user: User, remote_addr: str | None) -> None:
    """Refuse (429) a second factor for an account or address that has failed too often."""
    for setting, identifier in (
        ("TWO_FACTOR_ACCOUNT_LIMIT", str(user.id)),
        ("TWO_FACTOR_ADDRESS_LIMIT", remote_addr or "unknown"),
    ):
        if (wait := seconds_until_allowed(setting, identifier)) is not None:
            raise RateLimited(retry_after=wait)


def count_failure(user: User, remote_addr: str | None) -> None:
    """Count a wrong second factor against the account and the address."""
    count("TWO_FACTOR_ACCOUNT_LIMIT", str(user.id))
    count("TWO_FACTOR_ADDRESS_LIMIT", remote_addr or "unknown")


def _spend_step(credential: TotpCredential, secret: str, code: str) -> bool:
    """Accept a code for the credential once; the conditional UPDATE makes a replay lose even a race."""
    step = totp.accepted_step(secret, code, utcnow(), credential.last_used_step)
    if step is None:
        return False
    spent = db.session.execute(
        update(TotpCredential)
        .where(
            TotpCredential.id == credential.id,
            (TotpCredential.last_used_step.is_(None)) | (TotpCredential.last_used_step < step),
        )
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent == 1:
        credential.last_used_step = step
    return spent == 1


def confirm_enrolment(user: User, code: str, remote_addr: str | None) -> list[str]:
    """Turn two-factor sign-in on with a first code from the app; return the ten recovery codes, shown once."""
    check_not_throttled(user, remote_addr)
    credential = _credential(user)
    if credential is None or credential.confirmed_at is not None:
        raise Conflict(_l("Start the enrolment again: scan the new QR code."))
    secret = _decrypt(credential.secret_encrypted)
    if secret is None or not _spend_step(credential, secret, code or ""):
        count_failure(user, remote_addr)
        raise ValidationFailed(fields={"code": str(_l("This code is not right. Enter the code your app shows now."))})
    credential.confirmed_at = utcnow()
    codes = _new_recovery_codes(user)
    audit.record("user.two_factor_enable", "user", user.id, {"method": "totp"}, user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _index in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_digest(code)) for code in codes)
    db.session.flush()
    return codes


def renew_recovery_codes(user: User) -> list[str]:
    """Replace every recovery code of the user with ten new ones; return them, shown once."""
    if not is_on(user):
        raise Conflict(_l("Two-factor sign-in is not on."))
    codes = _new_recovery_codes(user)
    audit.record("user.recovery_codes_renew", "user", user.id, None, user)
    return codes


def recovery_codes_left(user: User) -> int:
    """Return how many recovery codes of the user are still unused."""
    return db.session.execute(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def _spend_recovery_code(user: User, code: str) -> bool:
    normalised = _normalise_recovery(code)
    if len(normalised) != _RECOVERY_LENGTH:
        return False
    return (
        db.session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == _recovery_digest(normalised),
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def verify_code(user: User, code: object, remote_addr: str | None) -> str:
    """Check a second-factor code (the app's, or a recovery code) for a sign-in; return which it was.

    A wrong, replayed or used code is refused (401) and counted per account and per address;
    past either limit every code is refused (429) until the window ends.
    """
    check_not_throttled(user, remote_addr)
    code = code if isinstance(code, str) and len(code) <= MAX_CODE_LENGTH else ""
    credential = _credential(user)
    secret = _decrypt(credential.secret_encrypted) if credential and credential.confirmed_at else None
    if secret is not None and _spend_step(credential, secret, code):
        return "totp"
    if secret is not None and _spend_recovery_code(user, code):
        audit.record("user.recovery_code_use", "user", user.id, {"left": recovery_codes_left(user)}, user)
        return "recovery"
    count_failure(user, remote_addr)
    raise Unauthorised(_l("This code is not right, or it was already used."))


def check_token_exchange(user: User, code: str | None, remote_addr: str | None) -> None:
    """Ask for the second factor when a token is requested: 401 without a code, 403 before enrolment."""
    if is_on(user):
        if not code:
            raise TwoFactorRequired()
        verify_code(user, code, remote_addr)
    elif enrolment_required(user):
        raise EnrolmentRequired()


def _check_current_password(user: User, password: object, remote_addr: str | None) -> None:
    check_not_throttled(user, remote_addr)
    hasher = password_hasher()
    try:
        hasher.verify(user.password_hash, password if isinstance(password, str) else "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        count_failure(user, remote_addr)
        raise ValidationFailed(fields={"current_password": str(_l("This is not your current password."))}) from None


def _remove_second_factors(user: User) -> None:
    for model in (TotpCredential, RecoveryCode, Passkey):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.flush()


def disable(user: User, current_password: str, remote_addr: str | None) -> None:
    """Turn one's own two-factor sign-in off (app, recovery codes and passkeys), after the current password."""
    if not is_on(user):
        raise Conflict(_l("Two-factor sign-in is not on."))
    _check_current_password(user, current_password, remote_addr)
    _remove_second_factors(user)
    audit.record("user.two_factor_disable", "user", user.id, {"by": "self"}, user)


def reset_second_factor(actor: User, user: User) -> None:
    """Remove a person's second factors for them (a lost phone), audited; they are told by e-mail."""
    if not is_on(user) and not db.session.execute(select(Passkey.id).where(Passkey.user_id == user.id)).first():
        raise Conflict(_l("This person has no second factor to reset."))
    _remove_second_factors(user)
    audit.record("user.two_factor_reset", "user", user.id, {"by": "secretariat"}, actor)
    notify_account(user, "two_factor_reset", {"url": link_to("two_factor.manage")})
