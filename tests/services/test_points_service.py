"""Key point services: sources per version, counts for voices, and lists with a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from principles_app.db import utcnow
from principles_app.extensions import db
from principles_app.models import PrincipleSource
from principles_app.services import closing
from principles_app.services import points as point_service
from principles_app.services import rounds as round_service
from principles_app.services.errors import Conflict, Forbidden, ValidationFailed
from tests.factories import (
    make_document,
    make_organisation,
    make_user,
    merge_change,
    open_amendments_round,
    principle,
    sign_in,
)


def consultation(document, secretariat):
    target = round_service.create_round(
        secretariat, document, "consultation", "Key points", utcnow() + timedelta(days=7)
    )
    closing.open_round(secretariat, target)
    db.session.commit()
    return target


@pytest.fixture
def scene(app):
    secretariat = make_user("secretariat")
    members = [
        make_user("member", organisation=make_organisation(f"Org {region}", region=region))
        for region in ("africa", "americas", "asia_pacific")
    ]
    document = make_document()
    target = consultation(document, secretariat)
    return secretariat, members, document, target


def test_opening_and_closing_a_consultation_puts_no_motion_and_fixes_no_electorate(scene):
    secretariat, _members, _document, target = scene
    from principles_app.models import AuditEntry

    closing.close_round(secretariat, target)
    actions = db.session.execute(select(AuditEntry.action).where(AuditEntry.object_type == "round")).scalars().all()
    assert "round.electorate_fixed" not in actions and actions.count("round.opened") == 1
    assert target.state == "closed"


def test_links_are_kept_per_version_and_an_edit_after_a_merge_leaves_older_versions_alone(scene):
    secretariat, members, document, target = scene
    a = point_service.submit_point(members[0], document, "Listen first.")
    b = point_service.submit_point(members[1], document, "Decide together.")
    first = principle(document, 1)
    point_service.set_sources(secretariat, first, [a.id])
    point_service.set_sources(secretariat, first, [a.id, b.id])  # same version: replaced, no history
    assert db.session.execute(select(PrincipleSource.point_id, PrincipleSource.from_version)).all() == [
        (a.id, 1),
        (b.id, 1),
    ]
    closing.close_round(secretariat, target)
    db.session.commit()
    open_amendments_round(document)
    merge_change(members[0], secretariat, document)
    point_service.set_sources(secretariat, first, [b.id])
    db.session.commit()
    in_version = {
        v: [view.id for view in point_service.sources_by_principle([first.id], None, v).get(first.id, [])]
        for v in (1, 2)
    }
    assert in_version == {1: [a.id, b.id], 2: [b.id]}
    with pytest.raises(Forbidden):
        point_service.set_sources(members[0], first, [])


def test_session_points_need_a_name_and_an_organisation_and_only_the_secretariat_records_them(scene):
    secretariat, members, document, _target = scene
    with pytest.raises(Forbidden):
        point_service.submit_point(
            members[0], document, "x", session="Lima", organisation_id=members[1].organisation_id
        )
    with pytest.raises(ValidationFailed):
        point_service.submit_point(secretariat, document, "x", organisation_id=members[1].organisation_id)
    with pytest.raises(ValidationFailed):
        point_service.submit_point(secretariat, document, "x", session="Lima")
    point = point_service.submit_point(
        secretariat, document, "Heard in Lima.", session="Lima", organisation_id=members[1].organisation_id
    )
    assert point.organisation_id == members[1].organisation_id and point.session_date == utcnow().date()


def test_themes_refuse_duplicates_and_merging_across_documents(scene):
    secretariat, members, document, _target = scene
    credit = point_service.create_theme(secretariat, document, "Credit")
    with pytest.raises(Conflict):
        point_service.create_theme(secretariat, document, "credit")
    other = point_service.create_theme(secretariat, make_document("other"), "Elsewhere")
    with pytest.raises(ValidationFailed):
        point_service.merge_themes(secretariat, credit, other)
    with pytest.raises(Forbidden):
        point_service.rename_theme(members[0], credit, "Mine")


def test_counts_for_voices_by_organisation(scene):
    secretariat, members, document, _target = scene
    a = point_service.submit_point(members[0], document, "Listen first.")
    point_service.submit_point(members[0], document, "Pay for the work.")
    point_service.support_point(members[1], a)
    point_service.support_point(members[2], a)
    point_service.set_sources(secretariat, principle(document, 1), [a.id])
    counts = point_service.point_counts_by_organisation(document)
    first, second, third = (m.organisation_id for m in members)
    assert (counts[first].raised, counts[first].supported, counts[first].taken_up) == (2, 0, 1)
    assert (counts[second].raised, counts[second].supported, counts[third].supported) == (0, 1, 1)


def test_the_list_and_the_not_taken_up_page_use_the_same_number_of_queries_at_any_size(client, scene, count_queries):
    secretariat, members, document, _target = scene
    reader = make_user("member", organisation=make_organisation("Reader", region="mena"))

    def add(count: int) -> None:
        for n in range(count):
            author = members[n % 3]
            point = point_service.submit_point(author, document, f"Point {n}", anonymous=n % 4 == 0, theme=f"T{n % 3}")
            point_service.support_point(members[(n + 1) % 3], point)
            if n % 3 == 0:
                point_service.set_sources(secretariat, principle(document, 1 + n % 3), [point.id])
        db.session.commit()

    sign_in(client, reader)
    paths = (
        "/documents/charter/consultation/?region=africa",
        "/documents/charter/consultation/not-taken-up",
        "/documents/charter/consultation/?min_support=1&page=1",
    )
    counts = []
    for size in (6, 60):
        add(size)
        measured = []
        for path in paths:
            client.get(path)
            with count_queries() as counter:
                assert client.get(path).status_code == 200
            measured.append(counter.count)
        counts.append(measured)
    assert counts[0] == counts[1]


def test_voices_count_points_raised_supported_and_taken_up_by_region(app, scene, monkeypatch):
    from principles_app.services import voices as voices_service

    monkeypatch.setitem(app.config, "ANONYMITY_MIN_GROUP", 1)
    secretariat, members, document, _target = scene
    a = point_service.submit_point(members[0], document, "Listen first.")
    point_service.submit_point(members[0], document, "Pay for the work.", anonymous=True)
    point_service.support_point(members[1], a)
    point_service.set_sources(secretariat, principle(document, 1), [a.id])
    db.session.commit()
    rows = {row["key"]: row for row in voices_service.document_voices(document).as_json()["by_region"]}
    assert (rows["africa"]["points_raised"], rows["africa"]["points_taken_up"]) == (2, 1)  # the anonymous one too
    assert rows["americas"]["points_supported"] == 1 and rows["americas"]["points_raised"] == 0
    assert rows["asia_pacific"]["points_raised"] == rows["asia_pacific"]["points_supported"] == 0
