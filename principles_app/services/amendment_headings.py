"""How every page, the live view and the minutes name an amendment: "Amendment 12 to Principle 3, lines 4–6"."""

from __future__ import annotations

from flask_babel import gettext as _

from principles_app.domain.amendments import AmendmentKind
from principles_app.models import Amendment

__all__ = ["heading", "lines_label"]


def lines_label(lines: tuple[int, int] | None) -> str:
    """Say which lines an amendment touches: "line 4" or "lines 4–6"."""
    if lines is None:
        return ""
    first, last = lines
    return _("line %(n)s", n=first) if first == last else _("lines %(first)s–%(last)s", first=first, last=last)


def heading(amendment: Amendment, lines: tuple[int, int] | None) -> str:
    """Say what an amendment does and where: "Amendment 12 to Principle 3, lines 4–6"."""
    number = amendment.principle_number
    if amendment.kind == AmendmentKind.INSERT:
        if number:
            return _("Amendment %(id)s: new principle after Principle %(n)s", id=amendment.id, n=number)
        return _("Amendment %(id)s: new principle at the start", id=amendment.id)
    if number is None:
        where = _("a deleted principle")
    else:
        where = _("Principle %(n)s", n=number)
    if amendment.kind == AmendmentKind.DELETE:
        return _("Amendment %(id)s: delete %(where)s", id=amendment.id, where=where)
    if lines:
        return _("Amendment %(id)s to %(where)s, %(lines)s", id=amendment.id, where=where, lines=lines_label(lines))
    return _("Amendment %(id)s to %(where)s (title)", id=amendment.id, where=where)
