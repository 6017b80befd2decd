"""API schemas of knowledge-base articles: articles, revisions, diffs, attachments, templates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Schema
from pydantic import Field

from seedbed.knowledge.models import ArticleKind, ArticleState, Visibility
from seedbed.knowledge.services.articles import (
    MAX_BODY,
    MAX_NOTE,
    MAX_REVIEW_DAYS,
    MAX_SKILLS,
    MAX_SUMMARY,
    MAX_TITLE,
    MIN_REVIEW_DAYS,
)
from seedbed.lib.schemas import Id, In, Text, omittable


class ArticleSkillRef(Schema):
    id: int
    name: str


class OwnerRef(Schema):
    id: int
    name: str
    is_active: bool


def _out_of_date(obj: Any) -> bool:
    return bool(
        obj.state == ArticleState.PUBLISHED
        and obj.review_due_on is not None
        and obj.review_due_on < timezone.localdate()
    )


class ArticleOut(Schema):
    id: int
    title: str
    kind: ArticleKind
    state: ArticleState
    visibility: Visibility
    summary: str
    skills: list[ArticleSkillRef]
    owner: OwnerRef | None = Field(description="None: no owner (or their record was erased).")
    created_by: str | None
    review_interval_days: int
    last_verified_at: datetime | None
    review_due_on: date | None = Field(description="None for drafts and archived articles.")
    may_be_out_of_date: bool = Field(description="Published and past its review date.")
    revision_count: int
    source_question_id: int | None
    created_at: datetime
    updated_at: datetime
    url: str = Field(description="The article's page.")

    @staticmethod
    def resolve_skills(obj: Any) -> list[Any]:
        skills = getattr(obj, "skill_list", None)
        return list(skills) if skills is not None else list(obj.skills.order_by("name"))

    @staticmethod
    def resolve_owner(obj: Any) -> dict[str, Any] | None:
        o = obj.owner
        return {"id": o.pk, "name": o.full_name, "is_active": o.is_active} if o else None

    @staticmethod
    def resolve_created_by(obj: Any) -> str | None:
        return str(obj.created_by) if obj.created_by_id else None

    @staticmethod
    def resolve_may_be_out_of_date(obj: Any) -> bool:
        return _out_of_date(obj)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("knowledge:article", args=[obj.pk])


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int = Field(description="Bytes.")
    created_at: datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        return reverse("api:article_attachment", args=[obj.article_id, obj.pk])


class ArticleDetailOut(ArticleOut):
    body: str = Field(description="The Markdown as written.")
    body_html: str = Field(description="The Markdown rendered and sanitised.")
    attachments: list[AttachmentOut]
    may_edit: bool = Field(description="Whether you may change this article.")

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_may_edit(obj: Any) -> bool:
        return bool(getattr(obj, "may_edit", False))


class RevisionOut(Schema):
    number: int
    title: str
    note: str
    author: str | None
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return str(obj.author) if obj.author_id else None


class RevisionDetailOut(RevisionOut):
    body: str


class DiffRowOut(Schema):
    kind: Literal["equal", "replace", "delete", "insert", "skip"]
    old_no: int | None
    old_text: str
    new_no: int | None
    new_text: str
    skipped: int = Field(description="For 'skip' rows: how many unchanged lines are folded.")


class DiffOut(Schema):
    from_number: int
    to_number: int
    old_title: str
    new_title: str
    added: int = Field(description="Lines added.")
    removed: int = Field(description="Lines removed.")
    unified: str = Field(description="A unified diff of the Markdown (empty if unchanged).")
    rows: list[DiffRowOut] = Field(description="Side by side, long unchanged runs folded.")


class ArticleTemplateOut(Schema):
    key: str
    label: str
    kind: ArticleKind
    body: str


class ArticleFilter(In):
    q: Text | None = Field(None, max_length=100, description="Words in the title or text.")
    kind: ArticleKind | None = None
    skill: Id | None = Field(None, description="Tagged with this skill.")
    owner: Id | None = Field(None, description="Owned by this person.")
    state: ArticleState = Field(ArticleState.PUBLISHED)
    out_of_date: bool | None = Field(None, description="Only articles past their review date.")
    sort: Literal["updated", "title", "due"] = "updated"


class ArticleCreateIn(In):
    title: Text = Field(min_length=1, max_length=MAX_TITLE)
    body: Text = Field(min_length=1, max_length=MAX_BODY, description="Markdown.")
    kind: ArticleKind = ArticleKind.HOWTO
    summary: Text = Field("", max_length=MAX_SUMMARY)
    skill_ids: list[Id] = Field(default_factory=list, max_length=MAX_SKILLS)
    owner_id: Id | None = Field(None, description="Default: you. Any active person.")
    visibility: Visibility = Visibility.ORGANISATION
    state: Literal["draft", "published"] = "published"
    review_interval_days: int = Field(180, ge=MIN_REVIEW_DAYS, le=MAX_REVIEW_DAYS)
    source_question_id: Id | None = None
    note: Text = Field("", max_length=MAX_NOTE, description="What this version is.")


class ArticleUpdateIn(In):
    """Send only what changes. A change of title or body adds a revision."""

    title: Text = omittable(min_length=1, max_length=MAX_TITLE)
    body: Text = omittable(min_length=1, max_length=MAX_BODY)
    kind: ArticleKind = omittable()
    summary: Text = omittable(max_length=MAX_SUMMARY)
    skill_ids: list[Id] = omittable(max_length=MAX_SKILLS)
    visibility: Visibility = omittable()
    state: ArticleState = omittable()
    review_interval_days: int = omittable(ge=MIN_REVIEW_DAYS, le=MAX_REVIEW_DAYS)
    base_revision: int | None = Field(
        None,
        ge=0,
        le=10**9,
        description="The revision you edited; if a newer one was saved since, 409.",
    )
    note: Text = Field("", max_length=MAX_NOTE, description="What changed.")


class ArticleOwnerIn(In):
    owner_id: Id


class RestoreIn(In):
    note: Text = Field("", max_length=MAX_NOTE)


class DiffFilter(In):
    a: int = Field(ge=1, le=10**9, description="One version number.")
    b: int = Field(ge=1, le=10**9, description="The other (order does not matter).")
