"""Mentoring API: the pairs area."""

from ninja import Router

router = Router(tags=["mentoring pairs"])
