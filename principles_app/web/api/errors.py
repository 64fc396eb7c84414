"""The API's error body: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from principles_app.extensions import db
from principles_app.services.errors import ServiceError

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
}


def error_body(status: int, code: str, message: str, fields: dict | None = None):
    """Build a JSON error response."""
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    response = jsonify({"error": error})
    response.status_code = status
    return response


def service_error_response(error: ServiceError):
    """Turn a refused use case into its JSON error; nothing it did is kept."""
    db.session.rollback()
    response = error_body(error.status, error.code, str(error.message), error.fields)
    if error.status == 429:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def http_error_response(error: HTTPException):
    """Turn a werkzeug HTTP error into the JSON error body."""
    status = error.code or 500
    messages = {
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request body is too large."),
        429: _("Too many requests. Try again later."),
    }
    response = error_body(
        status, HTTP_CODES.get(status, "error"), messages.get(status, error.description or error.name)
    )
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429:
        response.headers["Retry-After"] = str(getattr(error, "retry_after", None) or 60)
    return response
