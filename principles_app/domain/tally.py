"""Count one motion's ballots exactly: weights, counts, quorum, majority, breakdowns.

Pure Python and ``decimal.Decimal`` only. Nothing here knows about Flask or the
database: the service layer hands in the electorate frozen when the round
opened and the ballots cast, and gets plain frozen data back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, DivisionByZero, Inexact, InvalidOperation, Overflow, Rounded, localcontext
from typing import Any

from principles_app.domain.organisations import Category, Region
from principles_app.domain.voting import (
    DEFAULT_QUORUM,
    Choice,
    Majority,
    default_settings,  # noqa: F401  a kind's defaults, asked of the tally
)

# Plain strings in the spec's order: results and breakdowns list them so.
CHOICES = tuple(choice.value for choice in Choice)
MAJORITIES = tuple(majority.value for majority in Majority)
REGIONS = tuple(region.value for region in Region)
CATEGORIES = tuple(category.value for category in Category)

WEIGHT_PLACES = Decimal("0.0001")
_ZERO = Decimal("0")

# Sums and products of weights must never be rounded: a vote decided on a
# rounded figure is a wrong vote. The default context keeps 28 digits and
# rounds silently; this one has room to spare and *raises* if anything would
# ever be rounded, so an impossible input fails loudly instead of quietly.
_EXACT = Context(prec=200, traps=[Inexact, Rounded, InvalidOperation, DivisionByZero, Overflow])
# Only used to ask "does this value have more than four places?" without raising.
_LOOSE = Context(prec=200, traps=[InvalidOperation])

# Electors are accumulated into one bucket per (region, category); every
# breakdown is then a sum of buckets, so overall, regional and category figures
# always agree.
_REGION_INDEX = {region: i for i, region in enumerate(REGIONS)}
_CATEGORY_INDEX = {category: i for i, category in enumerate(CATEGORIES)}
_CHOICE_INDEX = {choice: i for i, choice in enumerate(CHOICES)}
_NOT_CAST = 3


def _check_weight(weight: Any, what: str = "weight") -> None:
    """Refuse anything but a finite, non-negative Decimal with at most four places."""
    if not isinstance(weight, Decimal):
        # A float would smuggle binary rounding into an exact tally.
        raise TypeError(f"{what} must be a Decimal, not {type(weight).__name__}")
    if not weight.is_finite() or weight < 0:
        raise ValueError(f"{what} must be a finite Decimal >= 0, got {weight!r}")
    exponent = weight.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        # "1.00000" is fine; "0.33333" is not what the register stores.
        if weight.quantize(WEIGHT_PLACES, context=_LOOSE) != weight:
            raise ValueError(f"{what} has more than four decimal places: {weight!r}")


def _check_id(organisation_id: Any) -> None:
    """Refuse an organisation id that is not an int."""
    if isinstance(organisation_id, bool) or not isinstance(organisation_id, int):
        raise TypeError(f"organisation_id must be an int, got {organisation_id!r}")


def _check_majority(majority: str) -> None:
    """Refuse a majority rule we do not know."""
    if majority not in MAJORITIES:
        raise ValueError(f"unknown majority {majority!r}; expected one of {MAJORITIES}")


def _check_quorum(quorum: Any) -> None:
    """Refuse a quorum that is not an exact fraction between 0 and 1."""
    if not isinstance(quorum, Decimal):
        raise TypeError(f"quorum must be a Decimal, not {type(quorum).__name__}")
    if not quorum.is_finite() or not (_ZERO <= quorum <= 1):
        raise ValueError(f"quorum must be between 0 and 1, got {quorum!r}")


def _check_amount(value: Any, what: str) -> Decimal:
    """Return a non-negative Decimal for an amount given as Decimal or int."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{what} must be a Decimal (or int count), not {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{what} must be a finite amount >= 0, got {value!r}")
    return amount


@dataclass(frozen=True)
class Elector:
    """One organisation in a round's frozen electorate, with its weight."""

    organisation_id: int
    region: str
    category: str
    weight: Decimal

    def __post_init__(self) -> None:
        _check_id(self.organisation_id)
        if self.region not in _REGION_INDEX:
            raise ValueError(f"unknown region {self.region!r}")
        if self.category not in _CATEGORY_INDEX:
            raise ValueError(f"unknown category {self.category!r}")
        _check_weight(self.weight)


@dataclass(frozen=True)
class CastBallot:
    """One organisation's ballot on one motion."""

    organisation_id: int
    choice: str

    def __post_init__(self) -> None:
        _check_id(self.organisation_id)
        if self.choice not in _CHOICE_INDEX:
            raise ValueError(f"unknown choice {self.choice!r}; expected one of {CHOICES}")


@dataclass(frozen=True)
class ChoiceTotal:
    """How many organisations chose something, and their summed weight."""

    count: int
    weight: Decimal


@dataclass(frozen=True)
class GroupTally:
    """The tally of one group: everyone, one region or one category."""

    yes: ChoiceTotal
    no: ChoiceTotal
    abstain: ChoiceTotal
    eligible_count: int
    eligible_weight: Decimal
    participation_count: int
    participation_weight: Decimal
    no_participation: bool


