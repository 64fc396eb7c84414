"""The voting use cases under one name, for the pages that show a round, its ballots and results.

Nothing is defined here: motions and the electorate are in motions.py, the ballot write path in
ballots.py, results in results.py, opening and closing in closing.py. Services import those
modules directly; nothing in services/ imports this one.
"""
from __future__ import annotations

from principles_app.services.ballots import (  # noqa: F401
    CHOICES,
    CastResult,
    ballot_history,
    ballot_of,
    cast_ballot,
    check_may_vote,
    new_receipt,
)
from principles_app.services.closing import (  # noqa: F401
    MotionSummary,
    close_due_rounds,
    close_round,
    open_round,
    tally_and_apply,
)
from principles_app.services.motions import (  # noqa: F401
    VOTING_KINDS,
    elector_of,
    electorate_of,
    get_motion,
    motions_of,
    put_motion,
    snapshot_electorate,
)
from principles_app.services.results import (  # noqa: F401
    adoption_summary,
    bulletin_of,
    is_decided,
    participation_of,
    passed_adoption_motion,
    result_for,
    round_summary,
    tally_of,
)
