"""Counters of failed sign-ins, comments and proposals, per account, address or user.

Kept in Redis when REDIS_URL is set, so every worker and host counts together; in memory
otherwise. Nothing is limited by default: a meeting room full of delegates is never throttled.
The services test and hit named limits; no request pays for a check it does not need.
"""

from __future__ import annotations

import time

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter


class RateLimits:
    """The application's fixed-window rate limiter over the storage RATELIMIT_STORAGE_URI names."""

    def init_app(self, app: Flask) -> None:
        """Open the app's counter storage."""
        app.extensions["rate_limits"] = FixedWindowRateLimiter(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))

    @property
    def limiter(self) -> FixedWindowRateLimiter:
        """Return the current app's limiter (test, hit, get_window_stats)."""
        return current_app.extensions["rate_limits"]

    def reset(self) -> None:
        """Forget every count of the current app."""
        self.limiter.storage.reset()


def seconds_until_allowed(setting: str, *identifiers: str) -> int | None:
    """Return how long until the limit named by a setting allows one more, or None if it does now."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return None
    strategy: FixedWindowRateLimiter = current_app.extensions["rate_limits"]
    limit = parse(current_app.config[setting])
    if strategy.test(limit, setting, *identifiers):
        return None
    reset_at = strategy.get_window_stats(limit, setting, *identifiers).reset_time
    return max(1, int(reset_at - time.time()) + 1)


def count(setting: str, *identifiers: str) -> None:
    """Count one use against the limit named by a setting."""
    if current_app.config["RATELIMIT_ENABLED"]:
        current_app.extensions["rate_limits"].hit(parse(current_app.config[setting]), setting, *identifiers)
