"""Error pages in the reader's language; a database that does not answer: 503 with Retry-After, never a 500."""

from __future__ import annotations

from flask import Flask, g, make_response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import exc as sa_exc

from principles_app.domain.languages import DEFAULT_LANGUAGE, direction_of
from principles_app.extensions import db, login_manager

RETRY_AFTER_SECONDS = 5

# What a lost, restarting or locked database raises: through SQLAlchemy, from the pool, or raw from the driver.
DATABASE_UNAVAILABLE: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)
try:
    import psycopg

    DATABASE_UNAVAILABLE += (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # SQLite-only installs have no psycopg
    pass

# What the reader sees of an HTTP error raised with abort(); werkzeug's own names are English only.
HTTP_ERROR_NAMES = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in first."),
    403: _l("You are not allowed to see or do this."),
    404: _l("Page not found."),
    405: _l("This method is not allowed here."),
    409: _l("This cannot be done in the current state."),
    413: _l("The request body is too large."),
    429: _l("Too many requests. Try again later."),
    500: _l("Something went wrong on our side."),
}

# The 503 page when even the error template cannot be rendered; _fallback_page fills it in the
# reader's language, and FALLBACK_PAGE is what is left when translating fails too.
_FALLBACK_LAYOUT = (
    '<!doctype html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"><title>503</title>'
    "</head><body><main><h1>{title}</h1><p>{message}</p></main></body></html>"
)
FALLBACK_PAGE = _FALLBACK_LAYOUT.format(
    lang="en", dir="ltr", title="Service unavailable", message="Please try again in a few seconds."
)


def http_error_name(code: int | None, default: str) -> str:
    """Return the reader's-language name of an HTTP error, or werkzeug's name for an unusual one."""
    name = HTTP_ERROR_NAMES.get(code or 500)
    return str(name) if name is not None else default


def _fallback_page() -> str:
    """Return the bare 503 page in the reader's language, or in English if that fails as well."""
    try:
        language = str(get_locale() or DEFAULT_LANGUAGE)
        return _FALLBACK_LAYOUT.format(
            lang=escape(language),
            dir=direction_of(language),
            title=escape(_("Service unavailable")),
            message=escape(_("Please try again in a few seconds.")),
        )
    except Exception:
        return FALLBACK_PAGE


def _forget_loaded_users() -> None:
    """Drop the request's users: after the rollback, reading them would ask the database again."""
    g._login_user = login_manager.anonymous_user()
    g.api_user = None


def database_unavailable(error: BaseException):
    """Roll back whatever the request wrote and ask the client to retry shortly."""
    try:
        db.session.rollback()
    except Exception:
        db.session.close()
    _forget_loaded_users()
    message = _("The database is not answering. Try again in a few seconds.")
    if request.path.startswith("/api/"):
        # principles_app.web.api loads every API route; a database error page must not need that at import.
        from principles_app.web.api.errors import error_body

        response = error_body(503, "unavailable", message)
    else:
        try:
            html = render_template("errors/error.html", code=503, name=message)
        except Exception:
            html = _fallback_page()
        response = make_response(html, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def register_database_errors(app: Flask) -> None:
    """Answer every database outage with 503 and Retry-After."""
    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, database_unavailable)
