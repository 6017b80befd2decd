"""Knowledge API: articles. Reads are scoped through ``Article.objects.visible_to`` (anything
else is 404); every change goes through ``seedbed.knowledge.services.articles`` (and
``article_files`` for attachments), which decide who may make it."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from seedbed.knowledge import diffs
from seedbed.knowledge.forms_articles import ARTICLE_TEMPLATES, SORTS
from seedbed.knowledge.models import Article, ArticleRevision, ArticleState, Attachment, Question
from seedbed.knowledge.schemas_articles import (
    ArticleCreateIn,
    ArticleDetailOut,
    ArticleFilter,
    ArticleOut,
    ArticleOwnerIn,
    ArticleTemplateOut,
    ArticleUpdateIn,
    AttachmentOut,
    DiffFilter,
    DiffOut,
    RestoreIn,
    RevisionDetailOut,
    RevisionOut,
)
from seedbed.knowledge.services import article_files as files
from seedbed.knowledge.services import articles as services
from seedbed.lib.errors import NotFound
from seedbed.lib.schemas import ERRORS, AuthedRequest, Id, Pagination
from seedbed.people.models import Person
from seedbed.skills.models import Skill

router = Router(tags=["knowledge articles"])
WITH_CONFLICT = {**ERRORS, 409: ERRORS[400]}
BINARY = {"schema": {"type": "string", "format": "binary"}}
DOWNLOAD_RESPONSE = {
    "responses": {
        200: {
            "description": "The file: images inline, everything else as a download.",
            "content": {t.content_type.split(";")[0]: BINARY for t in files.FILE_TYPES.values()},
        }
    }
}


def _with_skills(qs: QuerySet[Article]) -> QuerySet[Article]:
    return qs.prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("name"), to_attr="skill_list")
    )


def _visible(request: AuthedRequest) -> QuerySet[Article]:
    return Article.objects.visible_to(request.user).select_related("owner", "created_by")


def _article(request: AuthedRequest, article_id: int) -> Article:
    article = _visible(request).filter(pk=article_id).first()
    if article is None:
        raise NotFound(_("No article with id %(id)s.") % {"id": article_id})
    return article


def _detail(request: AuthedRequest, article_id: int) -> Article:
    article = _article(request, article_id)
    article.may_edit = services.may_edit(request.user, article)  # type: ignore[attr-defined]
    return article


def _person(request: AuthedRequest, person_id: int, field: str) -> Person:
    found = Person.objects.visible_to(request.user).filter(pk=person_id).first()
    if found is None:
        raise NotFound(_("No person with id %(id)s.") % {"id": person_id}, field=field)
    return found


@router.get("/knowledge/articles", response={200: list[ArticleOut], **ERRORS})
@paginate(Pagination)
def list_articles(request: AuthedRequest, filters: Query[ArticleFilter]) -> QuerySet[Article]:
    """Articles you may read, filtered; newest change first unless ``sort`` says otherwise."""
    qs = _visible(request).filter(state=filters.state)
    for word in (filters.q or "").split()[:8]:
        qs = qs.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    if filters.skill is not None:
        qs = qs.filter(skills=filters.skill)
    if filters.owner is not None:
        qs = qs.filter(owner_id=filters.owner)
    if filters.out_of_date is True:
        qs = qs.filter(state=ArticleState.PUBLISHED, review_due_on__lt=timezone.localdate())
    elif filters.out_of_date is False:
        qs = qs.exclude(Q(state=ArticleState.PUBLISHED, review_due_on__lt=timezone.localdate()))
    return _with_skills(qs.order_by(*SORTS[filters.sort]))


@router.get("/knowledge/articles/review-queue", response={200: list[ArticleOut], **ERRORS})
@paginate(Pagination)
def review_queue(request: AuthedRequest) -> QuerySet[Article]:
    """Articles you own that are overdue for review or due within 14 days, most overdue
    first."""
    qs: QuerySet[Article] = services.review_queue(request.user)
    return _with_skills(qs.select_related("owner", "created_by"))


@router.get("/knowledge/article-templates", response={200: list[ArticleTemplateOut], **ERRORS})
def list_templates(request: AuthedRequest) -> list[dict[str, Any]]:
    """Starting structures for a new article (lessons-learned review, how-to), in your
    language."""
    return [
        {"key": t.key, "label": str(t.label), "kind": t.kind, "body": str(t.body)}
        for t in ARTICLE_TEMPLATES.values()
    ]


@router.post("/knowledge/articles", response={201: ArticleDetailOut, **ERRORS})
def create_article(request: AuthedRequest, payload: ArticleCreateIn) -> Status[Any]:
    """Write an article (everyone signed in). The owner defaults to you."""
    owner = _person(request, payload.owner_id, "owner_id") if payload.owner_id else None
    question = None
    if payload.source_question_id is not None:
        question = (
            Question.objects.visible_to(request.user).filter(pk=payload.source_question_id).first()
        )
        if question is None:
            raise NotFound(
                _("No question with id %(id)s.") % {"id": payload.source_question_id},
                field="source_question_id",
            )
    article = services.create_article(
        actor=request.user,
        title=payload.title,
        body=payload.body,
        kind=payload.kind,
        summary=payload.summary,
        skill_ids=payload.skill_ids,
        owner=owner,
        visibility=payload.visibility,
        state=payload.state,
        review_interval_days=payload.review_interval_days,
        source_question=question,
        note=payload.note,
    )
    return Status(201, _detail(request, article.pk))


@router.get("/knowledge/articles/{article_id}", response={200: ArticleDetailOut, **ERRORS})
def read_article(request: AuthedRequest, article_id: Path[Id]) -> Article:
    """An article with its Markdown, its sanitised HTML and its attachments."""
    return _detail(request, article_id)


@router.patch("/knowledge/articles/{article_id}", response={200: ArticleDetailOut, **WITH_CONFLICT})
def update_article(
    request: AuthedRequest, article_id: Path[Id], payload: ArticleUpdateIn
) -> Article:
    """Change what you send (owner, author, the owner's managers, HR). A new title or body
    adds a revision; ``base_revision`` guards against overwriting someone else's edit."""
    data = payload.model_dump(exclude_unset=True, exclude={"note"})
    if data.get("base_revision") is None:
        data.pop("base_revision", None)
    services.update_article(
        actor=request.user, article=_article(request, article_id), data=data, note=payload.note
    )
    return _detail(request, article_id)


@router.post(
    "/knowledge/articles/{article_id}/verify", response={200: ArticleDetailOut, **WITH_CONFLICT}
)
def verify_article(request: AuthedRequest, article_id: Path[Id]) -> Article:
    """Confirm the article is still right: next review after its interval."""
    services.verify_article(actor=request.user, article=_article(request, article_id))
    return _detail(request, article_id)


@router.post(
    "/knowledge/articles/{article_id}/archive", response={200: ArticleDetailOut, **WITH_CONFLICT}
)
def archive_article(request: AuthedRequest, article_id: Path[Id]) -> Article:
    """Take it out of circulation (publish it again with a PATCH of ``state``)."""
    services.archive_article(actor=request.user, article=_article(request, article_id))
    return _detail(request, article_id)


@router.post(
    "/knowledge/articles/{article_id}/owner", response={200: ArticleDetailOut, **WITH_CONFLICT}
)
def reassign_owner(
    request: AuthedRequest, article_id: Path[Id], payload: ArticleOwnerIn
) -> Article:
    """Hand the article to another active person (who is notified)."""
    article = _article(request, article_id)
    services.reassign_owner(
        actor=request.user, article=article, owner=_person(request, payload.owner_id, "owner_id")
    )
    return _detail(request, article_id)


# --- revisions -----------------------------------------------------------------------------


@router.get(
    "/knowledge/articles/{article_id}/revisions", response={200: list[RevisionOut], **ERRORS}
)
@paginate(Pagination)
def list_revisions(request: AuthedRequest, article_id: Path[Id]) -> QuerySet[ArticleRevision]:
    """Every saved version, newest first (without the text; read one for it)."""
    article = _article(request, article_id)
    return article.revisions.select_related("author").defer("body").order_by("-number")


def _revision(article: Article, number: int) -> ArticleRevision:
    revision = (
        ArticleRevision.objects.select_related("author")
        .filter(article=article, number=number)
        .first()
    )
    if revision is None:
        raise NotFound(_("This article has no version %(n)s.") % {"n": number})
    return revision


@router.get(
    "/knowledge/articles/{article_id}/revisions/{number}",
    response={200: RevisionDetailOut, **ERRORS},
)
def read_revision(
    request: AuthedRequest, article_id: Path[Id], number: Path[Id]
) -> ArticleRevision:
    return _revision(_article(request, article_id), number)


@router.post(
    "/knowledge/articles/{article_id}/revisions/{number}/restore",
    response={200: ArticleDetailOut, **WITH_CONFLICT},
)
def restore_revision(
    request: AuthedRequest, article_id: Path[Id], number: Path[Id], payload: RestoreIn
) -> Article:
    """Make an old version's title and text current again, as a new revision."""
    services.restore_revision(
        actor=request.user,
        article=_article(request, article_id),
        number=number,
        note=payload.note,
    )
    return _detail(request, article_id)


@router.get("/knowledge/articles/{article_id}/diff", response={200: DiffOut, **ERRORS})
def diff_revisions(
    request: AuthedRequest, article_id: Path[Id], versions: Query[DiffFilter]
) -> dict[str, Any]:
    """What changed between two versions (any order): a unified diff and side-by-side rows."""
    article = _article(request, article_id)
    a, b = sorted((versions.a, versions.b))
    old, new = _revision(article, a), _revision(article, b)
    stats = diffs.stats(old.body, new.body)
    return {
        "from_number": a,
        "to_number": b,
        "old_title": old.title,
        "new_title": new.title,
        "added": stats.added,
        "removed": stats.removed,
        "unified": diffs.unified(old.body, new.body, f"version {a}", f"version {b}"),
        "rows": diffs.side_by_side(old.body, new.body),
    }


# --- attachments ---------------------------------------------------------------------------


def _attachment(request: AuthedRequest, article_id: int, attachment_id: int) -> Attachment:
    article = _article(request, article_id)
    attachment = Attachment.objects.filter(article=article, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No attachment with id %(id)s.") % {"id": attachment_id})
    attachment.article = article
    return attachment


@router.post(
    "/knowledge/articles/{article_id}/attachments", response={201: AttachmentOut, **ERRORS}
)
def upload_attachment(
    request: AuthedRequest, article_id: Path[Id], file: File[UploadedFile]
) -> Status[Any]:
    """Attach a file (multipart field ``file``): PDF, images (PNG, JPEG, GIF, WebP), Office
    and OpenDocument files, text, CSV or Markdown, recognised by content, at most 10 MB."""
    attachment = files.add_attachment(
        actor=request.user, article=_article(request, article_id), upload=file
    )
    return Status(201, attachment)


@router.get(
    "/knowledge/articles/{article_id}/attachments/{attachment_id}",
    response={**ERRORS},
    url_name="article_attachment",
    openapi_extra=DOWNLOAD_RESPONSE,
)
def download_attachment(
    request: AuthedRequest, article_id: Path[Id], attachment_id: Path[Id]
) -> FileResponse:
    handle, name, content_type, inline = files.open_attachment(
        _attachment(request, article_id, attachment_id)
    )
    return FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)


@router.delete(
    "/knowledge/articles/{article_id}/attachments/{attachment_id}",
    response={204: None, **ERRORS},
)
def delete_attachment(
    request: AuthedRequest, article_id: Path[Id], attachment_id: Path[Id]
) -> Status[None]:
    files.delete_attachment(
        actor=request.user, attachment=_attachment(request, article_id, attachment_id)
    )
    return Status(204, None)
