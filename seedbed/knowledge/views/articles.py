"""Article pages: the list (search, filters, export), an article, write and edit with a live
preview, templates, revisions and diffs, restoring a version, verifying, re-assigning,
archiving, attachments, and "My review queue".

Every article is fetched through ``Article.objects.visible_to`` (404 outside it); what may be
changed is decided by ``services.articles.may_edit`` and the services themselves.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from seedbed.knowledge import diffs
from seedbed.knowledge.forms_articles import (
    ARTICLE_TEMPLATES,
    ArticleFilterForm,
    ArticleForm,
    AttachmentForm,
    DiffForm,
    PreviewForm,
    ReassignForm,
    owner_choices_for,
)
from seedbed.knowledge.markup import render_markdown
from seedbed.knowledge.models import Article, ArticleRevision, ArticleState, Attachment
from seedbed.knowledge.services import article_files as files
from seedbed.knowledge.services import articles as services
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest, act
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.skills.models import Skill

EXPORT_HEADERS = [
    "id",
    "title",
    "kind",
    "state",
    "visibility",
    "summary",
    "skills",
    "owner",
    "updated_at",
    "last_verified_at",
    "review_due_on",
    "may_be_out_of_date",
    "revisions",
    "url",
]


def _article(request: AuthedHttpRequest, article_id: int) -> Article:
    return get_object_or_404(
        Article.objects.visible_to(request.user).select_related("owner__team", "created_by"),
        pk=article_id,
    )


def _editable(request: AuthedHttpRequest, article_id: int) -> Article:
    article = _article(request, article_id)
    if not services.may_edit(request.user, article):
        raise PermissionDenied
    return article


def with_skills(qs: QuerySet[Article]) -> QuerySet[Article]:
    """One extra query for the skills of all listed articles."""
    return qs.prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("name"), to_attr="skill_list")
    )


def _export(request: AuthedHttpRequest, fmt: str, qs: QuerySet[Article]) -> HttpResponse:
    today = timezone.localdate()
    base = request.build_absolute_uri("/")[:-1]
    rows = (
        (
            a.pk,
            a.title,
            a.get_kind_display(),
            a.get_state_display(),
            a.get_visibility_display(),
            a.summary,
            "; ".join(s.name for s in a.skill_list),  # type: ignore[attr-defined]
            a.owner.full_name if a.owner else "",
            timezone.localtime(a.updated_at),
            timezone.localtime(a.last_verified_at) if a.last_verified_at else None,
            a.review_due_on,
            _out_of_date(a, today),
            a.revision_count,
            base + reverse("knowledge:article", args=[a.pk]),
        )
        for a in with_skills(qs.select_related("owner"))
    )
    return export_response(fmt, "articles", EXPORT_HEADERS, rows)


def _out_of_date(article: Article, today: Any) -> bool:
    return (
        article.state == ArticleState.PUBLISHED
        and article.review_due_on is not None
        and article.review_due_on < today
    )


# --- list and review queue -------------------------------------------------------------------


@login_required
@require_GET
def article_list(request: AuthedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = Article.objects.visible_to(request.user)
    form = ArticleFilterForm(request.GET or None, visible=visible)
    qs = form.apply(visible, today=today)
    if request.GET.get("export") in ("csv", "xlsx"):
        return _export(request, request.GET["export"], qs)
    page = paginate(request, with_skills(qs.select_related("owner")))
    return render(
        request,
        "knowledge/articles/list.html",
        {
            "form": form,
            "page_obj": page,
            "query": query_without_page(request),
            "today": today,
            "templates": ARTICLE_TEMPLATES.values(),
        },
    )


@login_required
@require_GET
def review_queue(request: AuthedHttpRequest) -> HttpResponse:
    """Articles I own that are overdue or due within 14 days: verify in one click, or edit."""
    today = timezone.localdate()
    qs = services.review_queue(request.user, today=today)
    if request.GET.get("export") in ("csv", "xlsx"):
        return _export(request, request.GET["export"], qs)
    return render(
        request,
        "knowledge/articles/review_queue.html",
        {
            "articles": list(with_skills(qs)[:200]),
            "today": today,
            "soon_days": services.DUE_SOON_DAYS,
        },
    )


# --- one article -------------------------------------------------------------------------


@login_required
@require_GET
def article_detail(request: AuthedHttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    may_edit = services.may_edit(request.user, article)
    today = timezone.localdate()
    ctx: dict[str, Any] = {
        "article": article,
        "skills": list(article.skills.order_by("name")),
        "attachments": list(article.attachments.select_related("uploaded_by")),
        "may_edit": may_edit,
        "out_of_date": _out_of_date(article, today),
        "today": today,
        "source_question": article.source_question,
    }
    if may_edit:
        ctx["reassign_form"] = ReassignForm(
            candidates=owner_choices_for(request.user).exclude(pk=article.owner_id or 0),
        )
        ctx["attachment_form"] = AttachmentForm()
    return render(request, "knowledge/articles/detail.html", ctx)


def _write_page(
    request: AuthedHttpRequest,
    form: ArticleForm,
    article: Article | None,
    preview: str = "",
    template_key: str = "",
) -> HttpResponse:
    return render(
        request,
        "knowledge/articles/edit.html",
        {
            "form": form,
            "article": article,
            "preview": preview,
            "templates": ARTICLE_TEMPLATES.values(),
            "template_key": template_key,
        },
    )


@login_required
def article_new(request: AuthedHttpRequest) -> HttpResponse:
    """Write an article; ``?template=lesson|howto`` prefills the text with its structure and
    ``?question=<id>`` links it to the question it came from."""
    template = ARTICLE_TEMPLATES.get(request.GET.get("template", ""))
    initial: dict[str, Any] = {
        "review_interval_days": services.DEFAULT_REVIEW_DAYS,
        "state": ArticleState.PUBLISHED,
    }
    if template is not None:
        initial.update({"kind": template.kind, "body": str(template.body)})
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if "preview" in request.POST:
            return _write_page(request, form, None, render_markdown(request.POST.get("body", "")))
        if form.is_valid():
            data = form.service_data()
            article = run_service(
                form,
                lambda: services.create_article(
                    actor=request.user,
                    title=data["title"],
                    body=data["body"],
                    kind=data["kind"],
                    summary=data["summary"],
                    skill_ids=data["skill_ids"],
                    visibility=data["visibility"],
                    state=data["state"],
                    review_interval_days=data["review_interval_days"],
                    note=form.cleaned_data["note"],
                ),
            )
            if article is not None:
                messages.success(request, _("Article saved."))
                return redirect("knowledge:article", article.pk)
    return _write_page(request, form, None, template_key=template.key if template else "")


@login_required
def article_edit(request: AuthedHttpRequest, article_id: int) -> HttpResponse:
    article = _editable(request, article_id)
    form = ArticleForm(
        request.POST or None, article=article, initial=ArticleForm.initial_for(article)
    )
    if request.method == "POST":
        if "preview" in request.POST:
            return _write_page(
                request, form, article, render_markdown(request.POST.get("body", ""))
            )
        if form.is_valid():
            data = form.service_data()
            if form.cleaned_data.get("base_revision") is not None:
                data["base_revision"] = form.cleaned_data["base_revision"]
            saved = run_service(
                form,
                lambda: services.update_article(
                    actor=request.user, article=article, data=data, note=form.cleaned_data["note"]
                ),
            )
            if saved is not None:
                messages.success(request, _("Article saved."))
                return redirect("knowledge:article", article.pk)
    return _write_page(request, form, article)


@login_required
@require_POST
def article_preview(request: AuthedHttpRequest) -> HttpResponse:
    """The editor's live preview (htmx): the Markdown rendered exactly as it will be shown."""
    form = PreviewForm(request.POST)
    if not form.is_valid():
        ctx: dict[str, Any] = {"preview_error": _("The text is too long to preview.")}
    else:
        ctx = {"preview": render_markdown(form.cleaned_data["body"])}
    return render(request, "knowledge/articles/edit.html#preview", ctx)


