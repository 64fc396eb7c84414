"""Long lists on pages of 50: the page asked for in ``?page=``, the items of that page and links to the others.

The count and the page are two queries whatever the list's length; a page number that is not a whole
number or lies past the last page is a 404, like any address that shows nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, request, url_for
from sqlalchemy import Select, func, select

from principles_app.domain.points import Page
from principles_app.extensions import db

PAGE_SIZE = 50


@dataclass(frozen=True)
class Paged:
    """The items of one page, which page it is, and how to link to another."""

    items: list[Any]
    page: Page
    page_url: Callable[[int], str]


def requested_page() -> int:
    """Return the page number asked for (1 when missing), or answer 404."""
    raw = request.args.get("page", "1").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 10**6:
        abort(404)
    return int(raw)


def page_url(number: int) -> str:
    """Return this page's address with the other arguments kept and ``page`` set."""
    args = {key: value for key, value in request.args.items() if key != "page"}
    if number > 1:
        args["page"] = number
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def paginate(query: Select, size: int = PAGE_SIZE) -> Paged:
    """Run one page of an ordered query, counting every row it would return."""
    number = requested_page()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = Page(number=number, size=size, total=total or 0)
    if number > page.pages:
        abort(404)
    items = list(db.session.execute(query.limit(size).offset(page.offset)).scalars())
    return Paged(items=items, page=page, page_url=page_url)
