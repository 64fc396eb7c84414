"""Search over JSON (SPEC §15): anyone searches publications; signed-in callers everything they may read."""

from __future__ import annotations

from flask import g, request

from principles_app.services import search as search_service
from principles_app.web.api import bp
from principles_app.web.api.core import ok
from principles_app.web.api.openapi import Endpoint, endpoint
from principles_app.web.api.search_schemas import SearchHit, SearchResults
from principles_app.web.search.links import hit_url


@bp.get("/search")
@endpoint(
    Endpoint(
        "Search principles, publications, amendments, comments, key points and translations the caller may read",
        auth="public",
        response=SearchResults,
        errors=(400, 422),
        tag="search",
        query={
            "q": {"type": "string", "minLength": 1, "maxLength": search_service.MAX_QUERY_LENGTH},
            "kind": {
                "type": "string",
                "enum": list(search_service.KINDS),
                "description": "only these kinds (repeat, or separate with commas)",
            },
            "document": {"type": "string", "description": "a document's slug"},
            "page": {"type": "integer", "minimum": 1, "maximum": 10000},
            "per_page": {"type": "integer", "minimum": 1, "maximum": search_service.MAX_PER_PAGE},
        },
    )
)
def search():
    results = search_service.search(search_service.parse(request.args, g.api_user), g.api_user)
    return ok(
        SearchResults(
            q=results.q,
            kinds=results.kinds,
            document=results.document,
            results=[
                SearchHit(
                    kind=hit.kind,
                    id=hit.id,
                    document=hit.document,
                    title=str(hit.title),
                    snippet=str(hit.snippet),
                    author=hit.author,
                    language=hit.language,
                    parent_type=hit.parent_type,
                    parent_id=hit.parent_id,
                    label=hit.label,
                    url=hit_url(hit),
                    score=hit.score,
                )
                for hit in results.hits
            ],
            page=results.page,
            pages=results.pages,
            per_page=results.per_page,
            total=results.total,
        )
    )
