"""The search page: /search?q= (SPEC §15)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from principles_app import permissions
from principles_app.services import search as search_service
from principles_app.services.errors import ValidationFailed
from principles_app.web.search.links import hit_url

bp = Blueprint("search", __name__)


@bp.get("/search")
def search():
    results, errors = None, {}
    if request.args.get("q") is not None:
        try:
            results = search_service.search(search_service.parse(request.args, current_user), current_user)
        except ValidationFailed as refusal:
            errors = refusal.fields or {}
    documents = [{"slug": slug, "title": title} for slug, title in search_service.documents_for(current_user)]
    return render_template(
        "search/search.html",
        results=results,
        errors=errors,
        kinds=search_service.KINDS,
        documents=documents,
        chosen_kinds=[k for v in request.args.getlist("kind") for k in v.split(",")],
        members=permissions.can_search_members_texts(current_user),
        hit_url=hit_url,
    ), (422 if errors else 200)
