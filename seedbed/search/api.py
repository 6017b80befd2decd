"""Search API: one search across people, skills, articles, questions and learning items the
caller may see, paginated with ``limit``/``offset``."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from seedbed.lib.schemas import ERRORS, AuthedRequest
from seedbed.search import services
from seedbed.search.presenters import shown
from seedbed.search.schemas import Kind, SearchIn, SearchPageOut

router = Router(tags=["search"])
# Leaving ``kind`` out searches every kind (a default, not a mutable shared value: never
# changed).
KIND_PARAM: list[Kind] = []


@router.get("/search", response={200: SearchPageOut, **ERRORS})
def search(
    request: AuthedRequest,
    filters: Query[SearchIn],
    kind: Query[list[Kind]] = KIND_PARAM,
) -> dict[str, Any]:
    """Search everything you may see. Results are ranked (title matches first) and come with
    escaped highlights; `counts` gives the number of results per kind for tabs. `kind` limits
    the results to these kinds (repeat it for several); `counts` always covers every kind."""
    page = services.search(
        viewer=request.user,
        q=filters.q,
        kinds=kind,
        limit=filters.limit,
        offset=filters.offset,
        fix_typos=not filters.exact,
        mode=filters.mode,
    )
    return {
        "query": page.query,
        "corrected_query": page.corrected_query,
        "count": page.total,
        "counts": page.counts,
        "limit": page.limit,
        "offset": page.offset,
        "items": [
            {
                "kind": r.kind,
                "id": r.object_id,
                "title": r.title,
                "title_html": str(r.title_html),
                "snippet_html": str(r.snippet_html),
                "facts": shown(r).facts,
                "url": r.url,
                "score": r.score,
            }
            for r in page.results
        ],
    }
