"""API schemas of the expert finder: the search filters, a ranked result with its evidence,
and the admin's finder settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from seedbed.knowledge.experts import MAX_LIMIT
from seedbed.knowledge.services.finder import (
    MAX_EXPERTS_PER_QUESTION,
    MAX_NOTIFICATIONS_PER_WEEK,
)
from seedbed.lib.schemas import Id, In, Text


class ExpertFilter(In):
    skill: Id | None = Field(None, description="A skill id (see /api/v1/skills).")
    q: Annotated[Text, Field(max_length=200)] = Field(
        "",
        description="Free text: skill names and aliases (typos tolerated), article and "
        "question text.",
    )
    team: Id | None = Field(None, description="Only members of this team.")
    location: Annotated[Text, Field(max_length=120)] = ""
    language: Annotated[Text, Field(max_length=20)] = Field(
        "", description="A language code from the person's languages, e.g. en."
    )
    available: bool = Field(
        False,
        description="Only people not leaving within 30 days and, if they mentor in an open "
        "or running programme, with room for a mentee.",
    )
    limit: int = Field(10, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10**9)


class SkillRefOut(Schema):
    id: int
    name: str


class LevelOut(Schema):
    skill_id: int
    skill: str
    level: int
    source: str
    validated: bool = Field(description="Set by a manager, an assessment or a certification.")
    at: date | None


class LinkOut(Schema):
    id: int
    title: str


class ExpertEvidenceOut(Schema):
    level: LevelOut | None = Field(description="Best current level on a skill asked for.")
    related_skill: str | None = Field(
        description="The one related skill whose evidence counted (the person's strongest)."
    )
    related_level: LevelOut | None = Field(description="Current level on that related skill.")
    certification: int
    articles: int
    accepted_answers: int
    votes: int = Field(description="Net up-votes on their answers.")
    mentoring: int = Field(description="Mentees mentored with the skill in focus.")
    related: dict[str, int] = Field(description="Counts per kind on that related skill.")
    articles_list: list[LinkOut]
    answered_list: list[LinkOut] = Field(description="Questions where their answer was accepted.")
    last_active: date | None
    available: bool
    contributions: dict[str, float] = Field(description="Score added per kind of evidence.")


class ExpertPersonOut(Schema):
    id: int
    name: str
    team: str | None
    location: str


class ExpertOut(Schema):
    rank: int
    person: ExpertPersonOut
    score: float
    explanation: str
    evidence: ExpertEvidenceOut


class ExpertListOut(Schema):
    items: list[ExpertOut]
    count: int = Field(description="People found in all (for paging with limit/offset).")
    skills: list[SkillRefOut] = Field(description="The skills the query was read as.")
    related_skills: list[SkillRefOut]


class WeightOut(Schema):
    key: str
    label: str
    meaning: str
    value: float
    default: float


class FinderSettingsOut(Schema):
    weights: list[WeightOut]
    experts_per_question: int
    max_notifications_per_week: int
    updated_at: datetime


Weight = Annotated[float, Field(allow_inf_nan=False)]


class FinderSettingsIn(In):
    weights: dict[Annotated[str, Field(max_length=40)], Weight] = Field(
        default_factory=dict,
        description="Any of the weight keys (the others stay as they are).",
    )
    experts_per_question: int | None = Field(None, ge=1, le=MAX_EXPERTS_PER_QUESTION)
    max_notifications_per_week: int | None = Field(None, ge=0, le=MAX_NOTIFICATIONS_PER_WEEK)


def expert_out(rank: int, result: Any) -> dict[str, Any]:
    person = result.person
    return {
        "rank": rank,
        "person": {
            "id": person.pk,
            "name": person.full_name,
            "team": person.team.name if person.team_id else None,
            "location": person.location,
        },
        "score": result.score,
        "explanation": result.explanation,
        "evidence": result.evidence,
    }
