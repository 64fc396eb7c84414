"""JSON rendering: every fact of the publication plus the canonical snapshot,
so that a reader can recompute ``sha256`` from this file alone."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from principles_app.domain.publication import (
    CANONICAL_RECIPE,
    PublicationExport,
    snapshot_of,
)

#: Version of the layout of this JSON document (not of the principles).
FORMAT_VERSION = 1


def export_dict(export: PublicationExport) -> dict[str, Any]:
    return {
        "format": "principles-publication",
        "format_version": FORMAT_VERSION,
        "slug": export.slug,
        "title": export.title,
        "preamble": export.preamble,
        "principles": [{"number": p.number, "title": p.title, "text": p.text} for p in export.principles],
        "label": export.label,
        "approved_at": export.approved_at,
        "meeting": export.meeting,
        "version": export.version,
        "sha256": export.sha256,
        "adoption": asdict(export.adoption) if export.adoption is not None else None,
        "credits": list(export.credits),
        "language": export.language,
        "direction": export.direction,
        "is_translation": export.is_translation,
        "source_language": export.source_language,
        "canonical": {
            "algorithm": "sha256",
            "serialisation": CANONICAL_RECIPE,
            "snapshot": snapshot_of(export),
        },
    }


def render_json(export: PublicationExport) -> bytes:
    text = json.dumps(export_dict(export), indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")
