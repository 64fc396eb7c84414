"""Local times across clock changes, and how long remains until a deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from principles_app.domain.times import (
    NonexistentLocalTime,
    UnknownTimeZone,
    humanise_remaining,
    parse_local_datetime,
    resolve_local_datetime,
    to_local_input,
    zone_for,
)

UTC = UTC


def test_an_ordinary_local_time_becomes_its_utc_instant():
    assert parse_local_datetime("2026-06-15T14:00", "Europe/Berlin") == datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    assert parse_local_datetime(datetime(2026, 1, 15, 9, 30), "Africa/Lagos") == datetime(
        2026, 1, 15, 8, 30, tzinfo=UTC
    )


def test_a_time_skipped_by_berlin_spring_forward_is_refused():
    # 2026-03-29: Berlin clocks jump from 02:00 to 03:00.
    with pytest.raises(NonexistentLocalTime) as refused:
        parse_local_datetime("2026-03-29T02:30", "Europe/Berlin")
    assert "does not exist" in str(refused.value)
    assert isinstance(refused.value, ValueError)


def test_the_minutes_around_berlin_spring_forward_are_fine():
    assert parse_local_datetime("2026-03-29T01:59", "Europe/Berlin") == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert parse_local_datetime("2026-03-29T03:00", "Europe/Berlin") == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_a_time_repeated_by_berlin_fall_back_takes_the_earlier_instant_and_says_so():
    # 2026-10-25: Berlin clocks go back from 03:00 to 02:00, so 02:30 happens twice.
    resolved = resolve_local_datetime("2026-10-25T02:30", "Europe/Berlin")
    assert resolved.ambiguous
    assert resolved.utc == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # still summer time, UTC+2
    assert resolved.later_utc == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert parse_local_datetime("2026-10-25T02:30", "Europe/Berlin") == resolved.utc


def test_a_time_skipped_by_santiago_spring_forward_is_refused():
    # 2026-09-06: Santiago clocks jump from 00:00 to 01:00.
    with pytest.raises(NonexistentLocalTime):
        parse_local_datetime("2026-09-06T00:30", "America/Santiago")
    assert parse_local_datetime("2026-09-06T01:00", "America/Santiago") == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)


def test_a_time_repeated_by_santiago_fall_back_takes_the_earlier_instant():
    # 2026-04-05 00:00 summer time becomes 2026-04-04 23:00 again: 23:30 on the 4th happens twice.
    resolved = resolve_local_datetime("2026-04-04T23:30", "America/Santiago")
    assert resolved.ambiguous
    assert resolved.utc == datetime(2026, 4, 5, 2, 30, tzinfo=UTC)  # UTC-3
    assert resolved.later_utc == datetime(2026, 4, 5, 3, 30, tzinfo=UTC)  # UTC-4


def test_an_unambiguous_time_is_not_flagged():
    assert not resolve_local_datetime("2026-10-25T04:30", "Europe/Berlin").ambiguous


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "europe/berlin", "../etc/passwd", None])
def test_an_unknown_zone_is_refused(zone):
    with pytest.raises(UnknownTimeZone):
        parse_local_datetime("2026-06-15T14:00", zone)


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-13-01T10:00", "2026-02-30T10:00", "2026-06-15T25:00", 42])
def test_text_that_is_not_a_date_and_time_is_refused(text):
    with pytest.raises(ValueError):
        parse_local_datetime(text, "Europe/Berlin")


def test_an_aware_datetime_is_refused_as_local_input():
    with pytest.raises(ValueError):
        parse_local_datetime(datetime(2026, 6, 15, 14, 0, tzinfo=UTC), "Europe/Berlin")


def test_a_stored_instant_fills_a_datetime_local_input_in_the_readers_zone():
    assert to_local_input(datetime(2026, 6, 15, 12, 0, tzinfo=UTC), "Europe/Berlin") == "2026-06-15T14:00"
    assert to_local_input(datetime(2026, 6, 15, 12, 0, tzinfo=UTC), "America/Santiago") == "2026-06-15T08:00"


def test_the_zone_falls_back_to_the_region_then_utc():
    assert zone_for("Asia/Kathmandu", "africa") == "Asia/Kathmandu"
    assert zone_for(None, "americas") == "America/Bogota"
    assert zone_for("Not/AZone", "mena") == "Africa/Cairo"
    assert zone_for(None, "international") == "UTC"
    assert zone_for(None, None) == "UTC"


@pytest.mark.parametrize(
    "delta, expected",
    [
        (timedelta(days=3, hours=4, minutes=5), [(3, "day"), (4, "hour")]),
        (timedelta(days=2), [(2, "day")]),
        (timedelta(hours=5, minutes=30, seconds=9), [(5, "hour"), (30, "minute")]),
        (timedelta(minutes=12, seconds=40), [(12, "minute")]),
        (timedelta(seconds=42), [(42, "second")]),
        (timedelta(0), [(0, "second")]),
        (-timedelta(days=1, hours=2), [(1, "day"), (2, "hour")]),
    ],
)
def test_remaining_time_is_told_in_its_two_largest_units(delta, expected):
    assert humanise_remaining(delta) == expected
