"""Errors a use case raises; the web and API layers turn them into responses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class ServiceError(Exception):
    """A refusal that the caller shows to the user as it is."""

    status = 400
    code = "bad_request"
    default_message = _l("The request could not be understood.")

    def __init__(self, message=None, fields: dict[str, str] | None = None):
        self.message = message if message is not None else self.default_message
        self.fields = fields
        super().__init__(str(self.message))


class BadRequest(ServiceError):
    """The request is malformed."""


class Unauthorised(ServiceError):
    """The caller is not signed in or the credentials are wrong."""

    status = 401
    code = "unauthorised"
    default_message = _l("Sign in first.")


class Forbidden(ServiceError):
    """The caller may not do this."""

    status = 403
    code = "forbidden"
    default_message = _l("You are not allowed to do this.")


class NotFound(ServiceError):
    """The object does not exist, or the caller may not know it does."""

    status = 404
    code = "not_found"
    default_message = _l("Not found.")


class Conflict(ServiceError):
    """The object is in the wrong state, or the change would duplicate something."""

    status = 409
    code = "conflict"
    default_message = _l("This conflicts with the current state.")


class ValidationFailed(ServiceError):
    """The input is well formed but not acceptable."""

    status = 422
    code = "validation_failed"
    default_message = _l("Some fields need attention.")


class RateLimited(ServiceError):
    """Too many attempts in a short time."""

    status = 429
    code = "rate_limited"
    default_message = _l("Too many attempts. Try again later.")

    def __init__(self, retry_after: int, message=None):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class Gone(ServiceError):
    """The link was used already or has expired."""

    status = 410
    code = "gone"
    default_message = _l("This link has expired or was already used.")
