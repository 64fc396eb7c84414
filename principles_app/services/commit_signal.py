"""A signal shared by this host's processes: something was committed to the database.

Every commit writes fresh random bytes into a small memory-mapped file (``COMMIT_SIGNAL_FILE``,
in the instance folder by default), after the commit and so before any answer that reports it
leaves. A reader that kept the bytes it saw before reading the database knows, without asking the
database, whether anything was committed since: the gunicorn workers of one host share the file.
Programs on other hosts do not write it, so a reader also bounds how long it trusts a reading
(services.live keeps one for at most a second).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import threading
import time
import weakref
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

SIZE = 8


class CommitSignal:
    """The shared bytes of one file, mapped into this process on first use."""

    def __init__(self) -> None:
        self._maps: dict[str, mmap.mmap] = {}
        self._lock = threading.Lock()

    def _map(self, path: str) -> mmap.mmap:
        found = self._maps.get(path)
        if found is not None:
            return found
        with self._lock:
            found = self._maps.get(path)
            if found is None:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    if os.fstat(descriptor).st_size < SIZE:
                        os.ftruncate(descriptor, SIZE)
                    found = mmap.mmap(descriptor, SIZE)
                finally:
                    os.close(descriptor)  # the mapping keeps the file
                self._maps[path] = found
        return found

    def read(self, path: str) -> bytes:
        """Return the bytes the last commit on this host wrote.

        Where the file cannot be had (a read-only folder), fresh bytes every time: nothing is
        then ever taken as unchanged, and every reader asks the database.
        """
        try:
            return self._map(path)[:SIZE]
        except OSError:
            return os.urandom(SIZE)

    def raise_signal(self, path: str) -> None:
        """Write fresh bytes: every reader's kept bytes now differ."""
        with contextlib.suppress(OSError):  # no shared file: readers never trust a kept reading (see read)
            self._map(path)[:SIZE] = os.urandom(SIZE)


SIGNAL = CommitSignal()


def signal_path() -> str:
    return current_app.config["COMMIT_SIGNAL_FILE"]


def current() -> bytes:
    """Return the signal as it stands for the app in context."""
    return SIGNAL.read(signal_path())


def raise_after_commit(_session: Session) -> None:
    """Raise the signal for the app in context (a session used without an app has none)."""
    if has_app_context():
        SIGNAL.raise_signal(signal_path())


def start_signalling() -> None:
    """Raise the signal after every commit of every session, whichever service or command made it.

    Done once, when the app is built: web workers, commands and scripts alike.
    """
    if not event.contains(Session, "after_commit", raise_after_commit):
        event.listen(Session, "after_commit", raise_after_commit)


_KEPT: weakref.WeakSet = weakref.WeakSet()


def forget_all() -> None:
    """Drop every answer kept in this process (tests start each from an empty database)."""
    for kept in list(_KEPT):
        kept.clear()


class UntilCommit:
    """Answers read from the database, kept by this process until a commit on the host changes the signal.

    Between two commits a read cannot change, so hundreds of requests a second share one
    answer per worker. A commit made on another host does not raise this host's signal, so no
    answer is kept longer than ``seconds``.
    """

    def __init__(self, seconds: float = 1.0, max_entries: int = 512) -> None:
        self.seconds = seconds
        self._max = max_entries
        self._entries: dict[Hashable, tuple[bytes, float, Any]] = {}
        self._lock = threading.Lock()
        _KEPT.add(self)

    def get_or_read(self, key: Hashable, read: Callable[[], Any]) -> Any:
        """Return the answer kept for key while nothing was committed since, else ``read()`` it now."""
        signal = current()  # before reading: a commit meanwhile makes the answer stale at once
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and hit[0] == signal and time.monotonic() - hit[1] < self.seconds:
            return hit[2]
        value = read()
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[key] = (signal, time.monotonic(), value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
