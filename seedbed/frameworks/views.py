"""Role pages: list, detail with requirements, edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.accounts.models import AccessLevel
from seedbed.frameworks import services
from seedbed.frameworks.forms import RequirementForm, RoleForm
from seedbed.frameworks.models import Importance, Role
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.skills.selectors import scale_levels_by_category


def _require_admin(request: AuthedHttpRequest) -> None:
    if request.user.access_level != AccessLevel.ADMIN:
        raise PermissionDenied


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
    if request.GET.get("format") in ("csv", "xlsx"):
        from seedbed.frameworks.models import RoleRequirement

        reqs = (
            RoleRequirement.objects.filter(role__in=qs)
            .select_related("role", "skill")
            .order_by("role__name", "skill__name")
        )
        rows = (
            (r.role.name, r.skill.name, r.required_level, r.get_importance_display()) for r in reqs
        )
        return export_response(
            request.GET["format"],
            "role-requirements",
            ["role", "skill", "required_level", "importance"],
            rows,
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
    return render(
        request,
        "frameworks/role_detail.html",
        {
            "role": role,
            "requirements": reqs,
            "scales": scales,
            "importances": Importance.choices,
            "form": RequirementForm(),
            "can_edit": request.user.access_level == AccessLevel.ADMIN,
            "people": role.people.filter(is_active=True).order_by("full_name")[:100],
        },
    )


@login_required
def role_edit(request: AuthedHttpRequest, role_id: int | None = None) -> HttpResponse:
    _require_admin(request)
    role = get_object_or_404(Role, pk=role_id) if role_id else None
    form = RoleForm(request.POST or None, instance=role)
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
@require_POST
def requirement_set(request: AuthedHttpRequest, role_id: int) -> HttpResponse:
    _require_admin(request)
    role = get_object_or_404(Role, pk=role_id)
    form = RequirementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a skill, a level and an importance."))
    else:
        try:
            services.set_requirement(actor=request.user, role=role, **form.cleaned_data)
            messages.success(request, _("Requirement saved."))
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect("frameworks:role_detail", role.pk)


@login_required
@require_POST
def requirement_remove(request: AuthedHttpRequest, role_id: int, skill_id: int) -> HttpResponse:
    _require_admin(request)
    role = get_object_or_404(Role, pk=role_id)
    from seedbed.skills.models import Skill

    skill = get_object_or_404(Skill, pk=skill_id)
    services.remove_requirement(actor=request.user, role=role, skill=skill)
    messages.success(request, _("%(skill)s is no longer required.") % {"skill": skill.name})
    return redirect("frameworks:role_detail", role.pk)
