"""Merging amendments in order (domain): what applies, what is refused and why."""

from __future__ import annotations

from principles_app.domain.amendments import AmendmentKind
from principles_app.domain.merging import Change, DraftPrinciple, Refusal, merge_in_order

LISTEN = "Partners listen to each other before they decide anything together."
DRAFT = [DraftPrinciple(1, "Listen", LISTEN), DraftPrinciple(2, "Credit", "Everyone is credited.")]


def change(amendment_id, text, principle_id=1, kind=AmendmentKind.MODIFY, after=None, base=LISTEN, title="Listen"):
    return Change(amendment_id, kind, principle_id, after, title, base, title, text)


def test_disjoint_changes_to_one_principle_both_apply_in_order():
    merged = merge_in_order(
        DRAFT,
        [
            change(1, LISTEN.replace("each other", "each other early")),
            change(2, LISTEN.replace("together.", "all together.")),
        ],
    )
    assert merged.applied == [1, 2] and merged.refused == []
    assert merged.principles[0].text == "Partners listen to each other early before they decide anything all together."
    assert merged.changed_by == {1: [1, 2]}


def test_an_overlapping_change_is_refused_and_the_rest_go_on():
    merged = merge_in_order(
        DRAFT,
        [
            change(1, LISTEN.replace("listen to", "hear")),
            change(2, LISTEN.replace("listen to", "answer")),
            change(3, "Everyone is credited by name.", principle_id=2, base="Everyone is credited.", title="Credit"),
        ],
    )
    assert merged.applied == [1, 3] and merged.refused == [(2, Refusal.CONFLICT)]


def test_stop_at_first_refusal_names_it():
    merged = merge_in_order(DRAFT, [change(1, "New.", base="Old text.")], stop_at_first=True)
    assert merged.refused == [(1, Refusal.CHANGED)] and merged.principles == DRAFT


def test_deletion_and_insertion_follow_the_principle_they_need():
    merged = merge_in_order(
        DRAFT,
        [
            Change(1, AmendmentKind.INSERT, None, 1, "", "", "New", "A new one."),
            Change(2, AmendmentKind.DELETE, 2, None, "Credit", "Everyone is credited.", "", ""),
            Change(3, AmendmentKind.INSERT, None, 2, "", "", "Late", "After a deleted one."),
            Change(4, AmendmentKind.DELETE, 1, None, "Listen", LISTEN, "", ""),
            change(5, LISTEN.replace("listen", "hear")),
        ],
    )
    assert merged.applied == [1, 2, 4]
    assert merged.refused == [(3, Refusal.ANCHOR_GONE), (5, Refusal.PRINCIPLE_GONE)]
    assert [p.key for p in merged.principles] == [("new", 1)] and merged.deleted == [2, 1]
