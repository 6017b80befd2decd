"""Role pages: list, detail with requirements and career path, compare, readiness; strategic
needs; sector templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.accounts.models import AccessLevel
from seedbed.frameworks import services
from seedbed.frameworks.forms import (
    CompareForm,
    NeedFilterForm,
    NeedForm,
    NextRolesForm,
    ReadinessRoleForm,
    RequirementForm,
    RoleForm,
    TargetRoleForm,
)
from seedbed.frameworks.models import Importance, Role, RoleRequirement, StrategicNeed
from seedbed.frameworks.selectors import compare_roles, need_rows, visible_needs
from seedbed.gaps.selectors import person_readiness
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest, require_admin
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.people.models import Person
from seedbed.skills.models import Skill
from seedbed.skills.selectors import scale_levels_by_category


def _is_admin(request: AuthedHttpRequest) -> bool:
    return request.user.access_level == AccessLevel.ADMIN


def _export_format(request: AuthedHttpRequest) -> str | None:
    fmt = request.GET.get("format")
    return fmt if fmt in ("csv", "xlsx") else None


# --- roles ---------------------------------------------------------------------------------


@login_required
def role_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = Role.objects.annotate(
        requirement_count=Count("requirements", distinct=True),
        people_count=Count("people", filter=Q(people__is_active=True), distinct=True),
    ).order_by("name")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if request.GET.get("active") != "all":
        qs = qs.filter(is_active=True)
    if fmt := _export_format(request):
        reqs = (
            RoleRequirement.objects.filter(role__in=qs)
            .select_related("role", "skill")
            .order_by("role__name", "skill__name")
        )
        rows = (
            (r.role.name, r.skill.name, r.required_level, r.get_importance_display()) for r in reqs
        )
        return export_response(
            fmt, "role-requirements", ["role", "skill", "required_level", "importance"], rows
        )
    return render(
        request,
        "frameworks/role_list.html",
        {
            "page_obj": paginate(request, qs),
            "q": q,
            "query": query_without_page(request),
            "show_all": request.GET.get("active") == "all",
        },
    )


@login_required
def role_detail(request: AuthedHttpRequest, role_id: int) -> HttpResponse:
    role = get_object_or_404(Role, pk=role_id)
    reqs = role.requirements.select_related("skill__category").order_by(
        "-importance", "skill__name"
    )
    scales, _default = scale_levels_by_category()
    next_roles = list(role.next_roles.order_by("name"))
    me = Person.objects.filter(user=request.user, is_active=True).first()
    return render(
        request,
        "frameworks/role_detail.html",
        {
            "role": role,
            "requirements": reqs,
            "scales": scales,
            "importances": Importance.choices,
            "can_edit": _is_admin(request),
            "people": role.people.filter(is_active=True).order_by("full_name")[:100],
            "next_roles": next_roles,
            "previous_roles": role.previous_roles.order_by("name"),
            "next_form": NextRolesForm(role=role, initial={"next_roles": next_roles}),
            "other_roles": Role.objects.exclude(pk=role.pk).order_by("name"),
            "me": me,
            "my_readiness": person_readiness(me, role) if me is not None else None,
        },
    )


@login_required
def role_edit(request: AuthedHttpRequest, role_id: int | None = None) -> HttpResponse:
    require_admin(request)
    role = get_object_or_404(Role, pk=role_id) if role_id else None
    # The form works on a copy: the service compares the stored role with the new data.
    form = RoleForm(request.POST or None, instance=Role.objects.get(pk=role.pk) if role else None)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.save_role(
                actor=request.user,
                role=role,
                data={f: form.cleaned_data[f] for f in RoleForm.Meta.fields},
            ),
        )
        if saved is not None:
            messages.success(request, _("Role saved."))
            return redirect("frameworks:role_detail", saved.pk)
    return render(
        request, "people/edit.html", {"form": form, "object": role, "back": "frameworks:roles"}
    )


@login_required
def requirement_picker(request: AuthedHttpRequest, role_id: int) -> HttpResponse:
    """Search-as-you-type for a skill to require (names and aliases); each result is a small
    form with the levels of that skill's scale. A page without JavaScript, a fragment for
    htmx."""
    require_admin(request)
    role = get_object_or_404(Role, pk=role_id)
    q = request.GET.get("q", "").strip()[:100]
    results = list(Skill.objects.active().search(q).select_related("category")[:15]) if q else []
    required = set(role.requirements.filter(skill__in=results).values_list("skill_id", flat=True))
    scales, _default = scale_levels_by_category()
    ctx = {
        "role": role,
        "q": q,
        "results": results,
        "required_ids": required,
        "scales": scales,
        "importances": Importance.choices,
        "default_importance": Importance.IMPORTANT,
    }
    if request.htmx:
        return render(request, "frameworks/requirement_picker.html#results", ctx)
    return render(request, "frameworks/requirement_picker.html", ctx)


@login_required
@require_POST
def requirement_set(request: AuthedHttpRequest, role_id: int) -> HttpResponse:
    require_admin(request)
    role = get_object_or_404(Role, pk=role_id)
    form = RequirementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a skill, a level and an importance."))
    else:
        try:
            services.set_requirement(actor=request.user, role=role, **form.cleaned_data)
            messages.success(
                request,
                _("%(skill)s is required at level %(level)s.")
                % {
                    "skill": form.cleaned_data["skill"].name,
                    "level": form.cleaned_data["required_level"],
                },
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect("frameworks:role_detail", role.pk)


@login_required
@require_POST
def requirement_remove(request: AuthedHttpRequest, role_id: int, skill_id: int) -> HttpResponse:
    require_admin(request)
    role = get_object_or_404(Role, pk=role_id)
    skill = get_object_or_404(Skill, pk=skill_id)
    services.remove_requirement(actor=request.user, role=role, skill=skill)
    messages.success(request, _("%(skill)s is no longer required.") % {"skill": skill.name})
    return redirect("frameworks:role_detail", role.pk)


@login_required
@require_POST
def next_roles_set(request: AuthedHttpRequest, role_id: int) -> HttpResponse:
    require_admin(request)
    role = get_object_or_404(Role, pk=role_id)
    form = NextRolesForm(request.POST, role=role)
    if not form.is_valid():
        messages.error(request, _("Choose active roles other than this one."))
    else:
        try:
            services.set_next_roles(
                actor=request.user, role=role, next_roles=form.cleaned_data["next_roles"]
            )
            messages.success(request, _("Career path saved."))
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect("frameworks:role_detail", role.pk)


@login_required
def role_compare(request: AuthedHttpRequest) -> HttpResponse:
    """Two roles side by side: required levels, skills only one requires, level differences."""
    form = CompareForm(request.GET or None)
    comparison = (
        compare_roles(form.cleaned_data["a"], form.cleaned_data["b"]) if (form.is_valid()) else None
    )
    if comparison is not None and (fmt := _export_format(request)):
        rows = (
            (
                r.category,
                r.skill_name,
                r.level_a,
                r.importance_a,
                r.level_b,
                r.importance_b,
                r.difference,
                {"both": "both", "a": "only A", "b": "only B"}[r.where],
            )
            for r in comparison.rows
        )
        return export_response(
            fmt,
            "role-comparison",
            [
                "category",
                "skill",
                f"level: {comparison.a.name}",
                f"importance: {comparison.a.name}",
                f"level: {comparison.b.name}",
                f"importance: {comparison.b.name}",
                "difference (B − A)",
                "required by",
            ],
            rows,
        )
    return render(
        request,
        "frameworks/role_compare.html",
        {
            "form": form,
            "comparison": comparison,
            "query": request.GET.urlencode(),
            "importances": dict(Importance.choices),
        },
    )


# --- career paths --------------------------------------------------------------------------


@login_required
def readiness(request: AuthedHttpRequest, role_id: int, person_id: int) -> HttpResponse:
    """How ready a person is for a role, with what is missing: for them, their managers and
    anyone else allowed to see their levels (everyone else gets 404)."""
    person = get_object_or_404(
        Person.objects.levels_visible_to(request.user).select_related("role", "target_role"),
        pk=person_id,
    )
    role = get_object_or_404(Role, pk=role_id)
    return render(
        request,
        "frameworks/readiness.html",
        {
            "person": person,
            "role": role,
            "readiness": person_readiness(person, role),
            "role_form": ReadinessRoleForm(initial={"role": role.pk}),
            "importances": dict(Importance.choices),
        },
    )


@login_required
def readiness_pick(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """The "check another role" form of the readiness page: go to that role's readiness."""
    person = get_object_or_404(Person.objects.levels_visible_to(request.user), pk=person_id)
    form = ReadinessRoleForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose an active role."))
        return redirect("people:detail", person.pk)
    return redirect("frameworks:readiness", form.cleaned_data["role"].pk, person.pk)


