"""Knowledge API: the questions area."""

from ninja import Router

router = Router(tags=["questions"])
