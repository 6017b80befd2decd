"""API: role and career paths (everyone signed in reads, HR changes) and personal learning
plans (the person, their managers and HR). The same services as the pages.

``POST /people/{id}/learning-proposals`` **saves** the proposal as a *proposed* plan (replacing
that person's earlier unaccepted proposals) and returns it with its id, so that it can be read
again and accepted with ``POST /learning-plans/{id}/accept``.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from seedbed.frameworks.models import Role
from seedbed.learning.models import LearningItem, LearningPath, LearningPlan
from seedbed.learning.schemas import (
    LearningPathIn,
    LearningPathListOut,
    LearningPathOut,
    LearningPathUpdateIn,
    LearningPlanOut,
    LearningPlanSummaryOut,
    PathFilter,
    PathPersonFilter,
    PathStepsIn,
    PlanAcceptOut,
    ProposalIn,
)
from seedbed.learning.services import paths as services
from seedbed.lib.errors import NotFound
from seedbed.lib.schemas import ERRORS, AuthedRequest, Error, Id, Pagination
from seedbed.people.models import Person
from seedbed.skills.models import Skill

router = Router(tags=["learning paths"])
WITH_CONFLICT: dict[int, Any] = {**ERRORS, 409: Error}


def _paths() -> QuerySet[LearningPath]:
    zero = Value(Decimal(0), output_field=DecimalField())
    return LearningPath.objects.select_related("role").annotate(
        step_count=Count("steps", distinct=True),
        total_hours=Coalesce(Sum("steps__item__duration_hours"), zero),
        total_cost=Coalesce(Sum("steps__item__cost"), zero),
    )


def _path(path_id: int) -> LearningPath:
    path = LearningPath.objects.select_related("role").filter(pk=path_id).first()
    if path is None:
        raise NotFound(_("No learning path with id %(id)s.") % {"id": path_id})
    return path


def _role(role_id: int | None) -> Role | None:
    if role_id is None:
        return None
    role = Role.objects.filter(pk=role_id).first()
    if role is None:
        raise NotFound(_("No role with id %(id)s.") % {"id": role_id}, field="role_id")
    return role


def _path_out(view: services.PathView) -> dict[str, Any]:
    path = view.path
    return {
        "id": path.pk,
        "name": path.name,
        "description": path.description,
        "role_id": path.role_id,
        "role_name": path.role.name if path.role else None,
        "step_count": len(view.steps),
        "total_hours": view.total_hours,
        "total_cost": view.total_cost,
        "steps": [
            {
                "position": s.position,
                "item_id": s.item.pk,
                "item_title": s.item.title,
                "kind": s.item.kind,
                "format": s.item.format,
                "language": s.item.language,
                "duration_hours": s.item.duration_hours,
                "cost": s.item.cost,
                "is_active": s.item.is_active,
                "requires_item_ids": [it.pk for it in s.needs_items],
                "completed": s.completed,
            }
            for s in view.steps
        ],
        "person_id": view.person.pk if view.person else None,
        "completed_steps": view.completed if view.person else None,
    }


@router.get("/learning-paths", response={200: list[LearningPathListOut], **ERRORS})
@paginate(Pagination)
def list_paths(request: AuthedRequest, filters: Query[PathFilter]) -> QuerySet[LearningPath]:
    """Role and career paths by name, with step count and totals."""
    qs = _paths()
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(role__name__icontains=filters.q))
    if filters.role_id:
        qs = qs.filter(role_id=filters.role_id)
    return qs.order_by("name", "id")


@router.get("/learning-paths/{path_id}", response={200: LearningPathOut, **ERRORS})
def read_path(
    request: AuthedRequest, path_id: Path[Id], filters: Query[PathPersonFilter]
) -> dict[str, Any]:
    """The steps in order with their prerequisites and totals; with ``person_id``, which steps
    that person completed."""
    person = None
    if filters.person_id is not None:
        person = Person.objects.levels_visible_to(request.user).filter(pk=filters.person_id).first()
        if person is None:
            raise NotFound(
                _("No person with id %(id)s.") % {"id": filters.person_id}, field="person_id"
            )
    return _path_out(services.path_view(_path(path_id), person))


@router.post("/learning-paths", response={201: LearningPathOut, **WITH_CONFLICT})
def create_path(request: AuthedRequest, payload: LearningPathIn) -> Status[dict[str, Any]]:
    """Create a path (HR). Add its steps with ``PUT /learning-paths/{id}/steps``."""
    path = services.save_path(
        actor=request.user,
        data={
            "name": payload.name,
            "description": payload.description,
            "role": _role(payload.role_id),
        },
    )
    return Status(201, _path_out(services.path_view(_path(path.pk))))


@router.patch("/learning-paths/{path_id}", response={200: LearningPathOut, **WITH_CONFLICT})
def update_path(
    request: AuthedRequest, path_id: Path[Id], payload: LearningPathUpdateIn
) -> dict[str, Any]:
    """Rename, describe or relink a path (HR). Only the fields sent change."""
    path = _path(path_id)
    sent = payload.model_dump(exclude_unset=True)
    data: dict[str, Any] = {k: v for k, v in sent.items() if k in ("name", "description")}
    if "role_id" in sent:
        data["role"] = _role(sent["role_id"])
    services.save_path(actor=request.user, path=path, data=data)
    return _path_out(services.path_view(_path(path_id)))


@router.delete("/learning-paths/{path_id}", response={204: None, **ERRORS})
def delete_path(request: AuthedRequest, path_id: Path[Id]) -> Status[None]:
    """Delete a path (HR); people keep their enrolments and plans."""
    services.delete_path(actor=request.user, path=_path(path_id))
    return Status(204, None)


@router.put("/learning-paths/{path_id}/steps", response={200: LearningPathOut, **ERRORS})
def set_steps(request: AuthedRequest, path_id: Path[Id], payload: PathStepsIn) -> dict[str, Any]:
    """Replace every step, in order (HR). Refused, naming the items, if an item comes before
    one of its prerequisite items (or without it), or if prerequisites go round in a circle."""
    path = _path(path_id)
    found = LearningItem.objects.in_bulk(set(payload.item_ids))
    missing = [i for i in payload.item_ids if i not in found]
    if missing:
        raise NotFound(_("No learning item with id %(id)s.") % {"id": missing[0]}, field="item_ids")
    services.set_path_steps(
        actor=request.user, path=path, items=[found[i] for i in payload.item_ids]
    )
    return _path_out(services.path_view(_path(path_id)))


# --- personal learning plans -----------------------------------------------------------------


def _planned_person(request: AuthedRequest, person_id: int) -> Person:
    """The person if ``request.user`` may plan their learning; 404 otherwise."""
    person = (
        services.people_planned_by(request.user)
        .select_related("role", "target_role")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise NotFound(_("No person with id %(id)s.") % {"id": person_id})
    return person


def _plan_out(view: services.PlanView) -> dict[str, Any]:
    plan = view.plan
    return {
        "id": plan.pk,
        "person_id": plan.person_id,
        "person_name": plan.person.full_name,
        "status": plan.status,
        "target_role_id": plan.target_role_id,
        "target_role_name": plan.target_role.name if plan.target_role else None,
        "target_skills": [
            {"skill_id": int(t["skill_id"]), "skill_name": name, "level": int(t["level"])}
            for t, (name, _lvl) in zip(plan.target_skills, view.target_skills, strict=True)
        ],
        "objective": plan.objective,
        "budget": plan.budget,
        "total_hours": plan.total_hours,
        "total_cost": plan.total_cost,
        "created_at": plan.created_at,
        "accepted_at": plan.accepted_at,
        "items": [
            {
                "position": r.position,
                "item_id": r.item.pk,
                "item_title": r.item.title,
                "kind": r.item.kind,
                "format": r.item.format,
                "language": r.item.language,
                "duration_hours": r.item.duration_hours,
                "cost": r.item.cost,
                "reason": r.reason,
                "enrolment_id": r.enrolment.pk if r.enrolment else None,
                "enrolment_status": r.enrolment.status if r.enrolment else None,
            }
            for r in view.rows
        ],
        "uncovered": [
            {
                "skill_id": u.skill_id,
                "skill_name": u.skill_name,
                "current": u.current,
                "target": u.target,
                "reason": u.reason,
                "reason_text": u.reason_text,
                "mentors": [
                    {"person_id": m.person_id, "name": m.name, "level": m.level}
                    for m in view.mentors.get(u.skill_id, [])
                ],
            }
            for u in view.uncovered
        ],
    }


def _read_plan(request: AuthedRequest, plan_id: int) -> dict[str, Any]:
    return _plan_out(
        services.plan_view(services.get_plan(request.user, plan_id), actor=request.user)
    )


@router.post(
    "/people/{person_id}/learning-proposals",
    response={201: LearningPlanOut, **ERRORS},
    tags=["learning plans"],
)
def propose(
    request: AuthedRequest, person_id: Path[Id], payload: ProposalIn
) -> Status[dict[str, Any]]:
    """Propose the exact optimal learning path towards a target and **save it as a proposed
    plan** (replacing that person's earlier unaccepted proposals): the items in order with the
    reason for each, totals, and the gaps no item covers with colleagues who could mentor."""
    person = _planned_person(request, person_id)
    skills: tuple[tuple[Skill, int], ...] = ()
    if payload.target == "skills":
        found = Skill.objects.in_bulk({s.skill_id for s in payload.skills})
        missing = [s.skill_id for s in payload.skills if s.skill_id not in found]
        if missing:
            raise NotFound(_("No skill with id %(id)s.") % {"id": missing[0]}, field="skills")
        skills = tuple((found[s.skill_id], s.level) for s in payload.skills)
    plan = services.create_proposal(
        actor=request.user,
        person=person,
        target=services.Target(payload.target, skills),
        objective=payload.objective,
        budget=payload.budget,
        formats=[str(f) for f in payload.formats] if payload.formats is not None else None,
    )
    return Status(201, _read_plan(request, plan.pk))


@router.get(
    "/people/{person_id}/learning-plans",
    response={200: list[LearningPlanSummaryOut], **ERRORS},
    tags=["learning plans"],
)
@paginate(Pagination)
def list_plans(request: AuthedRequest, person_id: Path[Id]) -> QuerySet[LearningPlan]:
    """The person's plans, newest first (the person, their managers and HR)."""
    person = _planned_person(request, person_id)
    return (
        LearningPlan.objects.filter(person=person)
        .select_related("target_role")
        .annotate(item_count=Count("items"))
        .order_by("-created_at", "-id")
    )


@router.get(
    "/learning-plans/{plan_id}", response={200: LearningPlanOut, **ERRORS}, tags=["learning plans"]
)
def read_plan(request: AuthedRequest, plan_id: Path[Id]) -> dict[str, Any]:
    """A plan with its items in order, their reasons and enrolment status, and the uncovered
    gaps with possible mentors."""
    return _read_plan(request, plan_id)


@router.post(
    "/learning-plans/{plan_id}/accept",
    response={200: PlanAcceptOut, **WITH_CONFLICT},
    tags=["learning plans"],
)
def accept(request: AuthedRequest, plan_id: Path[Id]) -> dict[str, Any]:
    """Accept a proposed plan (the person, their managers, HR): it becomes the person's plan and
    they are enrolled in each item (approval rules apply; refusals are listed)."""
    plan = services.get_plan(request.user, plan_id)
    result = services.accept_plan(actor=request.user, plan=plan)
    return {
        "plan": _read_plan(request, plan_id),
        "enrolled_item_ids": [it.pk for it in result.enrolled],
        "not_enrolled": [
            {"item_id": it.pk, "item_title": it.title, "reason": why}
            for it, why in result.not_enrolled
        ],
    }
