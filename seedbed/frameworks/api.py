"""API: roles (job profiles) with their skill requirements and career paths, readiness,
strategic capability needs and sector templates. Everyone signed in reads roles; people's
readiness follows ``Person.objects.levels_visible_to``; ``seedbed.frameworks.services`` makes
every change (admins, or a person setting their own target role)."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from seedbed.frameworks import services
from seedbed.frameworks.models import Role, RoleRequirement, StrategicNeed
from seedbed.frameworks.schemas import (
    CareerPathOut,
    CompareFilter,
    CompareOut,
    NeedCreateIn,
    NeedFilter,
    NeedOut,
    NeedUpdateIn,
    NextRolesIn,
    ReadinessOut,
    RequirementIn,
    RequirementOut,
    RoleCreateIn,
    RoleFilter,
    RoleOut,
    RoleUpdateIn,
    SectorTemplateOut,
    TargetRoleIn,
    TargetRoleOut,
    TemplatePreviewOut,
)
from seedbed.frameworks.selectors import compare_roles, need_row, need_rows, visible_needs
from seedbed.gaps.selectors import NeedStatus, person_readiness
from seedbed.lib.errors import NotFound
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.people.models import Person
from seedbed.skills.models import Skill

router = Router(tags=["roles"])


def _roles() -> QuerySet[Role]:
    return Role.objects.prefetch_related(
        Prefetch(
            "requirements",
            queryset=RoleRequirement.objects.select_related("skill").order_by("skill__name"),
        )
    )


def get_role(role_id: int) -> Role:
    role = _roles().filter(pk=role_id).first()
    if role is None:
        raise NotFound(_("No role with id %(id)s.") % {"id": role_id})
    return role


def _ref(role: Role | None) -> dict[str, Any] | None:
    if role is None:
        return None
    return {"id": role.pk, "name": role.name, "is_active": role.is_active}


def _skill(skill_id: int) -> Skill:
    skill = Skill.objects.filter(pk=skill_id).first()
    if skill is None:
        raise NotFound(_("No skill with id %(id)s.") % {"id": skill_id})
    return skill


@router.get("/roles", response={200: list[RoleOut], **ERRORS})
@paginate(Pagination)
def list_roles(request: AuthedRequest, filters: Query[RoleFilter]) -> QuerySet[Role]:
    """All roles by name, each with the skills it requires."""
    qs = _roles()
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q))
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs.order_by("name", "id")


@router.get("/roles/compare", response={200: CompareOut, **ERRORS})
def compare(request: AuthedRequest, filters: Query[CompareFilter]) -> dict[str, Any]:
    """Two roles side by side: every skill either requires, with both required levels."""
    comparison = compare_roles(get_role(filters.a), get_role(filters.b))
    return {
        "a": _ref(comparison.a),
        "b": _ref(comparison.b),
        "rows": [
            {
                "skill_id": r.skill_id,
                "skill_name": r.skill_name,
                "category": r.category,
                "level_a": r.level_a,
                "importance_a": r.importance_a,
                "level_b": r.level_b,
                "importance_b": r.importance_b,
                "difference": r.difference,
                "required_by": r.where,
            }
            for r in comparison.rows
        ],
    }


@router.get("/roles/{role_id}", response={200: RoleOut, **ERRORS})
def read_role(request: AuthedRequest, role_id: Path[Id]) -> Role:
    return get_role(role_id)


@router.post("/roles", response={201: RoleOut, **ERRORS})
def create_role(request: AuthedRequest, payload: RoleCreateIn) -> Status[Role]:
    """Create a role (admins); names are unique ignoring case."""
    role = services.save_role(actor=request.user, data=payload.model_dump())
    return Status(201, get_role(role.pk))


@router.patch("/roles/{role_id}", response={200: RoleOut, **ERRORS})
def update_role(request: AuthedRequest, role_id: Path[Id], payload: RoleUpdateIn) -> Role:
    """Rename, describe, retire or revive a role (admins). Only the fields sent change."""
    role = get_role(role_id)
    services.save_role(actor=request.user, role=role, data=payload.model_dump(exclude_unset=True))
    return get_role(role_id)


@router.put("/roles/{role_id}/requirements/{skill_id}", response={200: RequirementOut, **ERRORS})
def set_requirement(
    request: AuthedRequest, role_id: Path[Id], skill_id: Path[Id], payload: RequirementIn
) -> RoleRequirement:
    """Require a skill at a level for this role, or change the level or importance (admins)."""
    role, skill = get_role(role_id), _skill(skill_id)
    return services.set_requirement(
        actor=request.user,
        role=role,
        skill=skill,
        required_level=payload.level,
        importance=payload.importance,
    )


@router.delete("/roles/{role_id}/requirements/{skill_id}", response={204: None, **ERRORS})
def remove_requirement(
    request: AuthedRequest, role_id: Path[Id], skill_id: Path[Id]
) -> Status[None]:
    """Stop requiring a skill for this role (admins)."""
    role, skill = get_role(role_id), _skill(skill_id)
    services.remove_requirement(actor=request.user, role=role, skill=skill)
    return Status(204, None)


# --- career paths ----------------------------------------------------------------------------


def _career_path(role: Role) -> dict[str, Any]:
    return {
        "role_id": role.pk,
        "next_roles": [_ref(r) for r in role.next_roles.order_by("name")],
        "previous_roles": [_ref(r) for r in role.previous_roles.order_by("name")],
    }


@router.get("/roles/{role_id}/career-path", response={200: CareerPathOut, **ERRORS})
def read_career_path(request: AuthedRequest, role_id: Path[Id]) -> dict[str, Any]:
    """The roles people in this role move on to, and the roles they come from."""
    return _career_path(get_role(role_id))


@router.put("/roles/{role_id}/next-roles", response={200: CareerPathOut, **ERRORS})
def set_next_roles(
    request: AuthedRequest, role_id: Path[Id], payload: NextRolesIn
) -> dict[str, Any]:
    """Replace the roles that follow this one on the career path (admins)."""
    role = get_role(role_id)
    wanted = set(payload.role_ids)
    found = list(Role.objects.filter(pk__in=wanted))
    missing = wanted - {r.pk for r in found}
    if missing:
        raise NotFound(_("No role with id %(id)s.") % {"id": min(missing)}, field="role_ids")
    services.set_next_roles(actor=request.user, role=role, next_roles=found)
    return _career_path(role)


def _person_with_levels(request: AuthedRequest, person_id: int) -> Person:
    """The person if ``request.user`` may see their levels; 404 otherwise (whether or not the
    person exists)."""
    person = Person.objects.levels_visible_to(request.user).filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No person with id %(id)s.") % {"id": person_id})
    return person


@router.get(
    "/people/{person_id}/readiness/{role_id}",
    response={200: ReadinessOut, **ERRORS},
    tags=["careers"],
)
def read_readiness(
    request: AuthedRequest, person_id: Path[Id], role_id: Path[Id]
) -> dict[str, Any]:
    """How ready the person is for the role, with the requirements still missing (biggest
    weighted gap first). Only for people whose levels you may see."""
    person = _person_with_levels(request, person_id)
    role = get_role(role_id)
    result = person_readiness(person, role)
    return {
        "person_id": person.pk,
        "role_id": role.pk,
        "role_name": role.name,
        "percent": result.percent,
        "met": result.met,
        "total": result.total,
        "missing": result.missing,
    }


@router.put(
    "/people/{person_id}/target-role",
    response={200: TargetRoleOut, **ERRORS},
    tags=["careers"],
)
def set_target_role(
    request: AuthedRequest, person_id: Path[Id], payload: TargetRoleIn
) -> dict[str, Any]:
    """Set or clear the role a person is working towards: your own, or anyone's as an admin."""
    person = Person.objects.visible_to(request.user).filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No person with id %(id)s.") % {"id": person_id})
    role = None
    if payload.role_id is not None:
        role = Role.objects.filter(pk=payload.role_id).first()
        if role is None:
            raise NotFound(_("No role with id %(id)s.") % {"id": payload.role_id}, field="role_id")
    services.set_target_role(actor=request.user, person=person, role=role)
    return {"person_id": person.pk, "target_role": _ref(role)}


