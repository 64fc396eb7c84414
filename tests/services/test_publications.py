"""Publishing an adopted version: what the secretariat and later readers would notice."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from principles_app.demo.publications import publish_adopted
from principles_app.extensions import db
from principles_app.models import AuditEntry, ExportCache, Publication
from principles_app.services import organisations as org_service
from principles_app.services import publications as publications_service
from principles_app.services.errors import Conflict, NotFound, ValidationFailed
from tests.factories import adopt, adopted_document, merge_amendment, publish


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_an_adopted_version_is_published_with_its_record_and_an_audit_entry(app):
    scenario = adopted_document()
    publication = publish(scenario)
    record = publication.record
    assert publication.label == "1.0" and publication.version_number == scenario.adopted_version
    assert publication.approved_at == date(2024, 6, 14)
    assert record["adoption"]["passed"] is True and record["adoption"]["yes_weight"] == "3.0000"
    assert record["credits"] == ["Andes Press Freedom", "Voices of the Sahel"]
    assert "Quiet Observers Network" not in record["credits"]
    assert record["sha256"] == publication.sha256
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "publication.created")).scalar_one()
    assert entry.payload["label"] == "1.0" and entry.payload["sha256"] == publication.sha256


def test_the_hash_is_the_hash_of_the_adopted_version(app):
    from principles_app.models import Version

    scenario = adopted_document()
    publication = publish(scenario)
    version = db.session.execute(
        select(Version).where(Version.document_id == scenario.document.id, Version.number == scenario.adopted_version)
    ).scalar_one()
    assert publication.sha256 == version.sha256


def test_a_version_without_a_passed_adoption_motion_cannot_be_published(app):
    scenario = adopted_document()
    with pytest.raises(Conflict):
        publish(scenario, version=1)  # the draft before the amendment was never put to adoption
    db.session.rollback()
    assert _count(Publication) == 0


def test_a_failed_adoption_vote_does_not_allow_publication(app):
    scenario = adopted_document()
    newer = merge_amendment(scenario, "Principle title 2", "A newer text of principle 2.", number=2)
    assert adopt(scenario, ("no", "no")) == newer
    with pytest.raises(Conflict):
        publish(scenario, label="2.0", version=newer)
    db.session.rollback()
    assert _count(Publication) == 0


def test_a_label_is_published_once_per_document(app):
    scenario = adopted_document()
    publish(scenario)
    with pytest.raises(Conflict):
        publish(scenario)
    db.session.rollback()
    assert _count(Publication) == 1


def test_an_unknown_version_is_not_found(app):
    scenario = adopted_document()
    with pytest.raises(NotFound):
        publish(scenario, version=99)


@pytest.mark.parametrize("label", ["", " ", "1.0/2", "../x", "a" * 41, "-1", "1.0 final"])
def test_a_bad_label_is_refused(app, label):
    scenario = adopted_document()
    with pytest.raises(ValidationFailed):
        publish(scenario, label=label)
    db.session.rollback()
    assert _count(Publication) == 0


def test_the_version_before_an_open_adoption_round_cannot_be_published(app):
    from datetime import timedelta

    from principles_app.db import utcnow
    from principles_app.services import closing
    from principles_app.services import rounds as rounds_service

    scenario = adopted_document()
    # A second adoption vote on the same text is under way: its outcome is not known yet.
    again = rounds_service.create_round(
        scenario.secretariat, scenario.document, "adoption", "Again", utcnow() + timedelta(days=3)
    )
    closing.open_round(scenario.secretariat, again)
    db.session.commit()
    with pytest.raises(Conflict):
        publish(scenario)


def test_credits_leave_out_an_organisation_that_opted_out_and_old_publications_never_change(app):
    scenario = adopted_document()
    first = publish(scenario, label="1.0")
    before = dict(first.record)
    org_service.update_organisation(scenario.secretariat, scenario.cosponsor_org, credit_opt_out=True)
    org_service.update_organisation(scenario.secretariat, scenario.proposer_org, name="Sahel Voices Renamed")
    db.session.commit()
    second = publish(scenario, label="1.0.1")
    assert second.record["credits"] == ["Sahel Voices Renamed"]
    db.session.expire_all()
    again = publications_service.get_publication(scenario.document, "1.0")
    assert again.record == before
    assert again.record["credits"] == ["Andes Press Freedom", "Voices of the Sahel"]


def test_a_later_publication_supersedes_but_keeps_the_earlier_one(app):
    scenario = adopted_document()
    publish(scenario, label="1.0")
    newer = merge_amendment(scenario, "Principle title 3", "A better principle 3.", number=3)
    adopt(scenario)
    publish(scenario, label="2.0", version=newer)
    assert publications_service.latest_publication(scenario.document).label == "2.0"
    assert [p.label for p in publications_service.publications_of(scenario.document)] == ["2.0", "1.0"]
    assert publications_service.get_publication(scenario.document, "1.0").version_number == scenario.adopted_version


def test_an_export_is_rendered_once_and_then_served_from_the_cache(app, monkeypatch):
    scenario = adopted_document()
    publication = publish(scenario)
    calls = []
    original = publications_service.render
    monkeypatch.setattr(publications_service, "render", lambda fmt, e: calls.append(fmt) or original(fmt, e))
    first = publications_service.rendered_export(publication, "md", "en")
    db.session.commit()
    second = publications_service.rendered_export(publication, "md", "en")
    assert calls == ["md"]
    assert first.body == second.body and _count(ExportCache) == 1


def test_an_unknown_export_format_is_not_found(app):
    scenario = adopted_document()
    with pytest.raises(NotFound):
        publications_service.rendered_export(publish(scenario), "exe", "en")


def test_the_demo_step_publishes_once_and_skips_without_an_adoption(app):
    network = {"document": {"slug": "principles"}}
    publish_adopted(network)  # no document yet: nothing happens
    scenario = adopted_document()
    publish_adopted(network)
    publish_adopted(network)
    db.session.commit()
    published = publications_service.publications_of(scenario.document)
    assert [(p.label, p.meeting, p.approved_at) for p in published] == [
        ("1.0", "General Meeting, Berlin 2024", date(2024, 6, 14))
    ]
