"""Blueprints, locale selection, security headers and error pages."""

from __future__ import annotations

from flask import Flask, g, has_request_context, make_response, render_template, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from principles_app.domain.languages import DEFAULT_LANGUAGE, LANGUAGES, direction_of
from principles_app.domain.times import zone_for
from principles_app.extensions import babel, db, login_manager
from principles_app.models import User
from principles_app.services.errors import BadRequest, NotFound, ServiceError
from principles_app.services.sessions import user_for_key
from principles_app.web.errors import http_error_name, register_database_errors

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000"


MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """Match only ids the database can hold, so an absurd id is a 404, never a driver error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class NoSessionForTheApi(SecureCookieSessionInterface):
    """Sessions for pages only: the API knows its callers by bearer token, never by the session cookie.

    The one exception is a read that the site's own pages make from their script and that says so
    (``Endpoint.browser_session``, e.g. the live view of a meeting): a GET, which changes nothing.
    """

    def open_session(self, app: Flask, request) -> SecureCookieSession | None:
        if request.path.startswith("/api/") and not _read_by_the_pages(app, request):
            return self.make_null_session(app)
        return super().open_session(app, request)


def _read_by_the_pages(app: Flask, request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    try:
        endpoint, _arguments = app.create_url_adapter(request).match()
    except HTTPException:
        return False
    spec = getattr(app.view_functions.get(endpoint), "api_endpoint", None)
    return bool(spec is not None and spec.browser_session)


def select_locale() -> str:
    """Pick the language: the user's saved choice, the session's, else the browser's."""
    if not has_request_context():
        return DEFAULT_LANGUAGE  # services run from the command line and from tests without a request
    user = getattr(g, "api_user", None) or (current_user if current_user and current_user.is_authenticated else None)
    if user is not None and user.language in LANGUAGES:
        return user.language
    chosen = session.get("language") if not request.path.startswith("/api/") else None
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def select_timezone() -> str:
    """Pick the time zone: the user's saved one, else their organisation's region default, else UTC."""
    user = getattr(g, "api_user", None) or (current_user if current_user and current_user.is_authenticated else None)
    if user is None:
        return "UTC"
    return zone_for(user.time_zone, user.organisation.region.value if user.organisation is not None else None)


# Sent with every response; a view may set its own Content-Security-Policy (published pages do).
_FIXED_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def _security_headers(response):
    present = {name.lower() for name, _value in response.headers}
    # One pass over the headers rather than a search per header: every response goes through here.
    added = [(name, value) for name, value in _FIXED_HEADERS if name.lower() not in present]
    api = request.path.startswith("/api/")
    if "cache-control" not in present and request.endpoint != "static":
        # The API knows its caller by bearer token, pages by session cookie.
        signed_in = g.get("api_user") is not None if api else current_user.is_authenticated
        added.append(("Cache-Control", "no-store" if signed_in else "no-cache"))
        present.add("cache-control")
    if "cache-control" in present and "vary" not in present:
        added.append(("Vary", "Authorization, Accept-Language" if api else "Cookie, Accept-Language"))
    if request.is_secure and "strict-transport-security" not in present:
        # Only over HTTPS (behind a proxy, as X-Forwarded-Proto says once TRUSTED_PROXIES trusts it).
        added.append(("Strict-Transport-Security", HSTS))
    response.headers.extend(added)
    return response


def _error_page(error: HTTPException):
    if request.path.startswith("/api/"):
        # principles_app.web.api imports its routes, whose modules need this package loaded first.
        from principles_app.web.api.errors import http_error_response

        return http_error_response(error)
    name = http_error_name(error.code, error.name)
    return render_template("errors/error.html", code=error.code, name=name), error.code or 500


