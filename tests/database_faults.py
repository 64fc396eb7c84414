"""Make the database stop answering inside one test, as a dropped connection does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from principles_app.extensions import db


@contextmanager
def database_fails(when: Callable[[str], bool] = lambda statement: True) -> Iterator[None]:
    """Make every statement the predicate picks fail as a dropped connection does."""

    def refuse(conn, cursor, statement, parameters, context, executemany):
        if when(statement):
            raise OperationalError(statement, parameters, Exception("server closed the connection unexpectedly"))

    event.listen(db.engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse)
