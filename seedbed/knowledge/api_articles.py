"""Knowledge API: the articles area."""

from ninja import Router

router = Router(tags=["knowledge articles"])
