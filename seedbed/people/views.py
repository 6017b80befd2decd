"""People pages: directory, profile and history, org admin, validation queue, team matrix."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.accounts.models import AccessLevel
from seedbed.knowledge.selectors import handover_panel
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import form_copy, run_service
from seedbed.lib.http import AuthedHttpRequest, require_admin, require_manager
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.people import services
from seedbed.people.forms import (
    AccessForm,
    MatrixFilterForm,
    PeopleFilterForm,
    PersonForm,
    TeamForm,
    ValidateForm,
)
from seedbed.people.models import Person, Team
from seedbed.people.selectors import matrix_table, team_matrix
from seedbed.skills.models import Assertion, PersonSkill, Skill
from seedbed.skills.selectors import scale_levels_by_category, skill_sheet
from seedbed.skills.services import validate_rating

MATRIX_PEOPLE_LIMIT = 300


# --- directory ---------------------------------------------------------------------------


@login_required
def person_list(request: AuthedHttpRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None)
    qs = Person.objects.visible_to(request.user).select_related("team", "role", "manager")
    status = "active"
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(
                Q(full_name__icontains=data["q"])
                | Q(email__icontains=data["q"])
                | Q(location__icontains=data["q"])
            )
        if data["team"]:
            qs = qs.filter(team=data["team"])
        if data["role"]:
            qs = qs.filter(role=data["role"])
        status = data["status"] or "active"
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "left":
        qs = qs.filter(is_active=False)
    if request.GET.get("format") in ("csv", "xlsx"):
        rows = (
            (
                p.full_name,
                p.email,
                p.team.name if p.team else "",
                p.role.name if p.role else "",
                p.manager.email if p.manager else "",
                p.location,
                p.timezone,
                p.languages,
                p.start_date,
                p.is_active,
            )
            for p in qs.iterator(chunk_size=1000)
        )
        return export_response(
            request.GET["format"],
            "people",
            [
                "name",
                "email",
                "team",
                "role",
                "manager_email",
                "location",
                "timezone",
                "languages",
                "start_date",
                "active",
            ],
            rows,
        )
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs),
            "query": query_without_page(request),
        },
    )


@login_required
def person_detail(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("team", "role", "manager", "user"),
        pk=person_id,
    )
    can_see_levels = Person.objects.levels_visible_to(request.user).filter(pk=person.pk).exists()
    ctx = {
        "person": person,
        "can_see_levels": can_see_levels,
        "reports": person.reports.filter(is_active=True).order_by("full_name"),
        "can_edit": request.user.access_level == AccessLevel.ADMIN,
        "can_export": request.user.access_level == AccessLevel.ADMIN
        or person.user_id == request.user.pk,
        "handover": handover_panel(request.user, person),
        "access_form": AccessForm(
            person=person,
            initial={"access_level": person.user.access_level if person.user else "employee"},
        ),
    }
    if can_see_levels:
        ctx["sheet"] = skill_sheet(person)
    return render(request, "people/person_detail.html", ctx)


@login_required
def skill_history(request: AuthedHttpRequest, person_id: int, skill_id: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.levels_visible_to(request.user), pk=person_id)
    skill = get_object_or_404(Skill.objects.select_related("category"), pk=skill_id)
    history = (
        Assertion.objects.visible_to(request.user)
        .filter(person=person, skill=skill)
        .select_related("rater")
    )
    current = PersonSkill.objects.filter(person=person, skill=skill).first()
    return render(
        request,
        "people/skill_history.html",
        {
            "person": person,
            "skill": skill,
            "page_obj": paginate(request, history, 50),
            "query": query_without_page(request),
            "current": current,
        },
    )


# --- organisation admin ------------------------------------------------------------------


@login_required
def person_edit(request: AuthedHttpRequest, person_id: int | None = None) -> HttpResponse:
    require_admin(request)
    person = (
        get_object_or_404(Person.objects.editable_by(request.user), pk=person_id)
        if person_id
        else None
    )
    form = PersonForm(request.POST or None, instance=form_copy(person))
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.save_person(
                actor=request.user,
                person=person,
                data={f: form.cleaned_data[f] for f in PersonForm.Meta.fields},
            ),
        )
        if saved is not None:
            messages.success(request, _("%(name)s saved.") % {"name": saved.full_name})
            return redirect("people:detail", saved.pk)
    return render(
        request, "people/edit.html", {"form": form, "object": person, "back": "people:list"}
    )


@login_required
@require_POST
def person_action(request: AuthedHttpRequest, person_id: int, action: str) -> HttpResponse:
    """deactivate | reactivate | erase | access — admin operations on one person."""
    person = get_object_or_404(Person.objects.editable_by(request.user), pk=person_id)
    try:
        if action == "deactivate":
            services.deactivate_person(actor=request.user, person=person)
            messages.success(
                request,
                _("%(name)s is marked as having left. Their history stays.")
                % {"name": person.full_name},
            )
        elif action == "reactivate":
            services.reactivate_person(actor=request.user, person=person)
            messages.success(request, _("%(name)s is active again.") % {"name": person.full_name})
        elif action == "erase":
            services.erase_person(actor=request.user, person=person)
            messages.success(request, _("Personal data erased."))
        elif action == "access":
            form = AccessForm(request.POST, person=person)
            if form.is_valid():
                services.link_user(
                    person=person,
                    access_level=form.cleaned_data["access_level"],
                    password=form.cleaned_data["password"] or None,
                    actor=request.user,
                )
                messages.success(request, _("Access updated."))
            else:
                messages.error(
                    request, " ".join(str(e) for errs in form.errors.values() for e in errs)
                )
        else:
            raise PermissionDenied
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("people:detail", person.pk)


@login_required
def personal_data(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Download everything held about a person as JSON (admins, or the person themselves)."""
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=person_id)
    try:
        data = services.personal_data_export(actor=request.user, person=person)
    except ServiceError as exc:
        raise PermissionDenied(exc.message) from exc
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="personal-data-{person.pk}.json"'
    return response