@dataclass(frozen=True)
class ParticipationGroup:
    """Turnout within one region: who has cast any ballot, against who may."""

    count: int
    weight: Decimal
    eligible_count: int
    eligible_weight: Decimal


@dataclass(frozen=True)
class Participation:
    """Turnout overall and by region, revealing no choice."""

    count: int
    weight: Decimal
    eligible_count: int
    eligible_weight: Decimal
    by_region: dict[str, ParticipationGroup]


@dataclass(frozen=True)
class TallyResult:
    """The full result of one motion: tally, quorum, majority and breakdowns."""

    overall: GroupTally
    majority: str
    quorum: Decimal
    quorum_reached: bool
    passed: bool
    passed_by_count: bool
    by_region: dict[str, GroupTally]
    by_category: dict[str, GroupTally]
    # One-organisation-one-vote quorum, shown beside the weighted one (informational).
    quorum_reached_by_count: bool


# (region index, category index) -> (counts, weights), each indexed by slot:
# 0-2 are the CHOICES, 3 is "eligible but cast nothing".
_Buckets = dict[tuple[int, int], tuple[list[int], list[Decimal]]]


def _accumulate(electorate: Sequence[Elector], ballots: Sequence[CastBallot]) -> _Buckets:
    """Sort every elector into its bucket, refusing anything inconsistent."""
    chosen: dict[int, int] = {}
    for ballot in ballots:
        choice = _CHOICE_INDEX.get(ballot.choice)
        if choice is None:
            raise ValueError(f"unknown choice {ballot.choice!r}; expected one of {CHOICES}")
        if ballot.organisation_id in chosen:
            raise ValueError(f"organisation {ballot.organisation_id} cast more than one ballot")
        chosen[ballot.organisation_id] = choice

    buckets: _Buckets = {}
    seen: set[int] = set()
    for elector in electorate:
        org = elector.organisation_id
        if org in seen:
            raise ValueError(f"organisation {org} appears twice in the electorate")
        seen.add(org)
        key = (_REGION_INDEX.get(elector.region), _CATEGORY_INDEX.get(elector.category))
        if None in key:
            raise ValueError(f"organisation {org} has unknown region or category")
        _check_weight(elector.weight, f"weight of organisation {org}")
        counts, weights = buckets.get(key) or buckets.setdefault(key, ([0] * 4, [_ZERO] * 4))
        slot = chosen.pop(org, _NOT_CAST)
        counts[slot] += 1
        weights[slot] += elector.weight

    if chosen:
        # The service refuses these earlier; reaching here means a bug upstream.
        outsiders = sorted(chosen)[:10]
        raise ValueError(f"ballots from organisations outside the electorate: {outsiders}")
    return buckets


def _weight(value: Decimal) -> Decimal:
    """Return a weight with exactly four places (exact: inputs never have more)."""
    return value.quantize(WEIGHT_PLACES)


def _group(buckets: _Buckets, region: int | None = None, category: int | None = None) -> GroupTally:
    """Sum the buckets of one region, one category, or (neither given) everyone."""
    counts, weights = [0] * 4, [_ZERO] * 4
    for (r, c), (bucket_counts, bucket_weights) in buckets.items():
        if region in (None, r) and category in (None, c):
            for slot in range(4):
                counts[slot] += bucket_counts[slot]
                weights[slot] += bucket_weights[slot]
    cast_c, cast_w = sum(counts[:3]), sum(weights[:3], _ZERO)
    eligible_c, eligible_w = cast_c + counts[_NOT_CAST], cast_w + weights[_NOT_CAST]
    return GroupTally(
        yes=ChoiceTotal(counts[0], _weight(weights[0])),
        no=ChoiceTotal(counts[1], _weight(weights[1])),
        abstain=ChoiceTotal(counts[2], _weight(weights[2])),
        eligible_count=eligible_c,
        eligible_weight=_weight(eligible_w),
        participation_count=cast_c,
        participation_weight=_weight(cast_w),
        no_participation=eligible_c > 0 and cast_c == 0,
    )


def majority_holds(majority: str, yes: Decimal, no: Decimal, eligible: Decimal) -> bool:
    """Tell whether yes beats no under a majority rule, exactly and without ties."""
    _check_majority(majority)
    yes = _check_amount(yes, "yes")
    no = _check_amount(no, "no")
    eligible = _check_amount(eligible, "eligible")
    with localcontext(_EXACT):
        # A tie never passes under any rule, 0 to 0 included.
        if not yes > no:
            return False
        # Cross-multiplied so that thirds and quarters are never rounded.
        if majority == Majority.SIMPLE:
            return True
        if majority == Majority.TWO_THIRDS:
            return 3 * yes >= 2 * (yes + no)
        if majority == Majority.THREE_QUARTERS:
            return 4 * yes >= 3 * (yes + no)
        # Absolute: more than half of ALL eligible weight, abstainers and absentees included.
        return 2 * yes > eligible


