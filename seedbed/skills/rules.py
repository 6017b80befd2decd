"""The one rule that turns a person's evidence for a skill into a current level.

**Rule.** Sources are ranked in tiers:

====  ==========================================  =========================================
tier  sources                                     why
====  ==========================================  =========================================
3     manager validation, assessment, certification  checked by someone other than the person
2     completed learning                          evidence of effort, not of mastery
1     peer rating                                 informed but informal
0     self-assessment                             the person's own view
====  ==========================================  =========================================

The current level is the level of the **newest assertion in the highest tier present**
(ties on time broken by the later record). So a manager-validated level outranks a later
self-rating until the manager validates again, and within a tier the newest wins.

A level is **stale** when its newest evidence of any source (``last_at``) is older than the
organisation's review interval: confirming a level (a new self-rating, then validation) makes
it fresh again.

A **claim** (a self-rating, or the level a completed learning item promises) is **pending
validation** when it is newer than the newest manager validation
(or there is none); the manager's queue shows exactly those.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

# Evidence a manager confirms: what the person says of themselves, and what finishing a
# learning item promises (recorded by the learning services on completion).
CLAIM_SOURCES = frozenset({"self", "learning"})

TIERS: dict[str, int] = {
    "manager": 3,
    "assessment": 3,
    "certification": 3,
    "learning": 2,
    "peer": 1,
    "self": 0,
}


@dataclass(frozen=True, slots=True)
class Evidence:
    id: int
    level: int
    source: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Current:
    level: int
    source: str
    at: datetime
    self_level: int | None
    self_at: datetime | None
    pending_assertion_id: int | None
    last_at: datetime

    @property
    def pending_validation(self) -> bool:
        return self.pending_assertion_id is not None


def current_level(evidence: Iterable[Evidence]) -> Current | None:
    """Apply the rule above to all assertions of one person in one skill (any order)."""
    best: Evidence | None = None
    latest_self: Evidence | None = None
    latest_claim: Evidence | None = None
    latest_manager: Evidence | None = None
    newest_at: datetime | None = None
    for ev in evidence:
        if newest_at is None or ev.at > newest_at:
            newest_at = ev.at
        key = (TIERS[ev.source], ev.at, ev.id)
        if best is None or key > (TIERS[best.source], best.at, best.id):
            best = ev
        if ev.source == "self" and (
            latest_self is None or (ev.at, ev.id) > (latest_self.at, latest_self.id)
        ):
            latest_self = ev
        if ev.source in CLAIM_SOURCES and (
            latest_claim is None or (ev.at, ev.id) > (latest_claim.at, latest_claim.id)
        ):
            latest_claim = ev
        if ev.source == "manager" and (
            latest_manager is None or (ev.at, ev.id) > (latest_manager.at, latest_manager.id)
        ):
            latest_manager = ev
    if best is None or newest_at is None:
        return None
    pending = latest_claim is not None and (
        latest_manager is None
        or (latest_claim.at, latest_claim.id) > (latest_manager.at, latest_manager.id)
    )
    return Current(
        level=best.level,
        source=best.source,
        at=best.at,
        self_level=latest_self.level if latest_self else None,
        self_at=latest_self.at if latest_self else None,
        pending_assertion_id=latest_claim.id if pending and latest_claim else None,
        last_at=newest_at,
    )