@login_required
def team_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = (
        Team.objects.select_related("parent")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name")
    )
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(name__icontains=q)
    if request.GET.get("format") in ("csv", "xlsx"):
        rows = (
            (t.name, t.parent.name if t.parent else "", t.member_count, t.description) for t in qs
        )
        return export_response(
            request.GET["format"],
            "teams",
            ["name", "parent", "active_members", "description"],
            rows,
        )
    return render(
        request,
        "people/team_list.html",
        {"page_obj": paginate(request, qs, 50), "q": q, "query": query_without_page(request)},
    )


@login_required
def team_edit(request: AuthedHttpRequest, team_id: int | None = None) -> HttpResponse:
    require_admin(request)
    team = get_object_or_404(Team, pk=team_id) if team_id else None
    form = TeamForm(request.POST or None, instance=form_copy(team))
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.save_team(
                actor=request.user,
                team=team,
                data={f: form.cleaned_data[f] for f in TeamForm.Meta.fields},
            ),
        )
        if saved is not None:
            messages.success(request, _("Team saved."))
            return redirect("people:teams")
    return render(
        request, "people/edit.html", {"form": form, "object": team, "back": "people:teams"}
    )


# --- manager tools -----------------------------------------------------------------------


@login_required
def validation_queue(request: AuthedHttpRequest) -> HttpResponse:
    require_manager(request)
    qs = (
        PersonSkill.objects.pending_for(request.user)
        .select_related("person__role", "person__team", "skill__category", "pending_assertion")
        .order_by("person__full_name", "skill__name")
    )
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(person__full_name__icontains=q) | Q(skill__name__icontains=q))
    page = paginate(request, qs, 50)
    required = _required_levels(list(page.object_list))
    scales, _default = scale_levels_by_category()
    rows = [{"ps": ps, "required": required.get((ps.person.role_id, ps.skill_id))} for ps in page]
    return render(
        request,
        "people/validation.html",
        {
            "page_obj": page,
            "rows": rows,
            "q": q,
            "query": query_without_page(request),
            "scales": scales,
        },
    )


def _required_levels(items: list[PersonSkill]) -> dict[tuple[int | None, int], int]:
    from seedbed.frameworks.models import RoleRequirement

    role_ids = {ps.person.role_id for ps in items if ps.person.role_id}
    skill_ids = {ps.skill_id for ps in items}
    return {
        (r, s): lvl
        for r, s, lvl in RoleRequirement.objects.filter(
            role_id__in=role_ids, skill_id__in=skill_ids
        ).values_list("role_id", "skill_id", "required_level")
    }


@login_required
@require_POST
def validate(request: AuthedHttpRequest, ps_id: int) -> HttpResponse:
    require_manager(request)
    ps = get_object_or_404(
        PersonSkill.objects.pending_for(request.user).select_related("person", "skill"), pk=ps_id
    )
    form = ValidateForm(request.POST)
    error = None
    if not form.is_valid():
        error = _("Choose accept, or adjust with a level and a note.")
    else:
        level = form.cleaned_data["level"] if form.cleaned_data["action"] == "adjust" else None
        try:
            validate_rating(
                actor=request.user, person_skill=ps, level=level, note=form.cleaned_data["note"]
            )
        except ServiceError as exc:
            error = exc.message
    if request.htmx:
        if error:
            scales, _default = scale_levels_by_category()
            row = {
                "ps": ps,
                "required": _required_levels([ps]).get((ps.person.role_id, ps.skill_id)),
            }
            # 200 so htmx swaps the row with its error message in place.
            return render(
                request,
                "people/validation.html#queue-row",
                {"error": error, "row": row, "scales": scales},
            )
        ps.refresh_from_db()
        return render(request, "people/validation.html#row-done", {"ps": ps})
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("%(skill)s of %(name)s validated.")
            % {"skill": ps.skill.name, "name": ps.person.full_name},
        )
    return redirect("people:validation")


@login_required
def matrix(request: AuthedHttpRequest) -> HttpResponse:
    require_manager(request)
    form = MatrixFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    team_id = params["team"].pk if params.get("team") else None
    if (
        team_id is None
        and request.user.access_level == AccessLevel.ADMIN
        and "team" not in request.GET
    ):
        # An admin sees the whole organisation; start on one team so the page stays readable.
        team_id = Team.objects.order_by("name").values_list("pk", flat=True).first()
    m = team_matrix(
        request.user,
        team_id=team_id,
        category_id=params.get("category"),
        sort=params.get("sort") or "name",
        q=params.get("q") or "",
        people_limit=MATRIX_PEOPLE_LIMIT,
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        headers, rows = matrix_table(m)
        return export_response(fmt, "skills-matrix", headers, rows)
    sort = params.get("sort") or "name"
    sort_skill = next((s for s in m.skills if sort == f"skill:{s['id']}"), None)
    sort_params = request.GET.copy()
    for key in ("sort", "page", "format"):
        sort_params.pop(key, None)
    return render(
        request,
        "people/matrix.html",
        {
            "m": m,
            "form": form,
            "sort_skill": sort_skill,
            "sort_query": sort_params.urlencode() + "&" if sort_params else "",
            "query": query_without_page(request),
            "sort": params.get("sort") or "name",
            "category": params.get("category"),
            "teams": Team.objects.all() if request.user.access_level == AccessLevel.ADMIN else None,
            "team_id": team_id,
            "truncated": len(m.people) >= MATRIX_PEOPLE_LIMIT,
        },
    )