# --- strategic needs -------------------------------------------------------------------------


def _need_out(row: NeedStatus) -> dict[str, Any]:
    need = row.need
    return {
        "id": need.pk,
        "skill_id": need.skill_id,
        "skill_name": need.skill.name,
        "level": need.level,
        "headcount": need.headcount,
        "due_date": need.due_date,
        "priority": need.priority,
        "owner_id": need.owner_id,
        "owner_name": need.owner.full_name if need.owner else None,
        "goal": need.goal,
        "is_active": need.is_active,
        "created_at": need.created_at,
        "have": row.have,
        "close": row.close,
        "shortfall": row.shortfall,
        "overdue": row.overdue,
    }


def _get_need(request: AuthedRequest, need_id: int) -> StrategicNeed:
    need = visible_needs(request.user).filter(pk=need_id).first()
    if need is None:
        raise NotFound(_("No strategic need with id %(id)s.") % {"id": need_id})
    return need


def _need_data(request: AuthedRequest, data: dict[str, Any]) -> dict[str, Any]:
    """Ids to objects, with a 404 naming the field for an id that does not exist."""
    out = {k: v for k, v in data.items() if k not in ("skill_id", "owner_id")}
    if "skill_id" in data:
        out["skill"] = Skill.objects.filter(pk=data["skill_id"]).first()
        if out["skill"] is None:
            raise NotFound(
                _("No skill with id %(id)s.") % {"id": data["skill_id"]}, field="skill_id"
            )
    if data.get("owner_id") is not None:
        out["owner"] = Person.objects.visible_to(request.user).filter(pk=data["owner_id"]).first()
        if out["owner"] is None:
            raise NotFound(
                _("No person with id %(id)s.") % {"id": data["owner_id"]}, field="owner_id"
            )
    elif "owner_id" in data:
        out["owner"] = None
    return out


