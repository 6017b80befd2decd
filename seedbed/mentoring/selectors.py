"""Read models of the mentoring app: live cross-training per skill (used by the knowledge-at-risk
view) and a pair as its page and the API show it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from seedbed.mentoring.models import (
    Answer,
    Feedback,
    MentoringSession,
    Pair,
    PairGoal,
    PairOrigin,
    PairState,
)
from seedbed.skills.models import PersonSkill, Skill

if TYPE_CHECKING:
    from seedbed.accounts.models import User


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


# --- a pair as its page and the API show it ------------------------------------------------


@dataclass(frozen=True)
class FocusRow:
    """A focus skill with the mentee's current level (None: unrated or not visible to the
    reader) and the level aimed at (None: no target known)."""

    skill: Skill
    level: int | None
    target: int | None


@dataclass
class PairOverview:
    """What ``user`` may see of a pair: its goals (with the mentee's current level in the
    goal's skill when visible), sessions (private notes are the template's and API's to hide:
    ``private``), the feedback ``user`` may read, who gave feedback, and what ``user`` may do."""

    pair: Pair
    side: str | None
    show_levels: bool
    private: bool
    focus: list[FocusRow]
    goals: Sequence[PairGoal]
    sessions: list[MentoringSession]
    feedback: list[Feedback]
    feedback_given: dict[str, bool]
    may_work: bool
    may_end: bool
    may_feedback: bool
    skills: list[Skill] = field(default_factory=list)  # everything the pair works on

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)

    @property
    def needs_answer(self) -> bool:
        answer = self.pair.mentor_answer if self.side == "mentor" else self.pair.mentee_answer
        return (
            self.pair.state == PairState.PUBLISHED
            and self.side is not None
            and answer == Answer.PENDING
        )


def _mentee_level(skill_field: str) -> Coalesce:
    return Coalesce(
        Subquery(
            PersonSkill.objects.filter(
                person_id=OuterRef("pair__mentee_id"), skill_id=OuterRef(skill_field)
            ).values("level")[:1],
            output_field=IntegerField(),
        ),
        Value(-1),
    )


def pair_overview(user: User, pair: Pair, *, with_sessions: bool = True) -> PairOverview:
    """The pair as ``user`` sees it (``pair`` read through ``Pair.objects.visible_to`` with
    mentor, mentee and skill selected). Mentees' levels are shown to the two people of the pair
    and to whoever may see the mentee's levels (``levels_visible_to``). Nine queries (six
    without sessions)."""
    from seedbed.frameworks.models import RoleRequirement
    from seedbed.mentoring.services import pairs as services
    from seedbed.people.models import Person

    side = services.side_of(user, pair)
    show_levels = (
        side is not None
        or Person.objects.levels_visible_to(user).filter(pk=pair.mentee_id).exists()
    )
    goals = list(
        pair.goals.select_related("skill")
        .annotate(current_level=_mentee_level("skill_id"))
        .order_by("state", "id")
    )
    sessions = (
        list(
            pair.sessions.select_related("logged_by").prefetch_related(
                Prefetch("skills", queryset=Skill.objects.order_by("name"))
            )
        )
        if with_sessions
        else []
    )
    feedback = list(pair.feedback.select_related("author"))
    given_by = {f.author_id for f in feedback}
    focus_skills = {s.pk: s for s in pair.focus_skills.all()}
    if pair.skill is not None:
        focus_skills[pair.skill.pk] = pair.skill
    focus: list[FocusRow] = []
    if focus_skills:
        levels = (
            dict(
                PersonSkill.objects.filter(
                    person_id=pair.mentee_id, skill_id__in=focus_skills
                ).values_list("skill_id", "level")
            )
            if show_levels
            else {}
        )
        roles = [r for r in (pair.mentee.role_id, pair.mentee.target_role_id) if r]
        required: dict[int, int] = {}
        for sid, lvl in RoleRequirement.objects.filter(
            role_id__in=roles, skill_id__in=focus_skills
        ).values_list("skill_id", "required_level"):
            required[sid] = max(required.get(sid, 0), lvl)
        goal_targets = {
            g.skill_id: g.target_level for g in goals if g.skill_id and g.target_level is not None
        }
        for sid, skill in sorted(focus_skills.items(), key=lambda kv: kv[1].name):
            target = (
                pair.target_level
                if sid == pair.skill_id and pair.target_level is not None
                else goal_targets.get(sid, required.get(sid))
            )
            focus.append(FocusRow(skill, levels.get(sid), target))
    worked_on = {**focus_skills, **{g.skill.pk: g.skill for g in goals if g.skill is not None}}
    return PairOverview(
        pair=pair,
        side=side,
        show_levels=show_levels,
        private=services.may_see_private(user, pair),
        focus=focus,
        goals=goals,
        sessions=sessions,
        feedback=[f for f in feedback if services.may_read_feedback(user, f)],
        feedback_given={
            "mentor": pair.mentor_id in given_by,
            "mentee": pair.mentee_id in given_by,
        },
        may_work=services.may_work_on(user, pair),
        may_end=services.may_end(user, pair),
        may_feedback=services.may_give_feedback(user, pair, given_by),
        skills=sorted(worked_on.values(), key=lambda s: s.name),
    )
