"""Where a search result is read."""

from __future__ import annotations

from flask import url_for

from principles_app.services.search import Hit


def hit_url(hit: Hit) -> str:
    """Return the address of the page that shows a result."""
    if hit.kind == "publication":
        return url_for("public.publication", slug=hit.document, label=hit.label or "")
    if hit.kind == "principle":
        return url_for("drafts.document", slug=hit.document) + f"#principle-{hit.id}"
    if hit.kind == "amendment":
        return url_for("amendments.show", amendment_id=hit.id)
    if hit.kind == "comment":
        return url_for("comments.continue_thread", comment_id=hit.id)
    if hit.kind == "point":
        return url_for("points.show", point_id=hit.id)
    if hit.parent_type == "point":
        return url_for("points.show", point_id=hit.parent_id)
    return url_for("drafts.document", slug=hit.document, text_lang=hit.language) + f"#principle-{hit.parent_id}"
