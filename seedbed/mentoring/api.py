"""Mentoring API: one sub-router per area."""

from ninja import Router

from seedbed.mentoring.api_pairs import router as pairs_router
from seedbed.mentoring.api_programmes import router as programmes_router

router = Router(tags=["mentoring"])
router.add_router("", programmes_router)
router.add_router("", pairs_router)
