"""API schemas for questions, answers, comments, votes and routing."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from seedbed.knowledge.services.questions import BODY_MAX, COMMENT_MAX, MAX_SKILLS, TITLE_MAX
from seedbed.lib.schemas import Id, In, Text


class QuestionSkillRef(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    name: str


def person_ref(person: Any) -> dict[str, Any] | None:
    return {"id": person.pk, "name": person.full_name} if person is not None else None


class QuestionFields(Schema):
    id: int
    title: str
    skills: list[QuestionSkillRef]
    asked_by: PersonRef | None = Field(description="None: the asker's record was erased.")
    answer_count: int
    accepted_answer_id: int | None
    is_closed: bool
    created_at: datetime
    updated_at: datetime


class QuestionOut(QuestionFields):
    """A question in a list (read from the model)."""

    @staticmethod
    def resolve_skills(obj: Any) -> list[dict[str, Any]]:
        skills = getattr(obj, "skill_list", None)
        if skills is None:
            skills = obj.skills.order_by("name")
        return [{"id": s.pk, "name": s.name} for s in skills]

    @staticmethod
    def resolve_asked_by(obj: Any) -> dict[str, Any] | None:
        return person_ref(obj.asked_by)


class CommentOut(Schema):
    id: int
    body: str = Field(description="Plain text (escape it when showing it as HTML).")
    author: PersonRef | None
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Any) -> dict[str, Any] | None:
        return person_ref(obj.author)


class AnswerOut(Schema):
    id: int
    question_id: int
    author: PersonRef | None
    body: str = Field(description="Markdown as written.")
    body_html: str = Field(description="The Markdown rendered and sanitised.")
    score: int = Field(description="Sum of the votes (+1/-1).")
    my_vote: int = Field(description="Your vote: 1, -1 or 0 (none).")
    accepted: bool
    created_at: datetime
    updated_at: datetime
    comments: list[CommentOut]


class RoutingOut(Schema):
    person: PersonRef
    score: float = Field(description="The expert finder's score when the question was asked.")
    routed_at: datetime


class QuestionDetailOut(QuestionFields):
    """A question with everything on its page (built by the API as a dict)."""

    body: str = Field(description="Markdown as written.")
    body_html: str = Field(description="The Markdown rendered and sanitised.")
    comments: list[CommentOut]
    answers: list[AnswerOut] = Field(description="Accepted answer first, then by score.")
    routed_to: list[RoutingOut] | None = Field(
        description="Who the question was sent to (shown to the asker and admins; else null)."
    )
    article_id: int | None = Field(description="The article this question became, if any.")


class ArticleRefOut(Schema):
    id: int
    title: str
    url: str


Status = Literal["unanswered", "answered", "accepted", "open", "closed"]


class QuestionFilterIn(In):
    q: Text = Field("", max_length=100, description="Words in the title or details.")
    skill: Id | None = Field(None, description="Tagged with this skill id.")
    status: Status | None = None
    mine: bool = Field(False, description="Only questions you asked.")


class QuestionIn(In):
    title: Text = Field(min_length=1, max_length=TITLE_MAX)
    body: Text = Field("", max_length=BODY_MAX, description="Details, Markdown.")
    skill_ids: list[Id] = Field(default_factory=list, max_length=MAX_SKILLS)


class QuestionAnswerIn(In):
    body: Text = Field(min_length=1, max_length=BODY_MAX, description="Markdown.")


class CommentIn(In):
    body: Text = Field(min_length=1, max_length=COMMENT_MAX, description="Plain text.")


class VoteIn(In):
    value: Literal[-1, 0, 1] = Field(description="+1 useful, -1 not useful, 0 withdraw.")


class AcceptIn(In):
    answer_id: Id | None = Field(description="The answer to accept; null takes it back.")
