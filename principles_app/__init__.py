"""Principles for Collaboration: draft, amend, debate, vote on and publish shared principles."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from principles_app import extensions
from principles_app.config import load_config
from principles_app.db import ping_after_idle

PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped_folder(name: str) -> str:
    """Return the folder a wheel ships inside the package, else the checkout's top-level one."""
    inside = PACKAGE_DIR / name
    return str(inside if inside.is_dir() else PACKAGE_DIR.parent / name)


MIGRATIONS_DIR = _shipped_folder("migrations")


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints and commands."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=_shipped_folder("templates"),
        static_folder=_shipped_folder("static"),
    )
    app.config.from_mapping(load_config(Path(app.instance_path), testing=bool(config and config.get("TESTING"))))
    if config:
        app.config.from_mapping(config)
        if "RATELIMIT_STORAGE_URI" not in config and config.get("REDIS_URL"):
            app.config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]

    # Loaded when an app is built, so `import principles_app.<module>` (migrations, scripts) stays light.
    from principles_app import models  # noqa: F401  (registers the tables)
    from principles_app.cli import register_commands
    from principles_app.web import register_web

    # Reached through the module so that `principles_app.db` stays the db module (migrations import it).
    extensions.db.init_app(app)
    with app.app_context():
        ping_after_idle(extensions.db.engine, app.config["DATABASE_PING_AFTER_IDLE"])
    extensions.migrate.init_app(app, extensions.db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.limiter.init_app(app)
    register_web(app)
    register_commands(app)
    from principles_app.services.commit_signal import start_signalling
    from principles_app.services.search import start_indexing

    start_indexing()
    start_signalling()
    return app