def _service_error_page(error: ServiceError):
    if request.path.startswith("/api/"):
        # principles_app.web.api imports its routes, whose modules need this package loaded first.
        from principles_app.web.api.errors import service_error_response

        return service_error_response(error)
    db.session.rollback()
    html = render_template("errors/error.html", code=error.status, name=str(error.message), fields=error.fields)
    response = make_response(html, error.status)
    if error.status == 429:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _refuse_nul_characters() -> None:
    """Refuse a NUL character before it reaches a query: no database text can hold it.

    An address with one names nothing (404); a query or form value with one is refused (400).
    JSON bodies of the API are checked field by field when they are parsed (422).
    """
    if "\x00" in request.path:
        raise NotFound()
    texts = [item for pair in request.args.lists() for item in (pair[0], *pair[1])]
    if request.mimetype in FORM_TYPES and not request.path.startswith("/api/"):
        texts += [item for pair in request.form.lists() for item in (pair[0], *pair[1])]
    if any("\x00" in text for text in texts):
        raise BadRequest(_("The address or the form contains a character that cannot be stored."))


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return user_for_key(user_id)


def _keep_touches(response):
    """Save when a session was last seen or a token last used, if the request did not commit it itself."""
    if db.session.info.pop("touched", False) and response.status_code < 400:
        db.session.commit()
    return response


def trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from X-Forwarded-For/-Proto, set by TRUSTED_PROXIES proxies only.

    Without the setting the headers are ignored: anyone can send them, and the address is what
    the sign-in limits count. The Host is never taken from a header: links come from PUBLIC_URL.
    """
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0)


def register_web(app: Flask) -> None:
    """Attach every blueprint, hook and error handler to the app."""
    trust_proxies(app)
    # The views are loaded when the app is built, not when this package is imported (scripts, tests).
    from principles_app.web.admin.views import bp as admin_bp
    from principles_app.web.amendments.views import bp as amendments_bp
    from principles_app.web.api import bp as api_bp
    from principles_app.web.auth.passkeys import bp as passkeys_bp
    from principles_app.web.auth.second_factor import bp as two_factor_bp
    from principles_app.web.auth.sessions import bp as sessions_bp
    from principles_app.web.auth.views import bp as auth_bp
    from principles_app.web.comments.views import bp as comments_bp
    from principles_app.web.drafts.views import bp as drafts_bp
    from principles_app.web.endorsements.views import bp as endorsements_bp
    from principles_app.web.invitations.views import bp as invitations_bp
    from principles_app.web.main.views import bp as main_bp
    from principles_app.web.meetings.live import bp as meeting_live_bp
    from principles_app.web.meetings.minutes import bp as minutes_bp
    from principles_app.web.meetings.views import bp as meetings_bp
    from principles_app.web.points.views import bp as points_bp
    from principles_app.web.publications.desk import bp as publishing_bp
    from principles_app.web.publications.views import public_bp
    from principles_app.web.rounds.views import bp as rounds_bp
    from principles_app.web.search.calendar import bp as calendar_bp
    from principles_app.web.search.views import bp as search_bp
    from principles_app.web.templating import register_template_helpers
    from principles_app.web.translations.views import bp as translations_bp
    from principles_app.web.voices.views import bp as voices_bp
    from principles_app.web.voices.views import public_voices_bp
    from principles_app.web.voting.desk import bp as ballot_desk_bp
    from principles_app.web.voting.views import bp as voting_bp

    app.url_map.converters["int"] = IdConverter
    app.session_interface = NoSessionForTheApi()
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None

    for blueprint in (
        main_bp,
        auth_bp,
        admin_bp,
        api_bp,
        public_bp,
        publishing_bp,
        comments_bp,
        drafts_bp,
        amendments_bp,
        rounds_bp,
        voting_bp,
        translations_bp,
        endorsements_bp,
        voices_bp,
        public_voices_bp,
        points_bp,
        ballot_desk_bp,
        two_factor_bp,
        passkeys_bp,
        search_bp,
        calendar_bp,
        meetings_bp,
        meeting_live_bp,
        minutes_bp,
        sessions_bp,
        invitations_bp,
    ):
        app.register_blueprint(blueprint)
    register_template_helpers(app)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
    app.after_request(_keep_touches)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(ServiceError, _service_error_page)
    register_database_errors(app)

    @app.context_processor
    def _page_language():
        language = str(get_locale() or DEFAULT_LANGUAGE)
        return {"page_language": language, "page_direction": direction_of(language)}