@login_required
@require_POST
def target_role_set(request: AuthedHttpRequest) -> HttpResponse:
    """Pick (or clear) the role I am working towards, from "My skills"."""
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise PermissionDenied
    form = TargetRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an active role."))
    else:
        try:
            services.set_target_role(
                actor=request.user, person=person, role=form.cleaned_data["role"]
            )
            messages.success(request, _("Target role saved."))
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect(reverse("skills:my_skills") + "#career-h")


# --- strategic capability needs ------------------------------------------------------------


@login_required
def need_list(request: AuthedHttpRequest) -> HttpResponse:
    form = NeedFilterForm(request.GET or None)
    filters: dict[str, Any] = {"status": "open", "priority": None, "skill_text": ""}
    if form.is_valid():
        filters = {
            "status": form.cleaned_data["status"],
            "priority": form.cleaned_data["priority"],
            "skill_text": form.cleaned_data["q"],
        }
    rows = need_rows(request.user, **filters)
    if fmt := _export_format(request):
        return export_response(
            fmt,
            "strategic-needs",
            [
                "skill",
                "level",
                "people_needed",
                "needed_by",
                "priority",
                "owner",
                "goal",
                "have",
                "close",
                "shortfall",
                "active",
            ],
            (
                (
                    r.need.skill.name,
                    r.need.level,
                    r.need.headcount,
                    r.need.due_date,
                    r.need.get_priority_display(),
                    r.need.owner.full_name if r.need.owner else "",
                    r.need.goal,
                    r.have,
                    r.close,
                    r.shortfall,
                    r.need.is_active,
                )
                for r in rows
            ),
        )
    return render(
        request,
        "frameworks/need_list.html",
        {
            "form": form,
            "page_obj": paginate(request, rows),
            "query": query_without_page(request),
            "can_edit": _is_admin(request),
        },
    )


