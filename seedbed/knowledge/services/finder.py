"""Expert finder settings: the evidence weights, the recency half-life and the caps on
question routing. Only admins change them; every change is audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seedbed.accounts.services import audit
from seedbed.knowledge import ranking
from seedbed.knowledge.evidence import rebuild_evidence
from seedbed.knowledge.models import FinderSettings, default_finder_weights
from seedbed.lib.errors import NotAllowed, ServiceError

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from seedbed.accounts.models import User

# Every setting with what it means (shown on the settings page and in the API).
WEIGHT_LABELS: dict[str, tuple[_StrPromise, _StrPromise]] = {
    "validated": (
        gettext_lazy("Validated level"),
        gettext_lazy(
            "A current level set by a manager, an assessment or a certification. A level at "
            "the top of the scale adds this weight in full; lower levels add less."
        ),
    ),
    "self_rated": (
        gettext_lazy("Self-rated level"),
        gettext_lazy(
            "A level the person gave themselves (or from a peer or completed learning) that "
            "nobody has confirmed. Keep it below the validated weight: it is a discount."
        ),
    ),
    "certification": (
        gettext_lazy("Certificate"),
        gettext_lazy("A certificate that proves the skill and has not expired."),
    ),
    "articles": (
        gettext_lazy("Articles"),
        gettext_lazy("Published articles the person owns or wrote, tagged with the skill."),
    ),
    "accepted_answers": (
        gettext_lazy("Accepted answers"),
        gettext_lazy("Their answers to questions on the skill that the asker accepted."),
    ),
    "votes": (
        gettext_lazy("Answer votes"),
        gettext_lazy("Net up-votes on their answers to questions on the skill."),
    ),
    "mentoring": (
        gettext_lazy("Mentoring given"),
        gettext_lazy("Active or ended mentoring pairs where they mentor with the skill in focus."),
    ),
    "related": (
        gettext_lazy("Related skills"),
        gettext_lazy(
            "Evidence on related skills (same category, or sharing a name or alias) counts "
            "at this fraction of its own weight; 0 ignores related skills."
        ),
    ),
    "half_life_days": (
        gettext_lazy("Half-life of evidence (days)"),
        gettext_lazy(
            "Recency: evidence loses half its weight after this many days (a level from the "
            "day it was set, an article from its last change, an answer from when it was "
            "written)."
        ),
    ),
}

PROBLEM_MESSAGES: dict[str, _StrPromise] = {
    "missing": gettext_lazy("Give a number."),
    "not_a_number": gettext_lazy("Give a number."),
    "unknown": gettext_lazy("There is no weight of this name."),
    "all_zero": gettext_lazy("At least one kind of evidence needs a weight above 0."),
}
MAX_EXPERTS_PER_QUESTION = 20
MAX_NOTIFICATIONS_PER_WEEK = 100


def weight_problem(key: str, code: str) -> str:
    """The message for one problem found by ``ranking.check_weights``."""
    if code == "out_of_range":
        if key == "half_life_days":
            return _("Give a number of days from %(low)d to %(high)d.") % {
                "low": ranking.MIN_HALF_LIFE_DAYS,
                "high": ranking.MAX_HALF_LIFE_DAYS,
            }
        return _("Give a weight from 0 to %(high)d.") % {"high": ranking.MAX_WEIGHT}
    return str(PROBLEM_MESSAGES.get(code, PROBLEM_MESSAGES["missing"]))


@transaction.atomic
def update_finder_settings(
    *,
    actor: User,
    weights: Mapping[str, Any],
    experts_per_question: int,
    max_notifications_per_week: int,
) -> FinderSettings:
    """Change the weights (any subset of the keys; the rest stay) and the routing caps after
    checking them. Admins only; audited with the old and new values of what changed."""
    if not actor.is_admin:
        raise NotAllowed(_("Only admins can change the expert finder's settings."))
    settings = FinderSettings.objects.select_for_update().get(pk=FinderSettings.load().pk)
    current = {**default_finder_weights(), **(settings.weights or {})}
    merged: dict[str, object] = {**current, **weights}
    problems = ranking.check_weights(merged)
    if problems:
        key, code = next(iter(problems.items()))
        raise ServiceError(
            f"{WEIGHT_LABELS.get(key, (key,))[0]}: {weight_problem(key, code)}", field=key
        )
    if not 1 <= experts_per_question <= MAX_EXPERTS_PER_QUESTION:
        raise ServiceError(
            _("Notify from 1 to %(n)d experts per question.") % {"n": MAX_EXPERTS_PER_QUESTION},
            field="experts_per_question",
        )
    if not 0 <= max_notifications_per_week <= MAX_NOTIFICATIONS_PER_WEEK:
        raise ServiceError(
            _("Allow from 0 to %(n)d notifications per expert and week.")
            % {"n": MAX_NOTIFICATIONS_PER_WEEK},
            field="max_notifications_per_week",
        )
    new_weights = {k: float(v) for k, v in merged.items()}  # type: ignore[arg-type]
    old_weights: dict[str, Any] = dict(settings.weights or {})
    old: dict[str, Any] = {
        "experts_per_question": settings.experts_per_question,
        "max_notifications_per_week": settings.max_notifications_per_week,
    }
    changes: dict[str, list[Any]] = {}
    for key, value in new_weights.items():
        before = old_weights.get(key)
        if before is None or float(before) != value:
            changes[f"weights.{key}"] = [before, value]
    for field, value in (
        ("experts_per_question", experts_per_question),
        ("max_notifications_per_week", max_notifications_per_week),
    ):
        if old[field] != value:
            changes[field] = [old[field], value]
    settings.weights = new_weights
    settings.experts_per_question = experts_per_question
    settings.max_notifications_per_week = max_notifications_per_week
    settings.updated_at = timezone.now()
    settings.save(
        update_fields=[
            "weights",
            "experts_per_question",
            "max_notifications_per_week",
            "updated_at",
        ]
    )
    if "weights.half_life_days" in changes:
        rebuild_evidence()  # the finder's read table stores recency for one half-life
    if changes:
        audit(
            actor=actor,
            action="knowledge.finder_settings",
            obj=settings,
            summary="Expert finder settings changed",
            changes=changes,
        )
    return settings
