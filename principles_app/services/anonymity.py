"""Protective anonymity that never names a group so small that it names the organisation.

"A member organisation from MENA" identifies the organisation when it is one of two there. The
narrow label is shown only while the author's group (region and member/observer category) has at
least ANONYMITY_MIN_GROUP active organisations; otherwise the author is shown as "a participant".
The rule is applied when the label is shown, so a group that shrinks later widens its labels too.
A leaf: it imports no other service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from principles_app.domain.organisations import AuthorCategory
from principles_app.extensions import db
from principles_app.labels import anonymous_display, author_category
from principles_app.models import Organisation, User

PARTICIPANT = _l("a participant")

GroupSizes = dict[tuple[str, str], int]


def min_group() -> int:
    """Return how many active organisations a group needs before anonymity may name it."""
    return int(current_app.config["ANONYMITY_MIN_GROUP"])


def group_sizes() -> GroupSizes:
    """Count the active organisations of every (member/observer category, region) group in one query."""
    sizes: GroupSizes = {}
    rows = db.session.execute(
        select(Organisation.category, Organisation.region, func.count())
        .where(Organisation.active.is_(True))
        .group_by(Organisation.category, Organisation.region)
    )
    for category, region, count in rows:
        key = (author_category(category), getattr(region, "value", region))
        sizes[key] = sizes.get(key, 0) + count
    return sizes


def names_group(category: str, region: str, sizes: GroupSizes | None = None) -> bool:
    """Tell whether an anonymous author of this group may be shown by region and category.

    The secretariat's label names no region and no organisation but its own, so it always may.
    """
    if category == AuthorCategory.SECRETARIAT:
        return True
    sizes = group_sizes() if sizes is None else sizes
    return sizes.get((category, region), 0) >= min_group()


@dataclass(frozen=True)
class ProtectiveLabel:
    """How an anonymous author is shown: the label, and the region and category only if they may be."""

    display: Any
    region: str | None
    category: str | None


def protective_label(category: str, region: str, sizes: GroupSizes | None = None) -> ProtectiveLabel:
    """Return the label an anonymous author is shown by: their group, or "a participant" if it is small."""
    if names_group(category, region, sizes):
        return ProtectiveLabel(anonymous_display(category, region), region, category)
    return ProtectiveLabel(PARTICIPANT, None, None)


def offered_label(user: User) -> ProtectiveLabel | None:
    """Return the label the user would be shown by if they posted anonymously (None without organisation)."""
    organisation = user.organisation
    if organisation is None:
        return None
    return protective_label(author_category(organisation.category), organisation.region.value)
