"""Skills pages: my skills (self-rating), picker search, taxonomy, holders, scales."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.frameworks.models import RoleRequirement
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import form_copy, run_service
from seedbed.lib.http import AuthedHttpRequest, require_admin
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.people.models import Person
from seedbed.skills import services
from seedbed.skills.forms import CategoryForm, RateForm, ScaleForm, SkillFilterForm, SkillForm
from seedbed.skills.models import (
    PersonSkill,
    ProficiencyScale,
    Skill,
    SkillCategory,
    SkillQuerySet,
    Source,
)
from seedbed.skills.selectors import scale_levels_by_category, skill_sheet


def _own_person(request: AuthedHttpRequest) -> Person:
    person = Person.objects.filter(user=request.user).select_related("role", "team").first()
    if person is None:
        raise Http404(_("Your login is not linked to a person yet. Ask an admin to link it."))
    return person


@login_required
def my_skills(request: AuthedHttpRequest) -> HttpResponse:
    person = _own_person(request)
    scales, _default = scale_levels_by_category()
    return render(
        request,
        "skills/my_skills.html",
        {
            "person": person,
            "sheet": skill_sheet(person),
            "scales": scales,
        },
    )


@login_required
@require_POST
def rate(request: AuthedHttpRequest) -> HttpResponse:
    """Save one row of "my skills": a new self-rating when the level changed, and interest."""
    person = _own_person(request)
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a skill and a level."))
        return redirect("skills:my_skills")
    skill = form.cleaned_data["skill"]
    level = form.cleaned_data["level"]
    interest = form.cleaned_data["interest"]
    current = PersonSkill.objects.filter(person=person, skill=skill).first()
    try:
        if level is not None and (current is None or current.self_level != level):
            services.record_assertion(
                actor=request.user,
                person=person,
                skill=skill,
                level=level,
                source=Source.SELF,
                note=form.cleaned_data["note"],
            )
        if interest:
            services.set_interest(actor=request.user, person=person, skill=skill, interest=interest)
    except ServiceError as exc:
        error: str | None = exc.message
    else:
        error = None
    if request.htmx:
        sheet = skill_sheet(person)
        rows = {r["skill"].pk: r for r in sheet["required_rows"] + sheet["other_rows"]}
        scales, _d = scale_levels_by_category()
        return render(
            request,
            "skills/my_skills.html#skill-row",
            {
                "row": rows.get(skill.pk),
                "scales": scales,
                "person": person,
                "saved": error is None,
                "error": error,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved %(skill)s.") % {"skill": skill.name})
    return redirect("skills:my_skills")


@login_required
def search(request: AuthedHttpRequest) -> HttpResponse:
    """Search-as-you-type over names and aliases (the picker); JSON-free HTML fragment."""
    q = request.GET.get("q", "").strip()[:100]
    results = list(Skill.objects.active().search(q).select_related("category")[:15]) if q else []
    scales, _default = scale_levels_by_category()
    template = "skills/picker_results.html" if request.htmx else "skills/picker_page.html"
    return render(request, template, {"results": results, "q": q, "scales": scales})


@login_required
def skill_list(request: AuthedHttpRequest) -> HttpResponse:
    form = SkillFilterForm(request.GET or None)
    # Holders counted per listed skill (a correlated subquery on the skill index), not by a
    # GROUP BY over the whole taxonomy: with ESCO's 14,000 skills that grouping cost ~70 ms.
    holders = (
        PersonSkill.objects.filter(skill=OuterRef("pk"))
        .order_by()
        .values("skill")
        .annotate(n=Count("*"))
        .values("n")
    )
    qs: SkillQuerySet = (
        Skill.objects.select_related("category")
        .annotate(  # type: ignore[assignment]
            holder_count=Coalesce(Subquery(holders, output_field=IntegerField()), 0)
        )
        .order_by("name")
    )
    if form.is_valid():
        if form.cleaned_data["q"]:
            qs = qs.search(form.cleaned_data["q"])
        if form.cleaned_data["category"]:
            qs = qs.filter(category=form.cleaned_data["category"])
        if form.cleaned_data["criticality"]:
            qs = qs.filter(criticality=form.cleaned_data["criticality"])
    if request.GET.get("format") in ("csv", "xlsx"):
        rows = (
            (
                s.name,
                s.category.name,
                ", ".join(s.aliases),
                s.get_criticality_display(),
                s.external_id or "",
                s.is_active,
                s.description,
            )
            for s in qs.iterator()
        )
        return export_response(
            request.GET["format"],
            "skills",
            ["name", "category", "aliases", "criticality", "external_id", "active", "description"],
            rows,
        )
    return render(
        request,
        "skills/skill_list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "query": query_without_page(request),
        },
    )


@login_required
def skill_detail(request: AuthedHttpRequest, skill_id: int) -> HttpResponse:
    skill = get_object_or_404(Skill.objects.select_related("category"), pk=skill_id)
    holders = (
        PersonSkill.objects.visible_to(request.user)
        .filter(skill=skill, person__is_active=True)
        .select_related("person__team", "person__role")
        .order_by("-level", "person__full_name")
    )
    min_level = request.GET.get("min", "")
    if min_level.isdigit():
        holders = holders.filter(level__gte=int(min_level))
    required_by = (
        RoleRequirement.objects.filter(skill=skill).select_related("role").order_by("role__name")
    )
    scales, _default = scale_levels_by_category()
    return render(
        request,
        "skills/skill_detail.html",
        {
            "skill": skill,
            "page_obj": paginate(request, holders, 50),
            "query": query_without_page(request),
            "required_by": required_by,
            "min_level": min_level,
            "levels": scales.get(skill.category_id, scales[None]),
        },
    )


@login_required
def skill_edit(request: AuthedHttpRequest, skill_id: int | None = None) -> HttpResponse:
    require_admin(request)
    skill = get_object_or_404(Skill, pk=skill_id) if skill_id else None
    form = SkillForm(request.POST or None, instance=form_copy(skill))
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.save_skill(actor=request.user, skill=skill, data=form.service_data()),
        )
        if saved is not None:
            messages.success(request, _("Skill “%(name)s” saved.") % {"name": saved.name})
            return redirect("skills:detail", saved.pk)
    return render(
        request,
        "skills/edit.html",
        {"form": form, "object": skill, "kind": _("skill"), "back": "skills:list"},
    )


@login_required
def categories(request: AuthedHttpRequest) -> HttpResponse:
    require_admin(request)
    qs = (
        SkillCategory.objects.select_related("parent", "scale")
        .annotate(skill_count=Count("skills"))
        .order_by("name")
    )
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(name__icontains=q)
    return render(
        request,
        "skills/categories.html",
        {"page_obj": paginate(request, qs, 50), "q": q, "query": query_without_page(request)},
    )


@login_required
def category_edit(request: AuthedHttpRequest, category_id: int | None = None) -> HttpResponse:
    require_admin(request)
    category = get_object_or_404(SkillCategory, pk=category_id) if category_id else None
    form = CategoryForm(request.POST or None, instance=form_copy(category))
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.save_category(
                actor=request.user,
                category=category,
                data={f: form.cleaned_data[f] for f in CategoryForm.Meta.fields},
            ),
        )
        if saved is not None:
            messages.success(request, _("Category saved."))
            return redirect("skills:categories")
    return render(
        request,
        "skills/edit.html",
        {"form": form, "object": category, "kind": _("category"), "back": "skills:categories"},
    )


@login_required
def scales(request: AuthedHttpRequest) -> HttpResponse:
    require_admin(request)
    services.ensure_default_scale()
    qs = ProficiencyScale.objects.prefetch_related("levels").annotate(
        category_count=Count("skillcategory", distinct=True)
    )
    return render(request, "skills/scales.html", {"scales": qs})


@login_required
def scale_edit(request: AuthedHttpRequest, scale_id: int | None = None) -> HttpResponse:
    require_admin(request)
    scale = get_object_or_404(ProficiencyScale, pk=scale_id) if scale_id else None
    initial = ScaleForm.initial_for(scale) if scale else None
    form = ScaleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.save_scale(
                actor=request.user,
                scale=scale,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                levels=form.cleaned_data["levels"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Scale saved."))
            return redirect("skills:scales")
    return render(
        request,
        "skills/edit.html",
        {"form": form, "object": scale, "kind": _("proficiency scale"), "back": "skills:scales"},
    )