@login_required
@require_POST
def article_verify(request: AuthedHttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    try:
        article = services.verify_article(actor=request.user, article=article)
    except ServiceError as exc:
        if request.htmx:
            return render(
                request,
                "knowledge/articles/review_queue.html#row",
                {"a": article, "error": exc.message, "today": timezone.localdate()},
            )
        messages.error(request, exc.message)
        return redirect("knowledge:article", article.pk)
    if request.htmx:
        article.skill_list = list(article.skills.order_by("name"))  # type: ignore[attr-defined]
        return render(
            request,
            "knowledge/articles/review_queue.html#row",
            {"a": article, "verified": True, "today": timezone.localdate()},
        )
    messages.success(
        request,
        _("Verified. Next review on %(date)s.") % {"date": article.review_due_on},
    )
    if request.POST.get("next") == "queue":
        return redirect("knowledge:article_review_queue")
    return redirect("knowledge:article", article.pk)


@login_required
@require_POST
def article_archive(request: AuthedHttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    act(
        request,
        lambda: services.archive_article(actor=request.user, article=article),
        _("Article archived. Edit it to publish it again."),
    )
    return redirect("knowledge:article", article.pk)


@login_required
@require_POST
def article_reassign(request: AuthedHttpRequest, article_id: int) -> HttpResponse:
    article = _editable(request, article_id)
    form = ReassignForm(request.POST, candidates=owner_choices_for(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose the new owner from the list."))
        return redirect("knowledge:article", article.pk)
    try:
        services.reassign_owner(
            actor=request.user, article=article, owner=form.cleaned_data["owner"]
        )
        messages.success(
            request,
            _("%(name)s now owns this article.") % {"name": form.cleaned_data["owner"].full_name},
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("knowledge:article", article.pk)


# --- revisions ---------------------------------------------------------------------------


@login_required
@require_GET
def revision_list(request: AuthedHttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    revisions = article.revisions.select_related("author").only(
        "number", "title", "note", "created_at", "author__display_name", "article_id"
    )
    return render(
        request,
        "knowledge/articles/revisions.html",
        {
            "article": article,
            "page_obj": paginate(request, revisions, per_page=50),
            "query": query_without_page(request),
            "may_edit": services.may_edit(request.user, article),
        },
    )


def _revision(article: Article, number: int) -> ArticleRevision:
    return get_object_or_404(
        ArticleRevision.objects.select_related("author"), article=article, number=number
    )


@login_required
@require_GET
def revision_detail(request: AuthedHttpRequest, article_id: int, number: int) -> HttpResponse:
    article = _article(request, article_id)
    revision = _revision(article, number)
    return render(
        request,
        "knowledge/articles/revision.html",
        {
            "article": article,
            "revision": revision,
            "body_html": render_markdown(revision.body),
            "may_edit": services.may_edit(request.user, article),
        },
    )


@login_required
@require_POST
def revision_restore(request: AuthedHttpRequest, article_id: int, number: int) -> HttpResponse:
    article = _editable(request, article_id)
    try:
        services.restore_revision(actor=request.user, article=article, number=number)
        messages.success(request, _("Version %(n)d restored as a new version.") % {"n": number})
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("knowledge:article_revision", article.pk, number)
    return redirect("knowledge:article", article.pk)


@login_required
@require_GET
def revision_diff(request: AuthedHttpRequest, article_id: int) -> HttpResponse:
    """Changes between two versions (``?a=&b=``, any order), side by side or in one column."""
    article = _article(request, article_id)
    form = DiffForm(request.GET)
    if not form.is_valid():
        raise Http404
    a, b = sorted((form.cleaned_data["a"], form.cleaned_data["b"]))
    found = {
        r.number: r
        for r in ArticleRevision.objects.filter(article=article, number__in=[a, b]).select_related(
            "author"
        )
    }
    if a not in found or b not in found:
        raise Http404
    old, new = found[a], found[b]
    view = form.cleaned_data.get("view") or "split"
    return render(
        request,
        "knowledge/articles/diff.html",
        {
            "article": article,
            "old": old,
            "new": new,
            "rows": diffs.side_by_side(old.body, new.body),
            "stats": diffs.stats(old.body, new.body),
            "title_changed": old.title != new.title,
            "view": view,
            "other_view": "unified" if view == "split" else "split",
            "revision_count": article.revision_count,
        },
    )


# --- attachments -------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request: AuthedHttpRequest, article_id: int) -> HttpResponse:
    article = _editable(request, article_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            attachment = files.add_attachment(
                actor=request.user, article=article, upload=form.cleaned_data["file"]
            )
            messages.success(request, _("Attached %(name)s.") % {"name": attachment.name})
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect(reverse("knowledge:article", args=[article.pk]) + "#attachments")


def _attachment(request: AuthedHttpRequest, article_id: int, attachment_id: int) -> Attachment:
    article = _article(request, article_id)
    return get_object_or_404(
        Attachment.objects.select_related("article"), article=article, pk=attachment_id
    )


@login_required
@require_GET
def attachment_download(
    request: AuthedHttpRequest, article_id: int, attachment_id: int
) -> FileResponse:
    """The file, only to those who may read the article; images inline (so an article can
    show them), everything else as a download, with the type its content was recognised as."""
    attachment = _attachment(request, article_id, attachment_id)
    try:
        handle, name, content_type, inline = files.open_attachment(attachment)
    except ServiceError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=not inline, filename=name, content_type=content_type
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def attachment_delete(
    request: AuthedHttpRequest, article_id: int, attachment_id: int
) -> HttpResponse:
    _editable(request, article_id)
    attachment = _attachment(request, article_id, attachment_id)
    try:
        files.delete_attachment(actor=request.user, attachment=attachment)
        messages.success(request, _("Removed %(name)s.") % {"name": attachment.name})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("knowledge:article", args=[article_id]) + "#attachments")
