"""Benchmark of the publication exports.

Run directly (``.venv/bin/python benchmarks/bench_exports.py``) or call
``run()``, which returns rows like
``{"benchmark": "PDF export, 50 principles", "value": "1.2 s", "target": "< 3 s", "ok": True}``.

The publication is synthetic: 50 principles of realistic length (about 80
words each), a preamble with an Arabic line, a full vote record and 40
credited organisations.  Timings are wall-clock; the steady-state figure is
the slowest of several runs after a first call (which also pays for loading
WeasyPrint, Pango and the fonts, reported on its own row).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script from anywhere
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from principles_app.domain.publication import (
    AdoptionResult,
    ExportPrinciple,
    PublicationExport,
    snapshot_of,
    version_hash,
)

N_PRINCIPLES = 50
REPEAT = 3

_TOPICS = [
    (
        "Shared purpose",
        "we collaborate because we share a purpose, and joint work serves it "
        "before the visibility of any single organisation",
    ),
    (
        "Écouter d'abord",
        "organisations closest to a situation describe it first, in their own "
        "words and language, and their analysis shapes the response",
    ),
    (
        "Consent before exposure",
        "no partner is named, quoted or pictured in joint material "
        "without its explicit consent, and anonymity is the default where exposure creates risk",
    ),
    (
        "Transparency about money",
        "we disclose the funding that supports a joint activity and any condition a donor attaches to it",
    ),
    (
        "Fair credit",
        "every contribution is acknowledged in proportion to the work done, and "
        "authors, researchers and translators are credited by name when they wish",
    ),
    (
        "Language justice",
        "meetings and documents are available in the working languages of the "
        "participants, with interpretation budgeted from the start",
    ),
    (
        "Security of partners",
        "we protect each other's communications, data and people, and any "
        "partner may withdraw from a joint activity when its safety requires it",
    ),
    (
        "Disagreement in good faith",
        "we disagree openly and within the network first, before a dispute reaches donors, media or the public",
    ),
]


def sample_export(n: int = N_PRINCIPLES) -> PublicationExport:
    principles = []
    for i in range(1, n + 1):
        title, clause = _TOPICS[(i - 1) % len(_TOPICS)]
        text = (
            f"In all joint work, {clause}. This applies to campaigns, research, advocacy and "
            f"emergency responses alike, whichever member leads them.\n\n"
            f"Where this principle conflicts with another, the members concerned agree on a way "
            f"forward together and record it, so that the network learns from case {i}."
        )
        principles.append(ExportPrinciple(i, f"{title} ({i})", text))
    preamble = (
        "We, the organisations of the network, adopt these principles to guide how we work "
        "together.\nنلتزم بهذه المبادئ في كل عمل مشترك"
    )
    export = PublicationExport(
        slug="principles-for-collaboration",
        title="Principles for Collaboration",
        preamble=preamble,
        principles=tuple(principles),
        label="2025 edition",
        approved_at="2025-05-14",
        meeting="General Assembly 2025, Nairobi",
        version=7,
        sha256="0" * 64,
        adoption=AdoptionResult(
            majority="two thirds of weighted votes cast",
            quorum="half of the eligible weight",
            quorum_reached=True,
            passed=True,
            yes_weight="31",
            no_weight="3",
            abstain_weight="2",
            eligible_weight="44",
            yes_count=25,
            no_count=3,
            abstain_count=2,
            eligible_count=37,
            participation_weight="36",
            participation_count=30,
            closed_at="2025-05-14 17:00 UTC",
        ),
        credits=tuple(f"Member organisation {k:02d}" for k in range(1, 41)),
    )
    # a real hash, as the app would pass it
    import dataclasses

    return dataclasses.replace(export, sha256=version_hash(snapshot_of(export)))


def _time(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def _fmt(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def run() -> list[dict]:
    from principles_app.exports import RENDERERS

    export = sample_export()
    rows: list[dict] = []

    # First PDF call pays for importing WeasyPrint and loading fonts.
    first = _time(RENDERERS["pdf"], export)
    rows.append(
        {
            "benchmark": f"PDF export, {N_PRINCIPLES} principles (first call, incl. WeasyPrint start-up)",
            "value": _fmt(first),
            "target": "< 5 s",
            "ok": first < 5.0,
        }
    )

    targets = {
        "pdf": (3.0, "< 3 s"),
        "docx": (1.0, "< 1 s"),
        "html": (0.5, "< 0.5 s"),
        "md": (0.1, "< 0.1 s"),
        "json": (0.1, "< 0.1 s"),
    }
    names = {"pdf": "PDF", "docx": "DOCX", "html": "HTML", "md": "Markdown", "json": "JSON"}
    for fmt, (target, target_text) in targets.items():
        RENDERERS[fmt](export)  # warm-up
        worst = max(_time(RENDERERS[fmt], export) for _ in range(REPEAT))
        rows.append(
            {
                "benchmark": f"{names[fmt]} export, {N_PRINCIPLES} principles",
                "value": _fmt(worst),
                "target": target_text,
                "ok": worst < target,
            }
        )

    snapshot = snapshot_of(export)
    loops = 200
    per_call = _time(lambda: [version_hash(snapshot) for _ in range(loops)]) / loops
    rows.append(
        {
            "benchmark": f"version_hash, {N_PRINCIPLES} principles",
            "value": _fmt(per_call),
            "target": "< 10 ms",
            "ok": per_call < 0.010,
        }
    )
    return rows


def main() -> int:
    rows = run()
    width = max(len(r["benchmark"]) for r in rows)
    for r in rows:
        mark = "ok " if r["ok"] else "SLOW"
        print(f"{mark} {r['benchmark']:<{width}}  {r['value']:>9}  (target {r['target']})")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
