"""Read models of the knowledge app used by other apps (the knowledge-at-risk view)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from seedbed.knowledge.models import HandoverInterview, HandoverQuerySet, HandoverState

if TYPE_CHECKING:
    from seedbed.accounts.models import User
    from seedbed.people.models import Person


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


# --- handover lists and panels -----------------------------------------------------------


def handovers_for(user: User) -> HandoverQuerySet:
    """Interviews ``user`` may see, with the person, their team, the manager and the prompt
    counts (``total``, ``done``) in the same query."""
    return (
        HandoverInterview.objects.visible_to(user)
        .select_related("person__team", "manager")
        .annotate(total=Count("prompts"), done=Count("prompts", filter=Q(prompts__is_done=True)))
    )


def my_handovers(user: User) -> HandoverQuerySet:
    """Interviews of the user's own person, and those where they are the assigned manager."""
    if not (user.is_authenticated and user.is_active):
        return HandoverInterview.objects.none()
    return handovers_for(user).filter(Q(person__user=user) | Q(manager__user=user))


@dataclass(frozen=True)
class HandoverPanel:
    """What a person's page shows about their handover: the latest interview ``user`` may see
    (None if none) and whether ``user`` may start a new one now."""

    progress: HandoverProgress | None
    may_start: bool


def handover_panel(user: User, person: Person) -> HandoverPanel:
    """Two queries at most (the latest interview; for managers, whether the person is in
    their reporting line)."""
    from seedbed.knowledge.services.handovers import may_start

    row = (
        HandoverInterview.objects.visible_to(user)
        .filter(person=person)
        .annotate(total=Count("prompts"), done=Count("prompts", filter=Q(prompts__is_done=True)))
        .order_by("-created_at", "-id")
        .values_list("id", "state", "done", "total")
        .first()
    )
    progress = HandoverProgress(*row) if row else None
    has_open = progress is not None and not progress.is_done
    return HandoverPanel(
        progress,
        person.is_active and not has_open and user.is_manager and may_start(user, person),
    )
