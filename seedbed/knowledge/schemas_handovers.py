"""API schemas for knowledge capture: handover interviews and their prompts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from seedbed.knowledge.models import HandoverReason, HandoverState, PromptKind, Visibility
from seedbed.knowledge.services.handovers import MAX_ANSWER, MAX_SKIP_REASON
from seedbed.lib.schemas import Id, In, Text


class PromptOut(Schema):
    id: int
    position: int
    kind: PromptKind
    prompt: str
    skill_id: int | None
    skill_name: str | None
    article_id: int | None = Field(description="The article the prompt is about (kind article).")
    question_id: int | None = Field(description="The question (kind question).")
    answer: str = Field(description="Markdown as written.")
    is_done: bool
    result_article_id: int | None = Field(description="The article written from the answer.")
    new_owner_id: int | None = Field(description="Who the prompt's article was given to.")

    @staticmethod
    def resolve_skill_name(obj: Any) -> str | None:
        return obj.skill.name if obj.skill_id else None


class HandoverOut(Schema):
    id: int
    person_id: int
    person_name: str
    manager_id: int | None
    manager_name: str | None
    reason: HandoverReason
    state: HandoverState
    due_on: date | None
    created_at: datetime
    completed_at: datetime | None
    skip_reason: str = Field(description="Why the prompts not done at completion were skipped.")
    prompts_done: int
    prompts_total: int

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.full_name)

    @staticmethod
    def resolve_manager_name(obj: Any) -> str | None:
        return obj.manager.full_name if obj.manager_id else None

    @staticmethod
    def resolve_prompts_done(obj: Any) -> int:
        return int(obj.done)

    @staticmethod
    def resolve_prompts_total(obj: Any) -> int:
        return int(obj.total)


class HandoverDetailOut(HandoverOut):
    prompts: list[PromptOut]

    @staticmethod
    def resolve_prompts(obj: Any) -> list[Any]:
        return list(obj.prompts.select_related("skill"))


class HandoverFilter(In):
    q: Text | None = Field(None, max_length=100, description="Part of the person's name or email.")
    person: Id | None = Field(None, description="Person id.")
    team: Id | None = Field(None, description="The person's team id.")
    state: HandoverState | None = None
    reason: HandoverReason | None = None
    mine: bool | None = Field(
        None, description="true: only yours and those you are the assigned manager of."
    )


class HandoverCreateIn(In):
    person_id: Id
    reason: HandoverReason = HandoverReason.OTHER
    due_on: date | None = Field(
        None, description="Default: the leaving day if set, else in 30 days. Not in the past."
    )


class PromptAnswerIn(In):
    answer: Text = Field(max_length=MAX_ANSWER, description="Markdown.")
    is_done: bool | None = Field(None, description="Also mark the prompt done (or not).")


class DoneIn(In):
    done: bool = True


class ArticleFromAnswerIn(In):
    owner_id: Id | None = Field(None, description="Default: the interview's manager.")
    title: Text = Field("", max_length=200, description="Default: a title from the prompt.")
    visibility: Visibility = Visibility.ORGANISATION


class PromptReassignIn(In):
    owner_id: Id = Field(description="The new owner's person id.")


class CompleteIn(In):
    skip_reason: Text = Field(
        "",
        max_length=MAX_SKIP_REASON,
        description="Needed while some prompts are not done: why they are skipped.",
    )


class ArticleRef(Schema):
    id: int
    title: str
    owner_id: int | None
