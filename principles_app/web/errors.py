"""A database that does not answer: 503 with Retry-After, never a 500."""
from __future__ import annotations

from flask import Flask, g, make_response, render_template, request
from flask_babel import gettext as _
from sqlalchemy import exc as sa_exc

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

FALLBACK_PAGE = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>503</title></head>"
                 "<body><main><h1>Service unavailable</h1><p>Please try again in a few seconds.</p></main></body></html>")


def _forget_loaded_users() -> None:
    """Drop the request's users: after the rollback, reading them would ask the database again."""
    g._login_user = login_manager.anonymous_user()
    g.api_user = None


def database_unavailable(error: BaseException):
    """Roll back whatever the request wrote and ask the client to retry shortly."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  the connection is gone; the pool discards it and nothing was committed
        db.session.close()
    _forget_loaded_users()
    message = _("The database is not answering. Try again in a few seconds.")
    if request.path.startswith("/api/"):
        from principles_app.web.api.errors import error_body

        response = error_body(503, "unavailable", message)
    else:
        try:
            html = render_template("errors/error.html", code=503, name=message)
        except Exception:  # noqa: BLE001  a page that itself needs the database must not turn the 503 into a 500
            html = FALLBACK_PAGE
        response = make_response(html, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def register_database_errors(app: Flask) -> None:
    """Answer every database outage with 503 and Retry-After."""
    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, database_unavailable)
