"""Small builder functions for tests (no fixture files)."""

from __future__ import annotations

import itertools
from typing import Any

from seedbed.accounts.models import AccessLevel, User
from seedbed.frameworks.models import Role, RoleRequirement
from seedbed.people.models import Person, Team
from seedbed.skills.models import Skill, SkillCategory
from seedbed.skills.services import ensure_default_scale

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple-42"


def make_team(name: str | None = None, **kw: Any) -> Team:
    return Team.objects.create(name=name or f"Team {next(_seq)}", **kw)


def make_role(name: str | None = None, **kw: Any) -> Role:
    return Role.objects.create(name=name or f"Role {next(_seq)}", **kw)


def make_category(name: str | None = None, **kw: Any) -> SkillCategory:
    ensure_default_scale()
    return SkillCategory.objects.create(name=name or f"Category {next(_seq)}", **kw)


def make_skill(name: str | None = None, category: SkillCategory | None = None, **kw: Any) -> Skill:
    ensure_default_scale()
    return Skill.objects.create(
        name=name or f"Skill {next(_seq)}", category=category or make_category(), **kw
    )


def make_person(name: str | None = None, *, access: str | None = None, **kw: Any) -> Person:
    n = next(_seq)
    name = name or f"Person {n}"
    email = kw.pop("email", None) or f"{name.lower().replace(' ', '.')}.{n}@example.com"
    person = Person.objects.create(full_name=name, email=email, **kw)
    if access:
        user = User.objects.create_user(email, PASSWORD, display_name=name, access_level=access)
        person.user = user
        person.save(update_fields=["user"])
    return person


def require(role: Role, skill: Skill, level: int, importance: int = 2) -> RoleRequirement:
    return RoleRequirement.objects.create(
        role=role, skill=skill, required_level=level, importance=importance
    )


__all__ = [
    "PASSWORD",
    "AccessLevel",
    "make_category",
    "make_person",
    "make_role",
    "make_skill",
    "make_team",
    "require",
]