@router.get("/needs", response={200: list[NeedOut], **ERRORS}, tags=["needs"])
@paginate(Pagination)
def list_needs(request: AuthedRequest, filters: Query[NeedFilter]) -> list[dict[str, Any]]:
    """Strategic capability needs with have / close / shortfall today: all of them for admins,
    the ones you own otherwise. By due date, then priority."""
    rows = need_rows(
        request.user,
        status=filters.status,
        priority=filters.priority,
        skill_text=filters.skill or "",
        owner_id=filters.owner_id,
    )
    return [_need_out(r) for r in rows]


@router.get("/needs/{need_id}", response={200: NeedOut, **ERRORS}, tags=["needs"])
def read_need(request: AuthedRequest, need_id: Path[Id]) -> dict[str, Any]:
    return _need_out(need_row(_get_need(request, need_id)))


@router.post("/needs", response={201: NeedOut, **ERRORS}, tags=["needs"])
def create_need(request: AuthedRequest, payload: NeedCreateIn) -> Status[dict[str, Any]]:
    """Record a need (admins): "by due_date we need headcount people at level in skill"."""
    need = services.save_need(actor=request.user, data=_need_data(request, payload.model_dump()))
    return Status(201, _need_out(need_row(need)))


@router.patch("/needs/{need_id}", response={200: NeedOut, **ERRORS}, tags=["needs"])
def update_need(request: AuthedRequest, need_id: Path[Id], payload: NeedUpdateIn) -> dict[str, Any]:
    """Change a need (admins). Only the fields you send change."""
    need = _get_need(request, need_id)
    data = _need_data(request, payload.model_dump(exclude_unset=True))
    services.save_need(actor=request.user, need=need, data=data)
    return _need_out(need_row(need))


@router.delete("/needs/{need_id}", response={204: None, **ERRORS}, tags=["needs"])
def archive_need(request: AuthedRequest, need_id: Path[Id]) -> Status[None]:
    """Archive a need (admins): it leaves the open list and the gap figures; the record stays
    and can be reopened with PATCH is_active=true."""
    services.archive_need(actor=request.user, need=_get_need(request, need_id))
    return Status(204, None)


# --- sector templates ------------------------------------------------------------------------


@router.get("/templates", response={200: list[SectorTemplateOut], **ERRORS}, tags=["templates"])
def list_templates(request: AuthedRequest) -> list[dict[str, Any]]:
    """The sector templates (admins), with how much of each already exists here."""
    return [
        {
            "name": s.template.name,
            "title": s.template.display_title,
            "description": s.template.description,
            "categories": len(s.template.categories),
            "skills": len(s.template.skills),
            "roles": len(s.template.roles),
            "requirements": s.template.requirement_count,
            "certified_skills": s.template.certified_skill_count,
            "skills_present": s.skills_present,
            "roles_present": s.roles_present,
        }
        for s in services.template_summaries(actor=request.user)
    ]


def _preview_out(plan: services.TemplatePreview) -> dict[str, Any]:
    return {
        "name": plan.template.name,
        "title": plan.template.display_title,
        "change_count": plan.change_count,
        "categories": [
            {"name": c.name, "parent": c.parent, "existing_id": c.existing_id}
            for c in plan.categories
        ],
        "skills": [
            {
                "template_name": s.template_name,
                "category": s.category,
                "aliases": list(s.aliases),
                "criticality": s.criticality,
                "requires_certification": s.requires_certification,
                "existing_id": s.existing_id,
                "existing_name": s.existing_name,
                "matched_by": s.matched_by,
                "matched_text": s.matched_text,
                "changes": s.changes,
            }
            for s in plan.skills
        ],
        "roles": [
            {
                "name": r.name,
                "existing_id": r.existing_id,
                "next_roles_added": list(r.next_roles_added),
                "requirements": [
                    {
                        "skill": q.skill,
                        "level": q.level,
                        "importance": q.importance,
                        "old_level": q.old_level,
                        "old_importance": q.old_importance,
                        "status": q.status,
                    }
                    for q in r.requirements
                ],
            }
            for r in plan.roles
        ],
    }


@router.get(
    "/templates/{name}/preview", response={200: TemplatePreviewOut, **ERRORS}, tags=["templates"]
)
def preview_template(request: AuthedRequest, name: str) -> dict[str, Any]:
    """What applying the template would create, and what it would merge into (admins)."""
    return _preview_out(services.preview_template(name, actor=request.user))


@router.post(
    "/templates/{name}/apply", response={200: TemplatePreviewOut, **ERRORS}, tags=["templates"]
)
def apply_template(request: AuthedRequest, name: str) -> dict[str, Any]:
    """Apply the template (admins) and return what was done; a second call changes nothing
    and answers change_count 0."""
    return _preview_out(services.apply_template(actor=request.user, name=name))
