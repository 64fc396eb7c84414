"""Endorsements of a publication by organisations outside the network: states, countries, safe cells.

Pure Python. An endorsement is public speech by an organisation that may itself be at risk: it
is verified by e-mail, moderated by the secretariat, and only an approved one is ever shown.
"""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import urlsplit

MAX_STATEMENT = 500
MAX_NAME = 200
MAX_WEBSITE = 300
MAX_EMAIL = 254
VERIFICATION_HOURS = 48


class EndorsementState(StrEnum):
    """Say where an endorsement stands."""

    PENDING_VERIFICATION = "pending_verification"
    VERIFIED = "verified"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


#: The one table of allowed moves; anything else is a conflict.
TRANSITIONS: dict[EndorsementState, frozenset[EndorsementState]] = {
    # Rejected at verification when the organisation had already endorsed the publication.
    EndorsementState.PENDING_VERIFICATION: frozenset(
        {EndorsementState.VERIFIED, EndorsementState.REJECTED, EndorsementState.WITHDRAWN}
    ),
    EndorsementState.VERIFIED: frozenset(
        {EndorsementState.APPROVED, EndorsementState.REJECTED, EndorsementState.WITHDRAWN}
    ),
    EndorsementState.APPROVED: frozenset({EndorsementState.WITHDRAWN}),
    EndorsementState.REJECTED: frozenset(),
    EndorsementState.WITHDRAWN: frozenset(),
}

#: States in which an organisation holds its one place on a publication (a partial unique index).
HOLDING_STATES = (EndorsementState.VERIFIED, EndorsementState.APPROVED)


def can_move(current: EndorsementState | str, target: EndorsementState | str) -> bool:
    """Tell whether an endorsement may move from one state to another."""
    return EndorsementState(target) in TRANSITIONS[EndorsementState(current)]


# ISO 3166-1 alpha-2: every officially assigned code (CLDR's territories without its regions,
# exceptional reservations and private-use codes).
_ISO_3166_ALPHA_2 = """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG
    EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR
    HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR
    LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG
    NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE
    SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA
    UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"""
COUNTRIES = frozenset(_ISO_3166_ALPHA_2.split())

_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,62}")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!]|https?://|www\.", re.IGNORECASE)


def is_country(code: object) -> bool:
    """Tell whether a value is an ISO 3166-1 alpha-2 code (upper case)."""
    return isinstance(code, str) and code in COUNTRIES


def is_email(address: str) -> bool:
    """Tell whether a text looks like one deliverable e-mail address."""
    return len(address) <= MAX_EMAIL and _EMAIL.fullmatch(address) is not None


def is_website(url: str) -> bool:
    """Tell whether a text is an http or https address of a named host, without credentials."""
    if len(url) > MAX_WEBSITE or any(character.isspace() for character in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    try:
        # An internationalised name (a Unicode host) is checked in its ASCII form.
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return (
        parts.scheme in ("http", "https")
        and "@" not in parts.netloc
        and _HOST.fullmatch(host) is not None
        and (port is None or 0 < port < 65536)
    )


def has_markup_or_links(text: str) -> bool:
    """Tell whether a statement holds HTML tags or links, which a plain-text statement may not."""
    return _MARKUP.search(text) is not None


# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and carriage
# return, as the start of one once trimmed): a quote in front makes it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> str:
    """Return a cell's text such that no spreadsheet takes it for a formula."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
