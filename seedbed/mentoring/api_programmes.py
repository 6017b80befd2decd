"""Mentoring API: the programmes area."""

from ninja import Router

router = Router(tags=["mentoring programmes"])
