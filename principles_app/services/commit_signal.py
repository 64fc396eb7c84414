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
from pathlib import Path

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
