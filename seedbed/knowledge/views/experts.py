"""Expert finder pages: "Who knows…" (search, filters, ranked and explained results, paging,
export), the skill suggestions under its query box, and the admin's finder settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from seedbed.knowledge.experts import MAX_LIMIT, ExpertPage, ExpertResult, find_experts
from seedbed.knowledge.forms_experts import ExpertSearchForm, FinderSettingsForm
from seedbed.knowledge.models import FinderSettings
from seedbed.knowledge.services.finder import update_finder_settings
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest, require_admin
from seedbed.lib.listing import query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.skills.models import Skill

PER_PAGE = 20
EXPORT_HEADERS = [
    "rank",
    "name",
    "team",
    "location",
    "score",
    "explanation",
    "level",
    "level_validated",
    "certificates",
    "articles",
    "accepted_answers",
    "up_votes",
    "mentoring",
    "last_active",
    "available",
    "link",
]


def _search(
    request: AuthedHttpRequest, form: ExpertSearchForm, *, limit: int, offset: int
) -> ExpertPage:
    data = form.cleaned_data
    return find_experts(
        viewer=request.user,
        skill_ids=[data["skill"].pk] if data["skill"] else [],
        query=data["q"],
        team_id=data["team"].pk if data["team"] else None,
        location=data["location"],
        language=data["language"],
        available_only=data["available"],
        limit=limit,
        offset=offset,
    )


def _link(name: str, pk: int) -> str | None:
    """A page of another knowledge area, if that area has it (links degrade, never break)."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def _row(result: ExpertResult) -> dict[str, Any]:
    ev = result.evidence
    return {
        "result": result,
        "articles": [
            {**a, "url": _link("knowledge:article", a["id"])} for a in ev["articles_list"]
        ],
        "answered": [
            {**q, "url": _link("knowledge:question", q["id"])} for q in ev["answered_list"]
        ],
    }


def _page_number(request: AuthedHttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10**6 else 1


@login_required
def finder(request: AuthedHttpRequest) -> HttpResponse:
    """Who knows…: ranked people with the evidence behind each rank; CSV/XLSX export."""
    form = ExpertSearchForm(request.GET or None)
    ctx: dict[str, Any] = {"form": form, "query": query_without_page(request)}
    if form.has_query():
        fmt = request.GET.get("format")
        if fmt in ("csv", "xlsx"):
            return _export(request, form, fmt)
        number = _page_number(request)
        found = _search(request, form, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
        if found.total and (number - 1) * PER_PAGE >= found.total:
            number = (found.total - 1) // PER_PAGE + 1
            found = _search(request, form, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
        rows = [_row(r) for r in found.results]
        offset = (number - 1) * PER_PAGE
        # Page links from the total alone (a range is cheap to count and slice); the rows
        # of this page were scored by find_experts above.
        page_obj = Paginator(range(found.total), PER_PAGE).get_page(number)
        ctx.update(
            {
                "found": found,
                "rows": rows,
                "page_obj": page_obj,
                "first_rank": offset + 1,
            }
        )
    template = "knowledge/experts/finder.html"
    if request.htmx and request.htmx.target == "expert-results":
        template += "#results"
    return render(request, template, ctx)


def _export(request: AuthedHttpRequest, form: ExpertSearchForm, fmt: str) -> HttpResponse:
    found = _search(request, form, limit=MAX_LIMIT, offset=0)
    base = request.build_absolute_uri("/").rstrip("/")
    rows = []
    for rank, r in enumerate(found.results, start=1):
        ev, person = r.evidence, r.person
        level = ev["level"] or {}
        rows.append(
            (
                rank,
                person.full_name,
                person.team.name if person.team else "",
                person.location,
                r.score,
                r.explanation.replace("\xa0", " "),
                level.get("level"),
                level.get("validated", ""),
                ev["certification"],
                ev["articles"],
                ev["accepted_answers"],
                ev["votes"],
                ev["mentoring"],
                ev["last_active"],
                ev["available"],
                base + reverse("people:detail", args=[person.pk]),
            )
        )
    return export_response(fmt, "experts", EXPORT_HEADERS, rows)


@login_required
def skill_suggestions(request: AuthedHttpRequest) -> HttpResponse:
    """Skills matching what is typed in the query box (an htmx fragment; a page without JS)."""
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    skills = list(Skill.objects.active().search(q).select_related("category")[:8]) if q else []
    template = "knowledge/experts/suggestions.html"
    if not request.htmx:
        template = "knowledge/experts/suggestions_page.html"
    return render(request, template, {"skills": skills, "q": q})


@login_required
def finder_settings(request: AuthedHttpRequest) -> HttpResponse:
    """The finder's weights (each with what it means) and the question-routing caps."""
    require_admin(request)
    current = FinderSettings.load()
    form = FinderSettingsForm(
        request.POST or None, initial=FinderSettingsForm.initial_from(current)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: update_finder_settings(
                actor=request.user,
                weights=form.weights(),
                experts_per_question=data["experts_per_question"],
                max_notifications_per_week=data["max_notifications_per_week"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Expert finder settings saved."))
            return redirect("knowledge:finder_settings")
    return render(request, "knowledge/experts/settings.html", {"form": form, "settings": current})
