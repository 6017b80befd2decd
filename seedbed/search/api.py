"""Search API: the search area."""

from ninja import Router

router = Router(tags=["search"])
