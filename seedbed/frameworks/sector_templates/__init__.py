"""Sector templates: starter taxonomies with roles and required levels, one JSON file per sector.

Each file holds categories, 25–40 skills (description, aliases, criticality, and whether
practising needs a certificate) and 5–8 roles with required levels on the default 0–5 scale,
importance (1 nice to have, 2 important, 3 essential) and the next roles on the career path.
The wording is our own. ``load`` validates a file strictly, so a broken template fails loudly
(and the tests load every one).

Applying a template is ``seedbed.frameworks.services.apply_template``; this module only reads.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Annotated, Self

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from seedbed.skills.models import Criticality

DATA_DIR = Path(__file__).resolve().parent

# Slug -> translatable title, in the order the admin page lists them.
TEMPLATE_TITLES = {
    "technology": _("Technology"),
    "healthcare": _("Healthcare"),
    "manufacturing": _("Manufacturing"),
    "financial-services": _("Financial services"),
    "creative-industries": _("Creative industries (marketing, design, media)"),
}
TEMPLATE_NAMES: tuple[str, ...] = tuple(TEMPLATE_TITLES)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TemplateCategory(_Strict):
    name: Name
    parent: Name | None = None
    description: str = ""


class TemplateSkill(_Strict):
    name: Name
    category: Name
    description: str = Field(min_length=1)
    aliases: tuple[Annotated[str, StringConstraints(min_length=1, max_length=100)], ...] = ()
    criticality: Criticality = Criticality.MEDIUM
    requires_certification: bool = False


class TemplateRole(_Strict):
    name: Name
    description: str = Field(min_length=1)
    # (skill name, required level 1–5 on the default scale, importance 1–3)
    requirements: tuple[
        tuple[Name, Annotated[int, Field(ge=1, le=5)], Annotated[int, Field(ge=1, le=3)]], ...
    ] = Field(min_length=1)
    next_roles: tuple[Name, ...] = ()


class SectorTemplate(_Strict):
    name: str
    title: str
    description: str
    categories: tuple[TemplateCategory, ...]
    skills: tuple[TemplateSkill, ...] = Field(min_length=25, max_length=40)
    roles: tuple[TemplateRole, ...] = Field(min_length=5, max_length=8)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        """Every reference resolves inside the template and no name appears twice (ignoring
        case), so applying it can rely on the structure."""
        categories = _unique([c.name for c in self.categories], "category")
        for cat in self.categories:
            if cat.parent is not None and cat.parent.lower() not in categories:
                raise ValueError(f"category {cat.name!r}: unknown parent {cat.parent!r}")
        skills = _unique([s.name for s in self.skills], "skill")
        for skill in self.skills:
            if skill.category.lower() not in categories:
                raise ValueError(f"skill {skill.name!r}: unknown category {skill.category!r}")
        roles = _unique([r.name for r in self.roles], "role")
        for role in self.roles:
            _unique([sk for sk, _lvl, _imp in role.requirements], f"requirement of {role.name}")
            for sk, _lvl, _imp in role.requirements:
                if sk.lower() not in skills:
                    raise ValueError(f"role {role.name!r}: unknown skill {sk!r}")
            for nxt in role.next_roles:
                if nxt.lower() not in roles or nxt.lower() == role.name.lower():
                    raise ValueError(f"role {role.name!r}: bad next role {nxt!r}")
        return self

    @property
    def certified_skill_count(self) -> int:
        return sum(1 for s in self.skills if s.requires_certification)

    @property
    def requirement_count(self) -> int:
        return sum(len(r.requirements) for r in self.roles)

    @property
    def display_title(self) -> str:
        return str(TEMPLATE_TITLES.get(self.name, self.title))


def _unique(names: list[str], what: str) -> set[str]:
    seen: set[str] = set()
    for name in names:
        key = name.lower()
        if key in seen:
            raise ValueError(f"{what} {name!r} appears twice")
        seen.add(key)
    return seen


class UnknownTemplate(LookupError):
    pass


@cache
def load(name: str) -> SectorTemplate:
    """The template called ``name`` (one of ``TEMPLATE_NAMES``), validated."""
    if name not in TEMPLATE_TITLES:
        raise UnknownTemplate(name)
    raw = json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    template = SectorTemplate.model_validate(raw)
    if template.name != name:
        raise ValueError(f"{name}.json declares the name {template.name!r}")
    return template


def all_templates() -> list[SectorTemplate]:
    return [load(name) for name in TEMPLATE_NAMES]


__all__ = [
    "TEMPLATE_NAMES",
    "SectorTemplate",
    "TemplateCategory",
    "TemplateRole",
    "TemplateSkill",
    "UnknownTemplate",
    "all_templates",
    "load",
]
