"""API schemas for roles (job profiles) and their skill requirements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from seedbed.frameworks.models import Importance, Priority
from seedbed.lib.schemas import Id, In, Text, omittable


class RequirementOut(Schema):
    skill_id: int
    skill_name: str
    required_level: int
    importance: int

    @staticmethod
    def resolve_skill_name(obj: Any) -> str:
        return str(obj.skill.name)


class RoleOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool
    requirements: list[RequirementOut]

    @staticmethod
    def resolve_requirements(obj: Any) -> list[Any]:
        return list(obj.requirements.all())


class RoleFilter(In):
    q: Text | None = Field(None, max_length=150, description="Part of the role name.")
    active: bool | None = Field(None, description="Only active (true) or retired (false) roles.")


class RoleCreateIn(In):
    name: Text = Field(min_length=1, max_length=150)
    description: Text = Field("", max_length=5000)
    is_active: bool = True


class RoleUpdateIn(In):
    """Only the fields you send change."""

    name: Text = omittable(min_length=1, max_length=150)
    description: Text = omittable(max_length=5000)
    is_active: bool = omittable()


class RequirementIn(In):
    level: int = Field(ge=0, le=100, description="Required level on the skill's scale.")
    importance: int = Field(
        2,
        ge=min(Importance.values),
        le=max(Importance.values),
        description="1 nice to have, 2 important, 3 essential.",
    )


# --- career paths ----------------------------------------------------------------------------


class RoleRef(Schema):
    id: int
    name: str
    is_active: bool


class CareerPathOut(Schema):
    role_id: int
    next_roles: list[RoleRef]
    previous_roles: list[RoleRef]


class NextRolesIn(In):
    role_ids: list[Id] = Field(
        max_length=100, description="Every role that follows this one (replaces the list)."
    )


class CompareFilter(In):
    a: Id = Field(description="Id of role A.")
    b: Id = Field(description="Id of role B.")


class CompareRowOut(Schema):
    skill_id: int
    skill_name: str
    category: str
    level_a: int | None
    importance_a: int | None
    level_b: int | None
    importance_b: int | None
    difference: int | None = Field(description="Level in B minus level in A, where both require.")
    required_by: Literal["both", "a", "b"]


class CompareOut(Schema):
    a: RoleRef
    b: RoleRef
    rows: list[CompareRowOut]


class MissingOut(Schema):
    skill_id: int
    skill_name: str
    required: int
    level: int | None = Field(description="Current level; null when not rated (counts as 0).")
    gap: int
    importance: int


class ReadinessOut(Schema):
    person_id: int
    role_id: int
    role_name: str
    percent: float | None = Field(
        description=(
            "Weighted share of required levels reached: each requirement counts "
            "min(level, required)/required, weighted by importance; null without requirements."
        )
    )
    met: int
    total: int
    missing: list[MissingOut]


class TargetRoleIn(In):
    role_id: Id | None = Field(description="An active role, or null to clear the target.")


class TargetRoleOut(Schema):
    person_id: int
    target_role: RoleRef | None


# --- strategic needs -------------------------------------------------------------------------


class NeedOut(Schema):
    id: int
    skill_id: int
    skill_name: str
    level: int
    headcount: int
    due_date: date
    priority: int
    owner_id: int | None
    owner_name: str | None
    goal: str
    is_active: bool
    created_at: datetime
    have: int = Field(description="Active people whose current level reaches the level.")
    close: int = Field(description="Active people exactly one level below it.")
    shortfall: int = Field(description="max(headcount − have, 0).")
    overdue: bool = Field(description="Past the date with a shortfall.")


class NeedFilter(In):
    status: Literal["open", "overdue", "met", "archived", "all"] = "open"
    priority: int | None = Field(None, ge=min(Priority.values), le=max(Priority.values))
    skill: Text | None = Field(None, max_length=100, description="Words of the skill's name.")
    owner_id: Id | None = None


class NeedCreateIn(In):
    skill_id: Id
    level: int = Field(ge=0, le=100)
    headcount: int = Field(ge=1, le=10_000)
    due_date: date
    priority: int = Field(2, ge=min(Priority.values), le=max(Priority.values))
    owner_id: Id | None = None
    goal: Text = Field("", max_length=300)


class NeedUpdateIn(In):
    """Only the fields you send change; send null as owner_id to clear the owner."""

    skill_id: Id = omittable()
    level: int = omittable(ge=0, le=100)
    headcount: int = omittable(ge=1, le=10_000)
    due_date: date = omittable()
    priority: int = omittable(ge=min(Priority.values), le=max(Priority.values))
    owner_id: Id | None = None
    goal: Text = omittable(max_length=300)
    is_active: bool = omittable()


# --- sector templates ------------------------------------------------------------------------


class SectorTemplateOut(Schema):
    name: str
    title: str
    description: str
    categories: int
    skills: int
    roles: int
    requirements: int
    certified_skills: int
    skills_present: int = Field(description="Template skills that match an existing skill.")
    roles_present: int = Field(description="Template roles that match an existing role.")


class TemplateCategoryOut(Schema):
    name: str
    parent: str | None
    existing_id: int | None


class TemplateSkillOut(Schema):
    template_name: str
    category: str
    aliases: list[str]
    criticality: str
    requires_certification: bool
    existing_id: int | None = Field(description="The existing skill it merges into, if any.")
    existing_name: str
    matched_by: str = Field(description='"name", "alias", or "" for a new skill.')
    matched_text: str
    changes: list[str] = Field(description="What merging changes on the existing skill.")


class TemplateRequirementOut(Schema):
    skill: str
    level: int
    importance: int
    old_level: int | None
    old_importance: int | None
    status: Literal["new", "raised", "unchanged"]


class TemplateRoleOut(Schema):
    name: str
    existing_id: int | None
    requirements: list[TemplateRequirementOut]
    next_roles_added: list[str]


class TemplatePreviewOut(Schema):
    name: str
    title: str
    change_count: int = Field(description="Rows applying creates or changes; 0: already applied.")
    categories: list[TemplateCategoryOut]
    skills: list[TemplateSkillOut]
    roles: list[TemplateRoleOut]
