"""Fair deadlines: the closing time in every region's local time, and when it is unfair."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from principles_app.domain.fair_deadlines import MemberPlace, fairness, is_night, local_closings

BOGOTA, LAGOS, BANGKOK = "America/Bogota", "Africa/Lagos", "Asia/Bangkok"


def test_night_runs_from_22_00_to_06_00():
    day = datetime(2026, 12, 10)
    assert is_night(day.replace(hour=22)) and is_night(day.replace(hour=5, minute=59))
    assert not is_night(day.replace(hour=6)) and not is_night(day.replace(hour=21, minute=59))


def test_an_organisation_sits_in_the_zone_most_of_its_users_chose_else_its_regions():
    assert MemberPlace(1, "africa", (BOGOTA, LAGOS, BOGOTA)).zone == BOGOTA
    assert MemberPlace(1, "africa", ("Not/AZone",)).zone == LAGOS
    assert MemberPlace(1, "mena").zone == "Africa/Cairo"


def test_exactly_a_quarter_at_night_is_still_fair_more_is_not():
    members = [MemberPlace(1, "americas", (BOGOTA,))] + [MemberPlace(i, "asia_pacific") for i in range(2, 5)]
    midnight_bogota = datetime(2026, 12, 10, 5, 0, tzinfo=UTC)  # 12:00 in Bangkok
    assert not fairness(midnight_bogota, members).unfair
    assert fairness(midnight_bogota, members).warnings == []
    assert fairness(midnight_bogota, members[:3]).unfair


def test_warnings_name_each_region_at_night_with_its_local_time():
    members = [MemberPlace(1, "americas", (BOGOTA,)), MemberPlace(2, "americas", (BOGOTA,)), MemberPlace(3, "africa")]
    judged = fairness(datetime(2026, 12, 10, 4, 30, tzinfo=UTC), members)
    assert judged.warnings == [
        {"region": "africa", "organisations": 1, "local_time": "2026-12-10T05:30:00+01:00"},
        {"region": "americas", "organisations": 2, "local_time": "2026-12-09T23:30:00-05:00"},
    ]
    # The nearest fair time, later first: 06:00 in Lagos would leave Bogotá (00:00) at night.
    assert judged.suggestion == datetime(2026, 12, 10, 11, 0, tzinfo=UTC)


def test_closings_group_organisations_by_region_and_zone():
    members = [MemberPlace(1, "africa"), MemberPlace(2, "africa"), MemberPlace(3, "africa", (BOGOTA,))]
    closings = local_closings(datetime(2026, 12, 10, 12, 0, tzinfo=UTC), members)
    assert [(c.region, c.zone, c.organisations, c.local.hour) for c in closings] == [
        ("africa", LAGOS, 2, 13),
        ("africa", BOGOTA, 1, 7),
    ]


zones = st.sampled_from([BOGOTA, LAGOS, BANGKOK, "Pacific/Auckland", "Europe/Berlin", "America/Los_Angeles"])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["africa", "americas", "mena"]), zones), min_size=1, max_size=12),
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
)
def test_a_suggestion_is_always_fair_and_within_a_day(places, closes_at):
    members = [MemberPlace(i, region, (zone,)) for i, (region, zone) in enumerate(places)]
    judged = fairness(closes_at, members)
    assert judged.unfair == bool(judged.warnings)
    if judged.suggestion is not None:
        assert judged.unfair
        assert not fairness(judged.suggestion, members).unfair
        assert abs(judged.suggestion - closes_at) <= timedelta(days=1)
    assert sum(c.organisations for c in judged.closings) == len(members)
