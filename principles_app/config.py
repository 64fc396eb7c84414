"""Settings from the environment, with defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from principles_app.domain.languages import DEFAULT_LANGUAGE


def _instance_secret_key(instance_path: Path) -> str:
    """Return the secret key stored in the instance folder, creating it once."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # Written with exclusive create so two workers starting together agree on one key.
        try:
            with open(key_file, "x", encoding="utf-8") as fh:
                fh.write(secrets.token_hex(32))
        except FileExistsError:
            pass
    return key_file.read_text(encoding="utf-8").strip()


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _names(value: str) -> tuple[str, ...]:
    """Return the names of a comma-separated list, without blanks."""
    return tuple(name.strip() for name in value.split(",") if name.strip())


def load_config(instance_path: Path, testing: bool = False) -> dict:
    """Build the configuration mapping from the environment (every setting the code reads is declared here)."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'principles.sqlite'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://") :]
    if database_url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship.
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _instance_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Pooled connections are tested before use only after sitting idle this long (principles_app.db).
        "DATABASE_PING_AFTER_IDLE": float(os.environ.get("DATABASE_PING_AFTER_IDLE", "10")),
        # Raised by every commit, read by the live view of a meeting: shared by the workers of one host.
        "COMMIT_SIGNAL_FILE": os.environ.get("COMMIT_SIGNAL_FILE") or str(instance_path / "commit-signal"),
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": True,
        "SIGN_IN_ACCOUNT_LIMIT": os.environ.get("SIGN_IN_ACCOUNT_LIMIT", "5 per 15 minutes"),
        "SIGN_IN_ADDRESS_LIMIT": os.environ.get("SIGN_IN_ADDRESS_LIMIT", "20 per 15 minutes"),
        # Once an account's limit is spent, the browser sign-in asks for an e-mailed link this short-lived.
        "SIGN_IN_LINK_MINUTES": int(os.environ.get("SIGN_IN_LINK_MINUTES", "15")),
        # "Forgot password" requests: refused (429) past the address's limit, silently not sent past the account's.
        "PASSWORD_RESET_ADDRESS_LIMIT": os.environ.get("PASSWORD_RESET_ADDRESS_LIMIT", "10 per hour"),
        "PASSWORD_RESET_ACCOUNT_LIMIT": os.environ.get("PASSWORD_RESET_ACCOUNT_LIMIT", "3 per hour"),
        # How many reverse proxies stand in front of the app; only then is X-Forwarded-For/-Proto read.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not _bool("FLASK_DEBUG") and _bool("SESSION_COOKIE_SECURE", True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": DEFAULT_LANGUAGE,
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "ARGON2_TIME_COST": int(os.environ.get("ARGON2_TIME_COST", "3")),
        "ARGON2_MEMORY_COST": int(os.environ.get("ARGON2_MEMORY_COST", "65536")),
        "ARGON2_PARALLELISM": int(os.environ.get("ARGON2_PARALLELISM", "4")),
        "LINE_WIDTH": int(os.environ.get("LINE_WIDTH", "80")),
        "COMMENT_FLAG_THRESHOLD": int(os.environ.get("COMMENT_FLAG_THRESHOLD", "3")),
        # A secret round's breakdown never shows the choices of fewer organisations than this.
        "SECRET_MIN_GROUP": int(os.environ.get("SECRET_MIN_GROUP", "3")),
        # "A member organisation from <region>" is offered only to groups at least this large.
        "ANONYMITY_MIN_GROUP": int(os.environ.get("ANONYMITY_MIN_GROUP", "3")),
        "COMMENT_RATE_LIMIT": os.environ.get("COMMENT_RATE_LIMIT", "10 per minute"),
        "PROPOSAL_RATE_LIMIT": os.environ.get("PROPOSAL_RATE_LIMIT", "10 per minute"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "principles@localhost"),
        # Every absolute link (emails, the feed, the API, OpenAPI) starts here, never with the request's Host.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://localhost:5000"),
        # Local hour in each user's zone at which their daily digest is put together.
        "NOTIFICATION_DIGEST_HOUR": int(os.environ.get("NOTIFICATION_DIGEST_HOUR", "7")),
        # How long the public site may reuse its list of publications before asking the database again;
        # tests see every publication at once.
        "PUBLIC_KEYS_FRESH_SECONDS": float(os.environ.get("PUBLIC_KEYS_FRESH_SECONDS", "0" if testing else "1.0")),
        # Endorsements: refused (429) past the address's limit, silently not sent past the e-mail's.
        "ENDORSEMENT_ADDRESS_LIMIT": os.environ.get("ENDORSEMENT_ADDRESS_LIMIT", "10 per hour"),
        "ENDORSEMENT_EMAIL_LIMIT": os.environ.get("ENDORSEMENT_EMAIL_LIMIT", "3 per day"),
        # Roles whose users must turn on two-factor sign-in before they can do anything else (comma-separated).
        "TWO_FACTOR_REQUIRED_ROLES": _names(os.environ.get("TWO_FACTOR_REQUIRED_ROLES", "secretariat")),
        # Wrong second-factor codes, counted like wrong passwords: per account and per address.
        "TWO_FACTOR_ACCOUNT_LIMIT": os.environ.get("TWO_FACTOR_ACCOUNT_LIMIT", "5 per 15 minutes"),
        "TWO_FACTOR_ADDRESS_LIMIT": os.environ.get("TWO_FACTOR_ADDRESS_LIMIT", "20 per 15 minutes"),
    }
