"""Knowledge API: the expert finder ("who knows X?") and its settings (admins)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from seedbed.knowledge.experts import find_experts
from seedbed.knowledge.models import FinderSettings, default_finder_weights
from seedbed.knowledge.ranking import WEIGHT_KEYS
from seedbed.knowledge.schemas_experts import (
    ExpertFilter,
    ExpertListOut,
    FinderSettingsIn,
    FinderSettingsOut,
    expert_out,
)
from seedbed.knowledge.services.finder import WEIGHT_LABELS, update_finder_settings
from seedbed.lib.errors import NotAllowed, ServiceError
from seedbed.lib.schemas import ERRORS, AuthedRequest
from seedbed.people.models import Team
from seedbed.skills.models import Skill

router = Router(tags=["expert finder"])


def _not_found(message: str, field: str) -> Status:
    # Not raised as NotFound: the central mapping renames "skill"/"team" to the body field
    # names "skill_id"/"team_id", but this endpoint's query parameters are "skill"/"team".
    return Status(404, {"detail": message, "code": "not_found", "field": field})


@router.get("/knowledge/experts", response={200: ExpertListOut, **ERRORS})
def list_experts(request: AuthedRequest, filters: Query[ExpertFilter]) -> Any:
    """People ranked by evidence for a skill or free text, each with its explanation and the
    evidence counted (only evidence you may see yourself counts). Paged by limit/offset."""
    q = " ".join(filters.q.split())
    if filters.skill is None and not q:
        raise ServiceError(_("Give a skill id or words to search for."), field="q")
    if (
        filters.skill is not None
        and not Skill.objects.filter(pk=filters.skill, is_active=True).exists()
    ):
        return _not_found(_("No skill with id %(id)s.") % {"id": filters.skill}, "skill")
    if filters.team is not None and not Team.objects.filter(pk=filters.team).exists():
        return _not_found(_("No team with id %(id)s.") % {"id": filters.team}, "team")
    found = find_experts(
        viewer=request.user,
        skill_ids=[filters.skill] if filters.skill is not None else [],
        query=q,
        team_id=filters.team,
        location=filters.location,
        language=filters.language,
        available_only=filters.available,
        limit=filters.limit,
        offset=filters.offset,
    )
    return {
        "items": [expert_out(filters.offset + n, r) for n, r in enumerate(found.results, start=1)],
        "count": found.total,
        "skills": [{"id": s.pk, "name": s.name} for s in found.skills],
        "related_skills": [{"id": s.pk, "name": s.name} for s in found.related_skills],
    }


def _settings_out(settings: FinderSettings) -> dict[str, Any]:
    defaults = default_finder_weights()
    weights = {**defaults, **(settings.weights or {})}
    return {
        "weights": [
            {
                "key": key,
                "label": str(WEIGHT_LABELS[key][0]),
                "meaning": str(WEIGHT_LABELS[key][1]),
                "value": float(weights[key]),
                "default": float(defaults[key]),
            }
            for key in (*WEIGHT_KEYS, "half_life_days")
        ],
        "experts_per_question": settings.experts_per_question,
        "max_notifications_per_week": settings.max_notifications_per_week,
        "updated_at": settings.updated_at,
    }


def _admin_only(request: AuthedRequest) -> None:
    if not request.user.is_admin:
        raise NotAllowed(_("Only admins can see and change the expert finder's settings."))


@router.get("/knowledge/finder-settings", response={200: FinderSettingsOut, **ERRORS})
def get_finder_settings(request: AuthedRequest) -> dict[str, Any]:
    """The expert finder's weights (each with what it means) and question-routing caps."""
    _admin_only(request)
    return _settings_out(FinderSettings.load())


@router.put("/knowledge/finder-settings", response={200: FinderSettingsOut, **ERRORS})
def put_finder_settings(request: AuthedRequest, body: FinderSettingsIn) -> dict[str, Any]:
    """Change weights (any subset) and routing caps; bad values are refused with the key."""
    _admin_only(request)
    current = FinderSettings.load()
    settings = update_finder_settings(
        actor=request.user,
        weights=body.weights,
        experts_per_question=(
            body.experts_per_question
            if body.experts_per_question is not None
            else current.experts_per_question
        ),
        max_notifications_per_week=(
            body.max_notifications_per_week
            if body.max_notifications_per_week is not None
            else current.max_notifications_per_week
        ),
    )
    return _settings_out(settings)
