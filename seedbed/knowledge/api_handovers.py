"""Knowledge API: the handovers area."""

from ninja import Router

router = Router(tags=["knowledge capture"])