def tally(
    electorate: Sequence[Elector],
    ballots: Sequence[CastBallot],
    majority: str = Majority.SIMPLE.value,
    quorum: Decimal = DEFAULT_QUORUM,
) -> TallyResult:
    """Tally one motion's ballots against its frozen electorate."""
    _check_majority(majority)
    _check_quorum(quorum)
    with localcontext(_EXACT):
        buckets = _accumulate(electorate, ballots)
        overall = _group(buckets)
        # Only groups with eligible organisations appear, in the spec's order.
        present_regions = sorted({r for r, _ in buckets})
        present_categories = sorted({c for _, c in buckets})
        by_region = {REGIONS[r]: _group(buckets, region=r) for r in present_regions}
        by_category = {CATEGORIES[c]: _group(buckets, category=c) for c in present_categories}
        # Abstentions count toward quorum (participation) but not toward the majority.
        reached = overall.participation_weight >= quorum * overall.eligible_weight
        passed = reached and majority_holds(majority, overall.yes.weight, overall.no.weight, overall.eligible_weight)
        # The same rules applied one organisation, one vote: informational only.
        reached_by_count = overall.participation_count >= quorum * overall.eligible_count
        passed_by_count = reached_by_count and majority_holds(
            majority, overall.yes.count, overall.no.count, overall.eligible_count
        )
    return TallyResult(
        overall=overall,
        majority=MAJORITIES[MAJORITIES.index(majority)],  # a plain str even if given an enum
        quorum=quorum,
        quorum_reached=reached,
        passed=passed,
        passed_by_count=passed_by_count,
        by_region=by_region,
        by_category=by_category,
        quorum_reached_by_count=reached_by_count,
    )


def participation(electorate: Sequence[Elector], ballots: Sequence[CastBallot]) -> Participation:
    """Measure turnout overall and by region, without exposing choices."""
    with localcontext(_EXACT):
        buckets = _accumulate(electorate, ballots)
        overall = _group(buckets)
        by_region: dict[str, ParticipationGroup] = {}
        for r in sorted({r for r, _ in buckets}):
            group = _group(buckets, region=r)
            by_region[REGIONS[r]] = ParticipationGroup(
                count=group.participation_count,
                weight=group.participation_weight,
                eligible_count=group.eligible_count,
                eligible_weight=group.eligible_weight,
            )
    return Participation(
        count=overall.participation_count,
        weight=overall.participation_weight,
        eligible_count=overall.eligible_count,
        eligible_weight=overall.eligible_weight,
        by_region=by_region,
    )


def format_weight(weight: Decimal) -> str:
    """Render a weight as a string with exactly four places."""
    with localcontext(_EXACT):
        return str(weight.quantize(WEIGHT_PLACES))


def _format_fraction(value: Decimal) -> str:
    """Render a quorum with four places, or every digit when four would round it."""
    if value.quantize(WEIGHT_PLACES, context=_LOOSE) == value:
        return format_weight(value)
    return str(value)


def _choice_json(total: ChoiceTotal) -> dict[str, Any]:
    """Render one choice's count and weight."""
    return {"count": total.count, "weight": format_weight(total.weight)}


def _group_json(group: GroupTally) -> dict[str, Any]:
    """Render one region's or category's tally; flag it only when it cast nothing."""
    data: dict[str, Any] = {choice: _choice_json(getattr(group, choice)) for choice in CHOICES}
    data.update(
        eligible_count=group.eligible_count,
        eligible_weight=format_weight(group.eligible_weight),
        participation_count=group.participation_count,
        participation_weight=format_weight(group.participation_weight),
    )
    if group.no_participation:
        data["no_participation"] = True
    return data


def to_jsonable(result: TallyResult) -> dict[str, Any]:
    """Render a tally result as JSON-ready data, every weight a string."""
    overall = result.overall
    return {
        "tally": {choice: _choice_json(getattr(overall, choice)) for choice in CHOICES},
        "eligible_count": overall.eligible_count,
        "eligible_weight": format_weight(overall.eligible_weight),
        "participation_count": overall.participation_count,
        "participation_weight": format_weight(overall.participation_weight),
        "majority": result.majority,
        "quorum": _format_fraction(result.quorum),
        "quorum_reached": result.quorum_reached,
        "passed": result.passed,
        "quorum_reached_by_count": result.quorum_reached_by_count,
        "passed_by_count": result.passed_by_count,
        "by_region": {region: _group_json(g) for region, g in result.by_region.items()},
        "by_category": {category: _group_json(g) for category, g in result.by_category.items()},
    }


def participation_to_jsonable(p: Participation) -> dict[str, Any]:
    """Render turnout as JSON-ready data, every weight a string."""
    return {
        "count": p.count,
        "weight": format_weight(p.weight),
        "eligible_count": p.eligible_count,
        "eligible_weight": format_weight(p.eligible_weight),
        "by_region": {
            region: {
                "count": g.count,
                "weight": format_weight(g.weight),
                "eligible_count": g.eligible_count,
                "eligible_weight": format_weight(g.eligible_weight),
            }
            for region, g in p.by_region.items()
        },
    }
