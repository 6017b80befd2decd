"""Role operations: job profiles and their skill requirements."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from seedbed.accounts.models import AccessLevel, User
from seedbed.accounts.services import audit, diff_fields
from seedbed.frameworks.models import Importance, Role, RoleRequirement
from seedbed.lib.errors import NotAllowed, ServiceError
from seedbed.skills.models import Skill
from seedbed.skills.services import check_level


def _check_admin(actor: User) -> None:
    if not (actor.is_active and actor.access_level == AccessLevel.ADMIN):
        raise NotAllowed(_("Only admins can change roles."))


@transaction.atomic
def save_role(*, actor: User, role: Role | None = None, data: dict[str, Any]) -> Role:
    _check_admin(actor)
    name = " ".join(str(data.get("name", role.name if role else "")).split())
    if not name:
        raise ServiceError(_("A role needs a name."), field="name")
    data = {**data, "name": name}
    clash = Role.objects.filter(name__iexact=name)
    if role is not None:
        clash = clash.exclude(pk=role.pk)
    if clash.exists():
        raise ServiceError(
            _("A role named %(name)s already exists.") % {"name": name}, field="name"
        )
    if role is None:
        role = Role.objects.create(**data)
        audit(actor=actor, action="role.create", obj=role, summary=f"Role '{name}' created")
        return role
    changes = diff_fields(role, data)
    for field, value in data.items():
        setattr(role, field, value)
    role.save()
    if changes:
        audit(
            actor=actor,
            action="role.update",
            obj=role,
            summary=f"Role '{name}' changed",
            changes=changes,
        )
    return role


@transaction.atomic
def set_requirement(
    *,
    actor: User,
    role: Role,
    skill: Skill,
    required_level: int,
    importance: int = Importance.IMPORTANT,
) -> RoleRequirement:
    """Require ``skill`` at ``required_level`` for ``role`` (creates or updates)."""
    _check_admin(actor)
    check_level(skill, required_level)
    if importance not in Importance.values:
        raise ServiceError(_("Importance must be 1, 2 or 3."), field="importance")
    req, created = RoleRequirement.objects.update_or_create(
        role=role,
        skill=skill,
        defaults={"required_level": required_level, "importance": importance},
    )
    audit(
        actor=actor,
        action="role.requirement",
        obj=role,
        summary=f"{role.name}: {skill.name} ≥ {required_level} ({'added' if created else 'changed'})",
    )
    return req


@transaction.atomic
def remove_requirement(*, actor: User, role: Role, skill: Skill) -> None:
    _check_admin(actor)
    deleted, _n = RoleRequirement.objects.filter(role=role, skill=skill).delete()
    if deleted:
        audit(
            actor=actor,
            action="role.requirement.remove",
            obj=role,
            summary=f"{role.name}: {skill.name} no longer required",
        )
