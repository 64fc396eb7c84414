"""The names readers see for stored enum values, translated: one table per enum.

Services (in their error messages), views, templates and emails all look names up here, so a
status or a region reads the same on every page and in every language. The values are lazy
strings: they are translated when shown, in the reader's language.
"""
from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

REGION_NAMES = {
    "africa": _l("Africa"),
    "americas": _l("Americas"),
    "asia_pacific": _l("Asia-Pacific"),
    "europe_central_asia": _l("Europe & Central Asia"),
    "mena": _l("Middle East & North Africa"),
    "international": _l("International"),
}
CATEGORY_NAMES = {"member": _l("Member"), "ally": _l("Ally"), "donor": _l("Donor"), "secretariat": _l("Secretariat")}
ROLE_NAMES = {"member": _l("Member delegate"), "observer": _l("Observer"), "secretariat": _l("Secretariat")}

AMENDMENT_STATUS_NAMES = {"open": _l("open"), "withdrawn": _l("withdrawn"), "rejected": _l("rejected"),
                          "merged": _l("merged"), "conflicted": _l("conflicted — needs revision")}

ROUND_KIND_NAMES = {"amendments": _l("Amendments"), "voting": _l("Voting"), "adoption": _l("Adoption")}
# A context of their own: "open" agrees with "round" in some languages and with "amendment" in others.
ROUND_STATE_NAMES = {"scheduled": lazy_pgettext("round state", "scheduled"),
                     "open": lazy_pgettext("round state", "open"),
                     "closed": lazy_pgettext("round state", "closed")}

CHOICE_NAMES = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}

#: What closing a round did with a motion (Motion.effect).
MOTION_EFFECT_NAMES = {
    "merged": _l("merged into the working draft"),
    "conflicted": _l("needs revision before it can be merged"),
    "rejected": _l("amendment rejected"),
    "skipped": _l("amendment no longer open; nothing changed"),
    "adoptable": _l("this version may be published"),
    "not_adoptable": _l("this version may not be published"),
}

MAJORITY_NAMES = {
    "simple": _l("Simple majority: more yes than no (weighted)"),
    "two_thirds": _l("Two thirds of the weighted yes and no votes"),
    "three_quarters": _l("Three quarters of the weighted yes and no votes"),
    "absolute": _l("More than half of all eligible weight"),
}


def name_of(names: Mapping[str, Any], value: str | Enum | None) -> Any:
    """Return the (lazily) translated name of an enum value; a value without one is shown as it is."""
    if value is None:
        return ""
    key = value.value if isinstance(value, Enum) else value
    return names.get(key, key)


def author_category(category: str | Enum) -> str:
    """Return the category an author is described by: member, secretariat, or observer for any other."""
    key = category.value if isinstance(category, Enum) else category
    return key if key in ("member", "secretariat") else "observer"


def anonymous_display(category: str, region: str) -> Any:
    """Return the protective label an anonymous author is shown by (category as author_category gives it)."""
    region_name = REGION_NAMES.get(region, region)
    if category == "member":
        return _l("a member organisation from %(region)s", region=region_name)
    if category == "secretariat":
        return _l("a member of the network secretariat")
    return _l("an observer organisation from %(region)s", region=region_name)
