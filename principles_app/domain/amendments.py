"""Amendment states and the one table of allowed moves between them.

Pure Python. The services ask here whether an action is allowed; an illegal
move raises ``IllegalAmendmentMove``, which the web layer turns into HTTP 409.
"""

from __future__ import annotations

from enum import StrEnum


class AmendmentKind(StrEnum):
    """Say what an amendment does to the document."""

    MODIFY = "modify"
    INSERT = "insert"
    DELETE = "delete"


class AmendmentStatus(StrEnum):
    """Say where an amendment is in its life."""

    OPEN = "open"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    MERGED = "merged"
    CONFLICTED = "conflicted"


class AmendmentNews(StrEnum):
    """Say what happened to an amendment that its proposer is told about."""

    MERGED = "merged"
    REBASED = "rebased"  # moved onto the new text after another amendment was merged
    CONFLICTED = "conflicted"
    REJECTED = "rejected"


ACTIONS = ("revise", "rebase", "conflict", "cosponsor", "withdraw", "reject", "merge")

_OPEN, _CONFLICTED = AmendmentStatus.OPEN, AmendmentStatus.CONFLICTED

# The ONE table of legal moves. Withdrawn, rejected and merged are final.
TRANSITIONS: dict[tuple[AmendmentStatus, str], AmendmentStatus] = {
    (_OPEN, "revise"): _OPEN,
    (_CONFLICTED, "revise"): _OPEN,  # revising a conflicted amendment clears the conflict
    (_OPEN, "rebase"): _OPEN,
    (_OPEN, "conflict"): _CONFLICTED,
    (_CONFLICTED, "conflict"): _CONFLICTED,
    (_OPEN, "cosponsor"): _OPEN,
    (_CONFLICTED, "cosponsor"): _CONFLICTED,
    (_OPEN, "withdraw"): AmendmentStatus.WITHDRAWN,
    (_CONFLICTED, "withdraw"): AmendmentStatus.WITHDRAWN,
    (_OPEN, "reject"): AmendmentStatus.REJECTED,
    (_CONFLICTED, "reject"): AmendmentStatus.REJECTED,
    (_OPEN, "merge"): AmendmentStatus.MERGED,
}

FINAL_STATES = frozenset({AmendmentStatus.WITHDRAWN, AmendmentStatus.REJECTED, AmendmentStatus.MERGED})


class IllegalAmendmentMove(Exception):
    """Signal that an action is not allowed in an amendment's current state."""

    def __init__(self, status: AmendmentStatus, action: str) -> None:
        self.status = status
        self.action = action
        super().__init__(f"cannot {action} an amendment that is {status.value}")


def next_status(status: AmendmentStatus | str, action: str) -> AmendmentStatus:
    """Return the status an amendment moves to under an action, or raise IllegalAmendmentMove."""
    current = AmendmentStatus(status)
    if action not in ACTIONS:
        raise ValueError(f"unknown amendment action {action!r}; expected one of {ACTIONS}")
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise IllegalAmendmentMove(current, action) from None


def allowed_actions(status: AmendmentStatus | str) -> tuple[str, ...]:
    """List the actions the table allows from a status, for showing buttons."""
    current = AmendmentStatus(status)
    return tuple(action for action in ACTIONS if (current, action) in TRANSITIONS)
