"""Read models of the knowledge app used by other apps (the knowledge-at-risk view)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from seedbed.knowledge.models import HandoverInterview, HandoverState


@dataclass(frozen=True)
class HandoverProgress:
    """The latest handover interview of a person: its id, state and prompts done of all."""

    interview_id: int
    state: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_done(self) -> bool:
        return self.state == HandoverState.DONE


def handover_progress(person_ids: Iterable[int]) -> dict[int, HandoverProgress]:
    """Person id -> progress of their most recent handover interview. One query."""
    ids = list(person_ids)
    if not ids:
        return {}
    rows = (
        HandoverInterview.objects.filter(person_id__in=ids)
        .annotate(total=Count("prompts"), done=Count("prompts", filter=Q(prompts__is_done=True)))
        .order_by("person_id", "-created_at", "-id")
        .values_list("person_id", "id", "state", "done", "total")
    )
    found: dict[int, HandoverProgress] = {}
    for person_id, interview_id, state, done, total in rows:
        found.setdefault(person_id, HandoverProgress(interview_id, state, done, total))
    return found
