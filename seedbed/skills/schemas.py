"""API schemas for the taxonomy, scales, skill evidence, current levels and validation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, Self

from ninja import Schema
from pydantic import Field, model_validator

from seedbed.lib.schemas import AwareDatetime, Id, In, Text, Url, omittable
from seedbed.skills.models import Criticality, Interest, Source

Alias = Text


class SkillOut(Schema):
    id: int
    name: str
    category_id: int
    category_name: str
    description: str
    aliases: list[str]
    criticality: Criticality
    external_id: str | None
    is_active: bool

    @staticmethod
    def resolve_category_name(obj: Any) -> str:
        return str(obj.category.name)


class SkillFilter(In):
    search: Text | None = Field(
        None, max_length=200, description="Words to find in names and aliases (k8s → Kubernetes)."
    )
    category: Id | None = Field(None, description="Category id.")
    active: bool | None = Field(None, description="Only active (true) or archived (false) skills.")


class SkillCreateIn(In):
    name: Text = Field(min_length=1, max_length=200)
    category_id: Id
    description: Text = Field("", max_length=5000)
    aliases: list[Alias] = Field(
        default_factory=list, max_length=50, description="Other names that should find this skill."
    )
    criticality: Criticality = Criticality.MEDIUM
    external_id: Text | None = Field(None, max_length=300, description="E.g. an ESCO concept URI.")
    is_active: bool = True


class SkillUpdateIn(In):
    """Only the fields you send change; send null as external_id to clear it."""

    name: Text = omittable(min_length=1, max_length=200)
    category_id: Id = omittable()
    description: Text = omittable(max_length=5000)
    aliases: list[Alias] = omittable(max_length=50)
    criticality: Criticality = omittable()
    external_id: Text | None = Field(None, max_length=300)
    is_active: bool = omittable()


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None
    scale_id: int | None = Field(description="Own scale, if any; else the parent's or default.")
    description: str


class ScaleLevelOut(Schema):
    value: int
    name: str
    descriptor: str


class ScaleOut(Schema):
    id: int
    name: str
    description: str
    is_default: bool
    levels: list[ScaleLevelOut]

    @staticmethod
    def resolve_levels(obj: Any) -> list[Any]:
        return list(obj.levels.all())


class AssertionOut(Schema):
    id: int
    person_id: int
    person_name: str
    skill_id: int
    skill_name: str
    level: int
    source: Source
    rater_name: str | None
    note: str
    evidence_url: str
    created_at: datetime
    review_by: date | None
    validates_id: int | None = Field(description="The self-rating a manager validation answers.")

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.full_name)

    @staticmethod
    def resolve_skill_name(obj: Any) -> str:
        return str(obj.skill.name)

    @staticmethod
    def resolve_rater_name(obj: Any) -> str | None:
        return str(obj.rater) if obj.rater_id else None


class AssertionFilter(In):
    person: Id | None = Field(None, description="Person id.")
    skill: Id | None = Field(None, description="Skill id.")
    source: Source | None = None
    since: AwareDatetime | None = Field(None, description="Recorded at or after this time.")


class AssertionIn(In):
    person_id: Id
    skill_id: Id
    level: int = Field(ge=0, le=100, description="A level on the skill's scale (0–5 by default).")
    source: Source = Field(
        description="self: your own rating; manager: for your reports; "
        "peer; assessment, certification, learning: admins."
    )
    note: Text = Field("", max_length=2000)
    evidence_url: Url = ""
    review_by: date | None = Field(None, description="When this level should be looked at again.")


class PersonSkillOut(Schema):
    skill_id: int
    skill_name: str
    category_id: int
    level: int = Field(description="Current level by the evidence rule.")
    source: Source = Field(description="Source of the evidence that decides the current level.")
    assessed_at: datetime
    self_level: int | None
    self_assessed_at: datetime | None
    pending_validation: bool
    required_level: int | None = Field(description="What the person's role requires, if anything.")
    importance: int | None = Field(description="1 nice to have, 2 important, 3 essential.")
    interest: Interest | None = Field(description="How keen the person is to grow this skill.")

    @staticmethod
    def resolve_skill_name(obj: Any) -> str:
        return str(obj.skill.name)

    @staticmethod
    def resolve_category_id(obj: Any) -> int:
        return int(obj.skill.category_id)


class QueueItemOut(Schema):
    id: int = Field(description="Use as person_skill_id to accept or adjust.")
    person_id: int
    person_name: str
    skill_id: int
    skill_name: str
    self_level: int | None
    self_assessed_at: datetime | None
    level: int = Field(description="Current level (before this validation).")
    source: Source
    claimed_level: int | None = Field(description="The level waiting for validation.")
    claimed_source: Source | None = Field(
        description="self (a self-rating) or learning (the level a completed item promises)."
    )
    claimed_at: datetime | None
    note: str = Field(description="The claim's note.")
    evidence_url: str

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.full_name)

    @staticmethod
    def resolve_skill_name(obj: Any) -> str:
        return str(obj.skill.name)

    @staticmethod
    def resolve_claimed_level(obj: Any) -> int | None:
        return int(obj.pending_assertion.level) if obj.pending_assertion_id else None

    @staticmethod
    def resolve_claimed_source(obj: Any) -> str | None:
        return str(obj.pending_assertion.source) if obj.pending_assertion_id else None

    @staticmethod
    def resolve_claimed_at(obj: Any) -> datetime | None:
        return obj.pending_assertion.created_at if obj.pending_assertion_id else None

    @staticmethod
    def resolve_note(obj: Any) -> str:
        return str(obj.pending_assertion.note) if obj.pending_assertion_id else ""

    @staticmethod
    def resolve_evidence_url(obj: Any) -> str:
        return str(obj.pending_assertion.evidence_url) if obj.pending_assertion_id else ""


class ValidateIn(In):
    """``{"action": "accept"}`` keeps the claimed level; ``{"action": "adjust", "level": n,
    "note": "why"}`` sets another level and says why."""

    action: Literal["accept", "adjust"]
    level: int | None = Field(None, ge=0, le=100)
    note: Text = Field("", max_length=2000)

    @model_validator(mode="after")
    def _level_matches_action(self) -> Self:
        if self.action == "adjust" and self.level is None:
            raise ValueError("adjust needs the level to set")
        if self.action == "accept" and self.level is not None:
            raise ValueError("accept keeps the self-rated level; use adjust to set another")
        return self


class InterestIn(In):
    interest: Interest = Field(description="none, happy or keen.")


class InterestOut(Schema):
    skill_id: int
    interest: Interest
    updated_at: datetime
