"""The words of the editorial procedure: what the committee recommends and how the proposer answers.

Pure Python. The recommendation service checks with these, the model stores them, the API and the
forms offer them and ``labels.py`` names them; nothing else spells them out.
"""

from __future__ import annotations

from enum import StrEnum


class Procedure(StrEnum):
    """Say what the secretariat, as drafting committee, recommends for an amendment."""

    ACCEPT = "accept"
    REJECT = "reject"
    MODIFIED = "modified"  # accept with the committee's own text for the principle
    COVERED_BY = "covered_by"  # another open amendment of the document says the same
    VOTE = "vote"  # no recommendation: the meeting decides


class Answer(StrEnum):
    """Say how the proposer's organisation answers a recommendation."""

    AGREE = "agree"
    OBJECT = "object"


def needs_vote(procedure: Procedure | str | None, answer: Answer | str | None) -> bool:
    """Return whether the meeting must still vote: no recommendation, ``vote``, or the proposer objected."""
    return procedure is None or procedure == Procedure.VOTE or answer == Answer.OBJECT
