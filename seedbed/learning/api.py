"""Learning API: one sub-router per area."""

from ninja import Router

from seedbed.learning.api_catalogue import router as catalogue_router
from seedbed.learning.api_paths import router as paths_router

router = Router(tags=["learning"])
router.add_router("", catalogue_router)
router.add_router("", paths_router)