@login_required
def need_edit(request: AuthedHttpRequest, need_id: int | None = None) -> HttpResponse:
    """Create or change a need (admins). The skill is chosen first with a search (``?q=``),
    then the figures; ``?choose=1`` goes back to the search."""
    require_admin(request)
    need = get_object_or_404(visible_needs(request.user), pk=need_id) if need_id else None
    skill_id = request.POST.get("skill") or request.GET.get("skill")
    skill = (
        Skill.objects.filter(pk=int(skill_id)).first()
        if skill_id and skill_id.isdigit()
        else (need.skill if need else None)
    )
    if skill is None or "choose" in request.GET:
        q = request.GET.get("q", "").strip()[:100]
        results = (
            list(Skill.objects.active().search(q).select_related("category")[:15]) if q else []
        )
        return render(
            request,
            "frameworks/need_skill.html",
            {"need": need, "q": q, "results": results},
        )
    form = NeedForm(
        request.POST or None,
        instance=StrategicNeed.objects.get(pk=need.pk) if need else None,
        initial={"skill": skill.pk},
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.save_need(
                actor=request.user,
                need=need,
                data={f: form.cleaned_data[f] for f in NeedForm.Meta.fields},
            ),
        )
        if saved is not None:
            messages.success(request, _("Need saved."))
            return redirect(reverse("frameworks:needs") + "?status=all")
    levels = scale_levels_by_category()[0]
    return render(
        request,
        "frameworks/need_edit.html",
        {"form": form, "need": need, "skill": skill, "levels": levels.get(skill.category_id, [])},
    )


@login_required
@require_POST
def need_action(request: AuthedHttpRequest, need_id: int, action: str) -> HttpResponse:
    """archive | reopen (admins)."""
    require_admin(request)
    need = get_object_or_404(visible_needs(request.user), pk=need_id)
    try:
        if action == "archive":
            services.archive_need(actor=request.user, need=need)
            messages.success(request, _("Need archived."))
        elif action == "reopen":
            services.save_need(actor=request.user, need=need, data={"is_active": True})
            messages.success(request, _("Need reopened."))
        else:
            raise PermissionDenied
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("frameworks:needs") + "?status=all")


# --- sector templates ----------------------------------------------------------------------


@login_required
def template_list(request: AuthedHttpRequest) -> HttpResponse:
    require_admin(request)
    return render(
        request,
        "frameworks/template_list.html",
        {"summaries": services.template_summaries(actor=request.user)},
    )


@login_required
def template_preview(request: AuthedHttpRequest, name: str) -> HttpResponse:
    require_admin(request)
    try:
        plan = services.preview_template(name, actor=request.user)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    return render(request, "frameworks/template_preview.html", {"plan": plan})


@login_required
@require_POST
def template_apply(request: AuthedHttpRequest, name: str) -> HttpResponse:
    require_admin(request)
    try:
        plan = services.apply_template(actor=request.user, name=name)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("frameworks:templates")
    if plan.change_count == 0:
        messages.info(request, _("Nothing to do: this template is already applied."))
    else:
        messages.success(
            request,
            _(
                "Template applied: %(skills)s skills and %(roles)s roles created, "
                "%(merged)s skills and %(mroles)s roles merged."
            )
            % {
                "skills": len(plan.new_skills),
                "roles": len(plan.new_roles),
                "merged": len(plan.merged_skills),
                "mroles": len(plan.merged_roles),
            },
        )
    return redirect("frameworks:template_preview", name)
