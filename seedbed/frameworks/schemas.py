"""API schemas for roles (job profiles) and their skill requirements."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from seedbed.frameworks.models import Importance
from seedbed.lib.schemas import In, Text, omittable


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
