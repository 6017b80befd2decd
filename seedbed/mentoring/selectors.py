"""Read models of the mentoring app used by other apps (the knowledge-at-risk view)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from seedbed.mentoring.models import Pair, PairOrigin, PairState


@dataclass(frozen=True)
class CrossTraining:
    """A live cross-training pair for an at-risk skill: who learns from whom, to which level."""

    pair_id: int
    mentor_id: int
    mentee_id: int
    state: str
    target_level: int | None


def cross_training_by_skill(skill_ids: Iterable[int]) -> dict[int, list[CrossTraining]]:
    """Skill id -> its live cross-training pairs (proposed, waiting or active). One query."""
    ids = list(skill_ids)
    if not ids:
        return {}
    rows = (
        Pair.objects.filter(
            origin=PairOrigin.CROSS_TRAINING,
            skill_id__in=ids,
            state__in=[PairState.PROPOSED, PairState.PUBLISHED, PairState.ACTIVE],
        )
        .order_by("skill_id", "id")
        .values_list("skill_id", "id", "mentor_id", "mentee_id", "state", "target_level")
    )
    found: dict[int, list[CrossTraining]] = {}
    for skill_id, pair_id, mentor_id, mentee_id, state, target in rows:
        found.setdefault(skill_id, []).append(
            CrossTraining(pair_id, mentor_id, mentee_id, state, target)
        )
    return found
