"""Role and career paths (everyone reads, HR edits the steps), and personal learning plans:
"Plan my learning" (target, objective, budget, formats) → the proposal with its reasons →
accept. Every change goes through ``seedbed.learning.services.paths``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from seedbed.accounts.models import AccessLevel
from seedbed.frameworks.models import Role
from seedbed.learning.models import Format, LearningItem, LearningPath, PlanStatus
from seedbed.learning.services import paths as services
from seedbed.learning.services.catalogue import resolve_skill_levels
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest
from seedbed.lib.listing import paginate, query_without_page
from seedbed.people.models import Person

# --- forms (HTML input only; the services check the rules) -----------------------------------


class PathForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    role = forms.ModelChoiceField(
        Role.objects.filter(is_active=True).order_by("name"),
        label=gettext_lazy("Leads to role"),
        required=False,
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea, required=False, max_length=5000
    )


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("add", "up", "down", "remove")])
    item = forms.ModelChoiceField(LearningItem.objects.all())


class PathPersonForm(forms.Form):
    person = forms.ModelChoiceField(
        Person.objects.none(), label=gettext_lazy("Show progress of"), required=False
    )

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


TARGET_LABELS = {
    "current_role": gettext_lazy("My current role"),
    "target_role": gettext_lazy("My target role"),
    "skills": gettext_lazy("Chosen skills"),
}


class PlanForm(forms.Form):
    target = forms.ChoiceField(
        label=gettext_lazy("Plan towards"), widget=forms.RadioSelect, choices=()
    )
    skills = forms.CharField(
        label=gettext_lazy("Chosen skills and levels"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy(
            "For “chosen skills”: name:level, separated by semicolons, e.g. Kubernetes:4; Docker:3."
        ),
    )
    objective = forms.ChoiceField(
        label=gettext_lazy("Keep as small as possible"),
        widget=forms.RadioSelect,
        choices=[("time", gettext_lazy("Total time")), ("cost", gettext_lazy("Total cost"))],
        initial="time",
    )
    budget = forms.DecimalField(
        label=gettext_lazy("Budget (optional)"),
        required=False,
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        help_text=gettext_lazy("The most the items may cost together."),
    )
    formats = forms.MultipleChoiceField(
        label=gettext_lazy("Formats"),
        choices=Format.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(Format.values),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        if person.role_id:
            choices.append(("current_role", f"{TARGET_LABELS['current_role']}: {person.role}"))
        if person.target_role_id:
            choices.append(("target_role", f"{TARGET_LABELS['target_role']}: {person.target_role}"))
        choices.append(("skills", str(TARGET_LABELS["skills"])))
        self.fields["target"].choices = choices  # type: ignore[attr-defined]
        self.fields["target"].initial = choices[0][0]

    def chosen_target(self) -> services.Target:
        kind = self.cleaned_data["target"]
        if kind != "skills":
            return services.Target(kind)
        return services.Target("skills", tuple(resolve_skill_levels(self.cleaned_data["skills"])))


# --- helpers -------------------------------------------------------------------------------


def _is_admin(request: AuthedHttpRequest) -> bool:
    return request.user.access_level == AccessLevel.ADMIN


def _require_admin(request: AuthedHttpRequest) -> None:
    if not _is_admin(request):
        raise PermissionDenied


def _paths() -> QuerySet[LearningPath]:
    zero = Value(Decimal(0), output_field=DecimalField())
    return LearningPath.objects.select_related("role").annotate(
        step_count=Count("steps", distinct=True),
        hours=Coalesce(Sum("steps__item__duration_hours"), zero),
        cost=Coalesce(Sum("steps__item__cost"), zero),
    )


# --- role and career paths -----------------------------------------------------------------


@login_required
def path_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = _paths().order_by("name")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(role__name__icontains=q))
    return render(
        request,
        "learning/path_list.html",
        {
            "page_obj": paginate(request, qs),
            "q": q,
            "query": query_without_page(request),
            "can_edit": _is_admin(request),
        },
    )


@login_required
def path_edit(request: AuthedHttpRequest, path_id: int | None = None) -> HttpResponse:
    _require_admin(request)
    path = get_object_or_404(LearningPath, pk=path_id) if path_id else None
    initial = (
        {"name": path.name, "role": path.role_id, "description": path.description} if path else {}
    )
    form = PathForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.save_path(actor=request.user, path=path, data=form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, _("Learning path saved."))
            return redirect("learning:path_detail", saved.pk)
    return render(request, "learning/path_edit.html", {"form": form, "path": path})


@login_required
def path_detail(request: AuthedHttpRequest, path_id: int) -> HttpResponse:
    path = get_object_or_404(LearningPath.objects.select_related("role"), pk=path_id)
    visible = Person.objects.levels_visible_to(request.user).filter(is_active=True)
    me = Person.objects.filter(user=request.user).first()
    person_form = PathPersonForm(
        initial={"person": me.pk if me else None},
        people=visible.filter(
            pk__in=Person.objects.reporting_line_of(request.user).values("pk")
        ).order_by("full_name"),
    )
    person: Person | None = me
    raw = request.GET.get("person", "")
    if raw:
        person = visible.filter(pk=int(raw)).first() if raw.isdigit() else None
        if person is None:
            raise Http404(_("No such person."))
        person_form = PathPersonForm(
            initial={"person": person.pk},
            people=visible.filter(
                Q(pk=person.pk) | Q(pk__in=Person.objects.reporting_line_of(request.user))
            ).order_by("full_name"),
        )
    q = request.GET.get("q", "").strip()[:100]
    can_edit = _is_admin(request)
    results: list[LearningItem] = []
    if can_edit and q:
        on_path = path.steps.values("item_id")
        results = list(
            LearningItem.objects.active().search(q).exclude(pk__in=on_path).order_by("title")[:15]
        )
    return render(
        request,
        "learning/path_detail.html",
        {
            "view": services.path_view(path, person),
            "path": path,
            "person_form": person_form,
            "can_edit": can_edit,
            "q": q,
            "results": results,
            "is_me": person is not None and me is not None and person.pk == me.pk,
        },
    )


@login_required
@require_POST
def path_steps(request: AuthedHttpRequest, path_id: int) -> HttpResponse:
    """add | up | down | remove one item; the service checks the new order as a whole."""
    _require_admin(request)
    path = get_object_or_404(LearningPath, pk=path_id)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an item and what to do with it."))
        return redirect("learning:path_detail", path.pk)
    action, item = form.cleaned_data["action"], form.cleaned_data["item"]
    items = [s.item for s in path.steps.select_related("item").order_by("position")]
    ids = [it.pk for it in items]
    if action == "add":
        items.append(item)
    elif item.pk not in ids:
        messages.error(request, _("That item is not on this path."))
        return redirect("learning:path_detail", path.pk)
    else:
        k = ids.index(item.pk)
        if action == "remove":
            items.pop(k)
        elif action == "up" and k > 0:
            items[k - 1], items[k] = items[k], items[k - 1]
        elif action == "down" and k < len(items) - 1:
            items[k + 1], items[k] = items[k], items[k + 1]
    try:
        services.set_path_steps(actor=request.user, path=path, items=items)
        messages.success(request, _("Path steps saved."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("learning:path_detail", args=[path.pk]) + "#steps-h")


@login_required
@require_POST
def path_delete(request: AuthedHttpRequest, path_id: int) -> HttpResponse:
    _require_admin(request)
    path = get_object_or_404(LearningPath, pk=path_id)
    services.delete_path(actor=request.user, path=path)
    messages.success(request, _("Learning path deleted."))
    return redirect("learning:paths")


# --- personal learning plans ---------------------------------------------------------------


@login_required
def plan_mine(request: AuthedHttpRequest) -> HttpResponse:
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise Http404(_("Your login is not linked to a person in the organisation."))
    return redirect("learning:plan_new", person.pk)


@login_required
def plan_new(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """The "Plan my learning" form and the person's plans; a POST saves a proposal and shows
    it. For the person, their managers and HR only (everyone else gets 404)."""
    person = get_object_or_404(
        services.people_planned_by(request.user).select_related("role", "target_role"),
        pk=person_id,
    )
    initial: dict[str, Any] = {}
    if request.GET.get("target") in services.TARGET_KINDS:
        initial["target"] = request.GET["target"]
    form = PlanForm(request.POST or None, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        plan = run_service(
            form,
            lambda: services.create_proposal(
                actor=request.user,
                person=person,
                target=form.chosen_target(),
                objective=form.cleaned_data["objective"],
                budget=form.cleaned_data["budget"],
                formats=form.cleaned_data["formats"],
            ),
        )
        if plan is not None:
            return redirect("learning:plan_detail", plan.pk)
    plans = person.learning_plans.select_related("target_role").annotate(item_count=Count("items"))
    return render(
        request,
        "learning/plan_new.html",
        {
            "person": person,
            "form": form,
            "plans": plans.order_by("-created_at")[:50],
            "languages": sorted(services.person_languages(person)),
            "is_me": person.user_id == request.user.pk,
        },
    )


def _plan(request: AuthedHttpRequest, plan_id: int) -> Any:
    try:
        return services.get_plan(request.user, plan_id)
    except ServiceError as exc:
        raise Http404(exc.message) from None


@login_required
def plan_detail(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    return render(
        request,
        "learning/plan_detail.html",
        {
            "view": services.plan_view(plan, actor=request.user),
            "plan": plan,
            "is_me": plan.person.user_id == request.user.pk,
            "proposed": plan.status == PlanStatus.PROPOSED,
        },
    )


@login_required
@require_POST
def plan_accept(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    try:
        result = services.accept_plan(actor=request.user, plan=plan)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("learning:plan_detail", plan.pk)
    messages.success(
        request,
        _("Plan accepted: enrolled in %(n)s of %(total)s items.")
        % {"n": len(result.enrolled), "total": len(result.enrolled) + len(result.not_enrolled)},
    )
    for item, why in result.not_enrolled:
        messages.warning(request, _("%(item)s: %(why)s") % {"item": item.title, "why": why})
    return redirect("learning:plan_detail", plan.pk)
