"""Counters of failed sign-ins and of comments, per account and per address.

Kept in Redis when REDIS_URL is set, so every worker and host counts together; in memory
otherwise. Nothing is limited by default: a meeting room full of delegates is never throttled.
The services test and hit named limits; no request pays for a check it does not need.
"""
from __future__ import annotations

from flask import Flask, current_app
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
