"""Passkeys (WebAuthn): register, name and remove them; sign in with one in place of the app's code.

The relying party is the site of PUBLIC_URL (its host is the RP id, its origin the expected
origin): a passkey made for one address never signs in at another. Passkeys come after the
authenticator app: they stand in for its code, and its recovery codes stay the way back in.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import webauthn
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import Passkey, User
from principles_app.services import audit, two_factor
from principles_app.services.errors import Conflict, NotFound, Unauthorised, ValidationFailed
from principles_app.services.two_factor import ISSUER

MAX_NAME_LENGTH = 100
MAX_CREDENTIAL_LENGTH = 64 * 1024
_BASE64URL = re.compile(r"[A-Za-z0-9_-]{1,700}")
# What a malformed credential may raise while it is parsed, beyond the library's own errors.
_MALFORMED = (WebAuthnException, ValueError, KeyError, TypeError, AttributeError, IndexError)


def _relying_party() -> tuple[str, str]:
    """Return the RP id (the host) and the origin of PUBLIC_URL."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    return parts.hostname or "localhost", f"{parts.scheme}://{parts.netloc}"


def list_passkeys(user: User) -> list[Passkey]:
    """Return the user's passkeys, oldest first."""
    return list(db.session.execute(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)).scalars())


def has_passkeys(user: User) -> bool:
    """Tell whether the user has registered a passkey."""
    return db.session.execute(select(Passkey.id).where(Passkey.user_id == user.id)).first() is not None


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id)) for p in list_passkeys(user)]


def registration_options(user: User) -> tuple[str, bytes]:
    """Return the options for the browser to create a passkey (JSON) and the challenge to expect back."""
    if not two_factor.is_on(user):
        raise Conflict(_l("Turn on two-factor sign-in with an app first; a passkey then stands in for its code."))
    rp_id, _origin = _relying_party()
    options = webauthn.generate_registration_options(
        rp_id=rp_id,
        rp_name=ISSUER,
        user_id=str(user.id).encode("ascii"),
        user_name=user.email,
        user_display_name=user.name,
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED
        ),
    )
    return webauthn.options_to_json(options), options.challenge


def _credential_json(credential: object) -> str:
    text = json.dumps(credential) if isinstance(credential, dict) else credential
    if not isinstance(text, str) or len(text) > MAX_CREDENTIAL_LENGTH:
        raise ValidationFailed(fields={"credential": str(_l("The passkey's answer could not be read."))})
    return text


def register(user: User, name: object, credential: object, challenge: bytes | None) -> Passkey:
    """Check the browser's new credential against the challenge and keep it under the name given."""
    if not two_factor.is_on(user):
        raise Conflict(_l("Turn on two-factor sign-in with an app first; a passkey then stands in for its code."))
    name = " ".join(name.split()) if isinstance(name, str) else ""
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed(
            fields={"name": str(_l("Give the passkey a name of at most %(n)d characters.", n=MAX_NAME_LENGTH))}
        )
    if not challenge:
        raise ValidationFailed(fields={"credential": str(_l("Start again: the request has expired."))})
    rp_id, origin = _relying_party()
    try:
        verified = webauthn.verify_registration_response(
            credential=_credential_json(credential),
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except _MALFORMED:
        raise ValidationFailed(fields={"credential": str(_l("The passkey could not be checked."))}) from None
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.session.execute(select(Passkey.id).where(Passkey.credential_id == credential_id)).first():
        raise Conflict(_l("This passkey is registered already."))
    passkey = Passkey(
        user_id=user.id,
        name=name,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )
    db.session.add(passkey)
    db.session.flush()
    audit.record("user.passkey_add", "user", user.id, {"passkey_id": passkey.id}, user)
    return passkey


def remove(user: User, passkey_id: int) -> None:
    """Remove one of the user's own passkeys; another person's is not found (404)."""
    passkey = db.session.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != user.id:
        raise NotFound()
    db.session.delete(passkey)
    audit.record("user.passkey_remove", "user", user.id, {"passkey_id": passkey_id}, user)


def authentication_options(user: User) -> tuple[str, bytes]:
    """Return the options for the browser to sign in with one of the user's passkeys, and the challenge."""
    rp_id, _origin = _relying_party()
    options = webauthn.generate_authentication_options(
        rp_id=rp_id, allow_credentials=_descriptors(user), user_verification=UserVerificationRequirement.PREFERRED
    )
    return webauthn.options_to_json(options), options.challenge


def authenticate(user: User, credential: object, challenge: bytes | None, remote_addr: str | None) -> Passkey:
    """Check a passkey's signature for the pending sign-in; a wrong one is refused (401) and counted."""
    two_factor.check_not_throttled(user, remote_addr)
    rp_id, origin = _relying_party()
    try:
        text = _credential_json(credential)
        raw_id = json.loads(text).get("rawId")
        if not isinstance(raw_id, str) or not _BASE64URL.fullmatch(raw_id):
            raise ValueError("not a credential id")
        passkey = db.session.execute(
            select(Passkey).where(Passkey.user_id == user.id, Passkey.credential_id == raw_id)
        ).scalar_one_or_none()
        if passkey is None or not challenge:
            raise ValueError("unknown passkey")
        verified = webauthn.verify_authentication_response(
            credential=text,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except (*_MALFORMED, ValidationFailed):
        two_factor.count_failure(user, remote_addr)
        raise Unauthorised(_l("The passkey was not accepted.")) from None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    return passkey
