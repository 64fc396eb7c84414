"""Read by gunicorn when started from this folder: no Server header, forwarded headers only through the app."""

from principles_app.gunicorn_conf import *  # noqa: F403
