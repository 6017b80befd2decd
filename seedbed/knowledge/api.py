"""Knowledge API: one sub-router per area."""

from ninja import Router

from seedbed.knowledge.api_articles import router as articles_router
from seedbed.knowledge.api_experts import router as experts_router
from seedbed.knowledge.api_handovers import router as handovers_router
from seedbed.knowledge.api_questions import router as questions_router

router = Router(tags=["knowledge"])
router.add_router("", articles_router)
router.add_router("", questions_router)
router.add_router("", experts_router)
router.add_router("", handovers_router)
