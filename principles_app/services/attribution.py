"""Who wrote which words of a version, cached per version, with credits that respect opt-outs.

The owners of every passage are computed once per version (versions never change) from the
original draft and the merged amendments (``domain.attribution``) and stored with the other
generated files. Who an amendment is credited to is looked up when shown: its proposing
organisation then its co-sponsors, by name, or as "a member organisation from <region>" when
the organisation opted out of credit. On a publication the names are those its frozen record
credits, so a later opt-out or rename leaves the publication as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from principles_app.domain.amendments import AmendmentKind, AmendmentStatus
from principles_app.domain.attribution import (
    Change,
    PrincipleAttribution,
    Segment,
    attribute_history,
    changes_between,
)
from principles_app.extensions import db
from principles_app.labels import REGION_NAMES, anonymous_display
from principles_app.models import Amendment, AmendmentCosponsor, Document, Organisation, Publication, Version
from principles_app.services.generated_files import fingerprint_of, generated_file

# Bumped when the way owners are computed changes, so older cached attributions are not served.
ALGORITHM = 1


def _encode(attributions: list[PrincipleAttribution]) -> str:
    return json.dumps(
        [
            {
                "principle_id": a.principle_id,
                "title": [[s.text, s.amendment_id] for s in a.title],
                "text": [[s.text, s.amendment_id] for s in a.text],
            }
            for a in attributions
        ],
        ensure_ascii=False,
    )


def _decode(body: bytes) -> list[PrincipleAttribution]:
    return [
        PrincipleAttribution(
            row["principle_id"],
            tuple(Segment(text, owner) for text, owner in row["title"]),
            tuple(Segment(text, owner) for text, owner in row["text"]),
        )
        for row in json.loads(body)
    ]


def _matches(state: dict[int, PrincipleAttribution], principles: list[dict[str, Any]]) -> bool:
    """Tell whether attributed texts are exactly the version's principles."""
    for p in principles:
        found = state.get(p["id"])
        if found is None or "".join(s.text for s in found.title) != p["title"]:
            return False
        if "".join(s.text for s in found.text) != p["text"]:
            return False
    return True


def _from_amendments(document: Document, version: Version) -> dict[int, PrincipleAttribution] | None:
    """Attribute from the draft and the merged amendments' texts (two queries), or None if they disagree."""
    draft = db.session.execute(
        select(Version.snapshot).where(Version.document_id == document.id, Version.number == 1)
    ).scalar_one()
    merged = db.session.execute(
        select(Amendment.id, Amendment.kind, Amendment.principle_id, Amendment.proposed_title, Amendment.proposed_text)
        .where(
            Amendment.document_id == document.id,
            Amendment.status == AmendmentStatus.MERGED,
            Amendment.merged_in_version <= version.number,
        )
        .order_by(Amendment.merged_in_version)
    ).all()
    changes = [
        Change(row.id, row.principle_id, deleted=True)
        if row.kind == AmendmentKind.DELETE
        else Change(row.id, row.principle_id, row.proposed_title, row.proposed_text)
        for row in merged
    ]
    state = attribute_history({p["id"]: (p["title"], p["text"]) for p in draft["principles"]}, changes)
    return state if _matches(state, version.snapshot["principles"]) else None


def _from_snapshots(document: Document, version: Version) -> dict[int, PrincipleAttribution]:
    """Attribute by comparing every version with the one before (slower, always right)."""
    rows = db.session.execute(
        select(Version.snapshot, Version.merged_amendment_ids)
        .where(Version.document_id == document.id, Version.number <= version.number)
        .order_by(Version.number)
    ).all()
    draft = rows[0].snapshot["principles"]
    changes: list[Change] = []
    for before, after in zip(rows, rows[1:]):
        owner = after.merged_amendment_ids[0] if after.merged_amendment_ids else None
        changes.extend(changes_between(before.snapshot["principles"], after.snapshot["principles"], owner))
    return attribute_history({p["id"]: (p["title"], p["text"]) for p in draft}, changes)


def compute(document: Document, version: Version) -> list[PrincipleAttribution]:
    """Attribute every principle of a version, in the version's order (uncached)."""
    state = _from_amendments(document, version)
    if state is None:
        state = _from_snapshots(document, version)
    return [state[p["id"]] for p in version.snapshot["principles"]]


def attribution_of(document: Document, version: Version) -> list[PrincipleAttribution]:
    """Return the owners of every passage of a version, computed once and then read from the cache."""
    row = generated_file(
        "attribution",
        f"document:{document.id}:v{version.number}",
        "json",
        "",
        fingerprint_of({"sha256": version.sha256, "algorithm": ALGORITHM}),
        lambda: _encode(compute(document, version)),
    )
    return _decode(row.body)


