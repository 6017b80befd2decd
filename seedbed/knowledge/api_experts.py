"""Knowledge API: the experts area."""

from ninja import Router

router = Router(tags=["expert finder"])
