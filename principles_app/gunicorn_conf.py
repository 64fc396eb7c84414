"""Settings gunicorn reads (``gunicorn.conf.py`` at the top level, or ``-c python:principles_app.gunicorn_conf``).

* No ``Server`` header: gunicorn names itself in every response and has no setting to stop it,
  so the line is dropped from the headers it writes.
* Gunicorn never takes the scheme from X-Forwarded-Proto by itself (it would from any local
  peer): the app does, through ProxyFix, when ``TRUSTED_PROXIES`` says how many proxies to trust.
"""

from __future__ import annotations

from gunicorn.http import wsgi

__all__ = ["secure_scheme_headers"]

secure_scheme_headers: dict[str, str] = {}

_default_headers = wsgi.Response.default_headers


def _without_server(response: wsgi.Response) -> list[str]:
    """Return gunicorn's own response headers less the one naming the server."""
    return [line for line in _default_headers(response) if not line.lower().startswith("server:")]


if getattr(_default_headers, "__name__", "") != "_without_server":  # loaded twice, patched once
    wsgi.Response.default_headers = _without_server
