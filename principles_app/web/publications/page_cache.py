"""Serve immutable and short-lived public pages with strong ETags, rendering each page once.

A page is keyed by everything its body depends on (the publications it shows, the language,
the site's address), so a cached body is always the body a fresh render would give. The cache
lives in process memory only as an accelerator: another worker that misses renders the same
bytes and so sends the same ETag.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Response, request

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_LIVED = "public, max-age=60"
MAX_ENTRIES = 512


class PageCache:
    """A bounded, thread-safe map from page key to (body, ETag)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get_or_build(self, key: Hashable, build: Callable[[], str | bytes]) -> tuple[bytes, str]:
        """Return the cached (body, etag) for key, building and remembering it on a miss."""
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit
        body = build()
        if isinstance(body, str):
            body = body.encode("utf-8")
        entry = (body, hashlib.sha256(body).hexdigest())
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._entries.clear()


pages = PageCache()


class FreshFor:
    """Remember a few small query results for a fraction of a second.

    The latest page and the feed already tell browsers to reuse them for 60 s; sparing the
    database the same one-row question hundreds of times a second delays a new publication by
    at most ``seconds`` on top of that, per worker.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: dict[Hashable, tuple[float, object]] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def get_or_fetch(self, key: Hashable, seconds: float, fetch: Callable[[], object]) -> object:
        """Return the value fetched for key less than ``seconds`` ago, else fetch it now."""
        if seconds <= 0:
            return fetch()
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and now - hit[0] < seconds:
            return hit[1]
        value = fetch()
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[key] = (now, value)
        return value


recent_keys = FreshFor()


def conditional_response(
    body: bytes, etag: str, mimetype: str, cache_control: str, vary: str = "Accept-Language, Cookie"
) -> Response:
    """Answer with a strong ETag and cache lifetime; 304 without a body when If-None-Match matches."""
    response = Response(body, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    response.headers["Vary"] = vary
    return response.make_conditional(request)
