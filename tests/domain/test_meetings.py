"""Pure rules of a General Meeting: check-in window, quorum arithmetic, proxies."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from principles_app.domain import meetings as m

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
END = START + timedelta(hours=8)


def test_check_in_window_opens_two_hours_before_and_closes_at_the_end():
    assert not m.check_in_open(START - timedelta(hours=2, seconds=1), START, END)
    assert m.check_in_open(START - timedelta(hours=2), START, END)
    assert m.check_in_open(END, START, END)
    assert not m.check_in_open(END + timedelta(seconds=1), START, END)


def test_times_default_proxies_close_at_start_and_refuse_bad_orders():
    assert m.check_times(START, END, None) == START
    with pytest.raises(ValueError):
        m.check_times(START, START, None)
    with pytest.raises(ValueError):
        m.check_times(START, END, END + timedelta(minutes=1))
    with pytest.raises(ValueError):
        m.check_times(START.replace(tzinfo=None), END, None)


@pytest.mark.parametrize("bad", ["0", "-0.1", "1.0001", "NaN", "0.12345"])
def test_quorum_fraction_refused(bad):
    with pytest.raises(ValueError):
        m.check_quorum_fraction(Decimal(bad))


def test_quorum_fraction_accepted():
    assert m.check_quorum_fraction(Decimal("1")) == 1
    assert m.check_quorum_fraction(Decimal("0.3333")) == Decimal("0.3333")


WEIGHTS = {1: Decimal("1.5"), 2: Decimal("1"), 3: Decimal("1"), 4: Decimal("0.5")}


def test_summary_counts_present_and_represented_exactly():
    summary = m.summarise(WEIGHTS, present=[1], proxies={2: 1, 3: 4}, quorum=Decimal("0.5"))
    assert (summary.present_count, summary.present_weight) == (1, Decimal("1.5"))
    # 3 gave to 4, who is absent: not represented.
    assert (summary.represented_count, summary.represented_weight) == (1, Decimal("1"))
    assert (summary.eligible_count, summary.eligible_weight) == (4, Decimal("4"))
    assert summary.required_weight == Decimal("2")
    assert summary.quorum_reached  # 2.5 >= 2


def test_quorum_exactly_at_the_line_is_reached_and_just_below_is_not():
    assert m.summarise(WEIGHTS, [2, 3], {}, Decimal("0.5")).quorum_reached
    assert not m.summarise(WEIGHTS, [2, 4], {}, Decimal("0.5")).quorum_reached


def test_presence_of_ineligible_organisations_does_not_count_and_no_electorate_no_quorum():
    assert m.summarise(WEIGHTS, [99], {}, Decimal("0.5")).present_count == 0
    assert not m.summarise({}, [], {}, Decimal("0.5")).quorum_reached


def refusal(giver, holder, proxies=None, limit=2, now=START - timedelta(days=1)):
    return m.proxy_refusal(giver, holder, WEIGHTS, proxies or {}, limit, now, START)


def test_proxy_rules():
    assert refusal(1, 2) is None
    assert refusal(1, 2, now=START) is m.ProxyRefusal.CLOSED
    assert refusal(1, 1) is m.ProxyRefusal.TO_ITSELF
    assert refusal(99, 1) is m.ProxyRefusal.GIVER_INELIGIBLE
    assert refusal(1, 99) is m.ProxyRefusal.HOLDER_INELIGIBLE
    assert refusal(1, 2, {1: 3}) is m.ProxyRefusal.ALREADY_GIVEN
    assert refusal(1, 2, {2: 3}) is m.ProxyRefusal.HOLDER_GIVES
    assert refusal(1, 2, {3: 1}) is m.ProxyRefusal.GIVER_HOLDS
    assert refusal(1, 2, {3: 2, 4: 2}) is m.ProxyRefusal.OVER_LIMIT
    assert refusal(1, 2, {3: 2, 4: 2}, limit=3) is None


def test_a_round_opens_when_the_quorum_is_met_to_the_last_decimal():
    weights = {1: Decimal("1.5"), 2: Decimal("1.5"), 3: Decimal("3")}
    met = m.summarise(weights, [1, 2], {}, Decimal("0.5"))
    assert m.opening_refused(met) is None
    short = m.summarise(weights, [1], {3: 1}, Decimal("0.8"))
    assert m.opening_refused(short) == (Decimal("4.5"), Decimal("6"), Decimal("4.8"))
    assert [m.plain_weight(w) for w in m.opening_refused(short)] == ["4.5", "6", "4.8"]
    assert m.plain_weight(Decimal("4.0000")) == "4"