# --- Credits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    """Who a merged amendment is credited to."""

    amendment_id: int
    organisations: tuple[str, ...]  # proposer first, then co-sponsors; opt-outs described by region
    region: str  # the proposing organisation's region code


def _credit_name(name: str, region: Any, named: bool) -> str:
    return name if named else str(anonymous_display("member", getattr(region, "value", region)))


def credits_for(amendment_ids: set[int], credited_names: set[str] | None = None) -> dict[int, Credit]:
    """Credit each amendment (two queries); with ``credited_names``, only those names are shown."""
    if not amendment_ids:
        return {}
    ids = sorted(amendment_ids)
    proposers = db.session.execute(
        select(Amendment.id, Organisation.name, Organisation.region, Organisation.credit_opt_out)
        .join(Organisation, Organisation.id == Amendment.organisation_id)
        .where(Amendment.id.in_(ids))
    ).all()
    cosponsors = db.session.execute(
        select(AmendmentCosponsor.amendment_id, Organisation.name, Organisation.region, Organisation.credit_opt_out)
        .join(Organisation, Organisation.id == AmendmentCosponsor.organisation_id)
        .where(AmendmentCosponsor.amendment_id.in_(ids))
        .order_by(AmendmentCosponsor.id)
    ).all()

    def named(name: str, opted_out: bool) -> bool:
        return name in credited_names if credited_names is not None else not opted_out

    names: dict[int, list[str]] = {}
    regions: dict[int, str] = {}
    for row in proposers:
        names[row.id] = [_credit_name(row.name, row.region, named(row.name, row.credit_opt_out))]
        regions[row.id] = getattr(row.region, "value", row.region)
    for row in cosponsors:
        names.setdefault(row.amendment_id, []).append(
            _credit_name(row.name, row.region, named(row.name, row.credit_opt_out))
        )
    return {aid: Credit(aid, tuple(names.get(aid, ())), regions.get(aid, "")) for aid in regions}


@dataclass(frozen=True)
class Passage:
    """A run of text with its origin for display: ``marker`` numbers the legend (0 = original draft)."""

    text: str
    amendment_id: int | None
    marker: int


@dataclass(frozen=True)
class AttributedPrinciple:
    principle_id: int
    number: int
    title: list[Passage]
    text: list[Passage]


@dataclass(frozen=True)
class AttributedVersion:
    """A version's text with the origin of every passage and the legend of those origins."""

    principles: list[AttributedPrinciple]
    legend: list[Credit | None]  # index = marker; None is the original draft

    def as_json(self) -> dict[str, Any]:
        """The API's shape (SPEC §14); ``title_segments`` and ``number`` added for the titles."""
        credits = {c.amendment_id: c for c in self.legend if c is not None}

        def segment(p: Passage) -> dict[str, Any]:
            credit = credits.get(p.amendment_id) if p.amendment_id is not None else None
            return {
                "text": p.text,
                "amendment_id": p.amendment_id,
                "organisations": list(credit.organisations) if credit else [],
                "region": credit.region if credit else None,
            }

        return {
            "principles": [
                {
                    "principle_id": p.principle_id,
                    "number": p.number,
                    "segments": [segment(s) for s in p.text],
                    "title_segments": [segment(s) for s in p.title],
                }
                for p in self.principles
            ]
        }


def attributed_version(
    document: Document, version: Version, credited_names: set[str] | None = None
) -> AttributedVersion:
    """Attribute a version and number its origins in order of first appearance (draft first)."""
    attributions = attribution_of(document, version)
    owners: list[int | None] = [None]
    for a in attributions:
        for s in (*a.title, *a.text):
            if s.amendment_id not in owners:
                owners.append(s.amendment_id)
    credits = credits_for({o for o in owners if o is not None}, credited_names)
    marker = {owner: index for index, owner in enumerate(owners)}
    numbers = {p["id"]: p["number"] for p in version.snapshot["principles"]}
    return AttributedVersion(
        [
            AttributedPrinciple(
                a.principle_id,
                numbers[a.principle_id],
                [Passage(s.text, s.amendment_id, marker[s.amendment_id]) for s in a.title],
                [Passage(s.text, s.amendment_id, marker[s.amendment_id]) for s in a.text],
            )
            for a in attributions
        ],
        [credits.get(o) if o is not None else None for o in owners],
    )


def publication_attribution(publication: Publication) -> AttributedVersion:
    """Attribute a publication's version, crediting only the organisations its frozen record names."""
    version = db.session.execute(
        select(Version).where(
            Version.document_id == publication.document_id, Version.number == publication.version_number
        )
    ).scalar_one()
    return attributed_version(publication.document, version, set(publication.record.get("credits", [])))


def region_name(code: str | None) -> str:
    """Name a region code in the current language."""
    return str(REGION_NAMES.get(code, code)) if code else ""
