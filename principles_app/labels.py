"""The names readers see for stored enum values, translated: one table per enum and purpose.

Services (in their error messages), views, templates, forms and emails all look names up here, so
a status or a region reads the same on every page and in every language. Every table is keyed by
the members of an enum in ``domain/``, which owns the values; ``LABEL_TABLES`` lists them all, and
a test checks that each names every member in every language. The values are lazy strings: they
are translated when shown, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum, StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from principles_app.domain.amendments import AmendmentKind, AmendmentStatus
from principles_app.domain.comments import MODERATOR_HIDDEN_CATEGORIES, HiddenCategory, Stance
from principles_app.domain.organisations import AuthorCategory, Category, NotificationPreference, Region, Role
from principles_app.domain.organisations import author_category as describe_author
from principles_app.domain.procedure import Answer, Procedure
from principles_app.domain.rounds import RoundKind, RoundState
from principles_app.domain.voting import Choice, Majority, MotionEffect, Secrecy

REGION_NAMES = {
    Region.AFRICA: _l("Africa"),
    Region.AMERICAS: _l("Americas"),
    Region.ASIA_PACIFIC: _l("Asia-Pacific"),
    Region.EUROPE_CENTRAL_ASIA: _l("Europe & Central Asia"),
    Region.MENA: _l("Middle East & North Africa"),
    Region.INTERNATIONAL: _l("International"),
}
CATEGORY_NAMES = {
    Category.MEMBER: _l("Member"),
    Category.ALLY: _l("Ally"),
    Category.DONOR: _l("Donor"),
    Category.SECRETARIAT: _l("Secretariat"),
}
ROLE_NAMES = {Role.MEMBER: _l("Member delegate"), Role.OBSERVER: _l("Observer"), Role.SECRETARIAT: _l("Secretariat")}
#: The choices of the preferences form.
NOTIFICATION_PREFERENCE_NAMES = {
    NotificationPreference.IMMEDIATE: _l("Immediately"),
    NotificationPreference.DIGEST: _l("Daily digest"),
    NotificationPreference.NONE: _l("None"),
}

AMENDMENT_STATUS_NAMES = {
    AmendmentStatus.OPEN: _l("open"),
    AmendmentStatus.WITHDRAWN: _l("withdrawn"),
    AmendmentStatus.REJECTED: _l("rejected"),
    AmendmentStatus.MERGED: _l("merged"),
    AmendmentStatus.CONFLICTED: _l("conflicted — needs revision"),
}
PROCEDURE_NAMES = {
    Procedure.ACCEPT: _l("accept"),
    Procedure.REJECT: _l("reject"),
    Procedure.MODIFIED: _l("accept in a modified form"),
    Procedure.COVERED_BY: _l("covered by another amendment"),
    Procedure.VOTE: _l("the meeting votes"),
}
ANSWER_NAMES = {Answer.AGREE: _l("agreed"), Answer.OBJECT: _l("objected")}
#: The choices of the proposal form: what the proposer means to do.
AMENDMENT_KIND_CHOICE_NAMES = {
    AmendmentKind.MODIFY: _l("Change this principle"),
    AmendmentKind.INSERT: _l("Add a new principle"),
    AmendmentKind.DELETE: _l("Delete this principle"),
}

ROUND_KIND_NAMES = {
    RoundKind.AMENDMENTS: _l("Amendments"),
    RoundKind.VOTING: _l("Voting"),
    RoundKind.ADOPTION: _l("Adoption"),
    RoundKind.CONSULTATION: _l("Consultation (key points)"),
}
#: The choices of the round form, which say a little more than the names.
ROUND_KIND_CHOICE_NAMES = {**ROUND_KIND_NAMES, RoundKind.AMENDMENTS: _l("Amendments (proposals and comments)")}
# A context of their own: "open" agrees with "round" in some languages and with "amendment" in others.
ROUND_STATE_NAMES = {
    RoundState.SCHEDULED: lazy_pgettext("round state", "scheduled"),
    RoundState.OPEN: lazy_pgettext("round state", "open"),
    RoundState.CLOSED: lazy_pgettext("round state", "closed"),
}

CHOICE_NAMES = {Choice.YES: _l("Yes"), Choice.NO: _l("No"), Choice.ABSTAIN: _l("Abstain")}

#: What closing a round did with a motion (Motion.effect).
MOTION_EFFECT_NAMES = {
    MotionEffect.MERGED: _l("merged into the working draft"),
    MotionEffect.CONFLICTED: _l("needs revision before it can be merged"),
    MotionEffect.REJECTED: _l("amendment rejected"),
    MotionEffect.SKIPPED: _l("amendment no longer open; nothing changed"),
    MotionEffect.ADOPTABLE: _l("this version may be published"),
    MotionEffect.NOT_ADOPTABLE: _l("this version may not be published"),
}

MAJORITY_NAMES = {
    Majority.SIMPLE: _l("Simple majority: more yes than no (weighted)"),
    Majority.TWO_THIRDS: _l("Two thirds of the weighted yes and no votes"),
    Majority.THREE_QUARTERS: _l("Three quarters of the weighted yes and no votes"),
    Majority.ABSOLUTE: _l("More than half of all eligible weight"),
}
#: The choices of the round form (shorter, beside the default's own entry).
MAJORITY_CHOICE_NAMES = {
    Majority.SIMPLE: _l("Simple: more yes than no"),
    Majority.TWO_THIRDS: _l("Two thirds of yes and no"),
    Majority.THREE_QUARTERS: _l("Three quarters of yes and no"),
    Majority.ABSOLUTE: _l("Absolute: more than half of all eligible weight"),
}
SECRECY_CHOICE_NAMES = {
    Secrecy.NAMED: _l("Named: the roll-call is shown after close"),
    Secrecy.SECRET: _l("Secret: nobody sees who voted what"),
}

#: The choices of the comment forms.
STANCE_NAMES = {Stance.SUPPORT: _l("Support"), Stance.OPPOSE: _l("Oppose"), Stance.QUESTION: _l("Question")}
#: The reasons the secretariat picks from when it hides a comment.
HIDDEN_CATEGORY_CHOICE_NAMES = {
    HiddenCategory.ABUSIVE: _l("Abusive"),
    HiddenCategory.PERSONAL_INFORMATION: _l("Exposes personal information"),
    HiddenCategory.OFF_TOPIC: _l("Off topic"),
    HiddenCategory.SPAM: _l("Spam"),
    HiddenCategory.OTHER: _l("Other"),
}

#: Every table above with the enum values it names: each must name all of them (tests/test_labels.py).
LABEL_TABLES: dict[str, tuple[Iterable[StrEnum], Mapping[StrEnum, Any]]] = {
    "REGION_NAMES": (Region, REGION_NAMES),
    "CATEGORY_NAMES": (Category, CATEGORY_NAMES),
    "ROLE_NAMES": (Role, ROLE_NAMES),
    "NOTIFICATION_PREFERENCE_NAMES": (NotificationPreference, NOTIFICATION_PREFERENCE_NAMES),
    "AMENDMENT_STATUS_NAMES": (AmendmentStatus, AMENDMENT_STATUS_NAMES),
    "PROCEDURE_NAMES": (Procedure, PROCEDURE_NAMES),
    "ANSWER_NAMES": (Answer, ANSWER_NAMES),
    "AMENDMENT_KIND_CHOICE_NAMES": (AmendmentKind, AMENDMENT_KIND_CHOICE_NAMES),
    "ROUND_KIND_NAMES": (RoundKind, ROUND_KIND_NAMES),
    "ROUND_KIND_CHOICE_NAMES": (RoundKind, ROUND_KIND_CHOICE_NAMES),
    "ROUND_STATE_NAMES": (RoundState, ROUND_STATE_NAMES),
    "CHOICE_NAMES": (Choice, CHOICE_NAMES),
    "MOTION_EFFECT_NAMES": (MotionEffect, MOTION_EFFECT_NAMES),
    "MAJORITY_NAMES": (Majority, MAJORITY_NAMES),
    "MAJORITY_CHOICE_NAMES": (Majority, MAJORITY_CHOICE_NAMES),
    "SECRECY_CHOICE_NAMES": (Secrecy, SECRECY_CHOICE_NAMES),
    "STANCE_NAMES": (Stance, STANCE_NAMES),
    "HIDDEN_CATEGORY_CHOICE_NAMES": (MODERATOR_HIDDEN_CATEGORIES, HIDDEN_CATEGORY_CHOICE_NAMES),
}


def name_of(names: Mapping[str, Any], value: str | Enum | None) -> Any:
    """Return the (lazily) translated name of an enum value; a value without one is shown as it is."""
    if value is None:
        return ""
    key = value.value if isinstance(value, Enum) else value
    return names.get(key, key)


def author_category(category: str | Enum) -> str:
    """Return the category an author is described by: member, secretariat, or observer for any other."""
    return describe_author(category).value


def anonymous_display(category: str, region: str) -> Any:
    """Return the protective label an anonymous author is shown by (category as author_category gives it)."""
    region_name = REGION_NAMES.get(region, region)
    if category == AuthorCategory.MEMBER:
        return _l("a member organisation from %(region)s", region=region_name)
    if category == AuthorCategory.SECRETARIAT:
        return _l("a member of the network secretariat")
    return _l("an observer organisation from %(region)s", region=region_name)
