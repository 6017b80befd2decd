"""API: roles (job profiles) with their skill requirements. Everyone signed in reads them;
``seedbed.frameworks.services`` lets admins change them."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from seedbed.frameworks import services
from seedbed.frameworks.models import Role, RoleRequirement
from seedbed.frameworks.schemas import (
    RequirementIn,
    RequirementOut,
    RoleCreateIn,
    RoleFilter,
    RoleOut,
    RoleUpdateIn,
)
from seedbed.lib.errors import NotFound
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
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
