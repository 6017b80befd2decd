"""Development-plan pages: one's own plans, the plans of one's reporting line (overdue reviews,
stalled goals), a person's plans, a plan with its goals and reviews, goal forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.accounts.models import AccessLevel
from seedbed.certifications.selectors import people_in_scope
from seedbed.development import selectors, services
from seedbed.development.forms import AgreeForm, GoalForm, PlanFilterForm, PlanForm, ReviewForm
from seedbed.development.models import DevelopmentPlan, Goal, PlanState
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest, act
from seedbed.lib.listing import paginate, query_without_page
from seedbed.people.models import Person


def _plan(request: AuthedHttpRequest, plan_id: int) -> DevelopmentPlan:
    return get_object_or_404(
        DevelopmentPlan.objects.visible_to(request.user).select_related(
            "person__role", "person__target_role", "agreed_by"
        ),
        pk=plan_id,
    )


def _goal(request: AuthedHttpRequest, goal_id: int) -> Goal:
    return get_object_or_404(
        Goal.objects.filter(
            plan__in=DevelopmentPlan.objects.visible_to(request.user)
        ).select_related("plan__person", "skill"),
        pk=goal_id,
    )


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    """My plans; for managers and HR also the plans of the people they lead."""
    user = request.user
    me = Person.objects.filter(user=user).first()
    mine = list(selectors.plans_for(user).filter(person=me)) if me is not None else []
    ctx: dict[str, object] = {"me": me, "mine": mine, "plan_form": PlanForm()}
    if user.access_level in (AccessLevel.MANAGER, AccessLevel.ADMIN):
        today = timezone.localdate()
        form = PlanFilterForm(request.GET or None)
        led = selectors.plans_for(user).filter(person__in=Person.objects.validatable_by(user))
        if form.is_valid():
            if form.cleaned_data["state"]:
                led = led.filter(state=form.cleaned_data["state"])
            if form.cleaned_data["overdue"]:
                led = selectors.overdue(led, today)
        ctx.update(
            {
                "form": form,
                "page_obj": paginate(request, led.order_by("person__full_name", "-created_at")),
                "query": query_without_page(request),
                "stalled": list(selectors.stalled_goals(user, today=today)[:50]),
                "today": today,
            }
        )
    return render(request, "development/home.html", ctx)


@login_required
def person(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    who = get_object_or_404(people_in_scope(request.user), pk=person_id)
    if who.user_id == request.user.pk:
        return redirect("development:home")
    plans = selectors.plans_for(request.user).filter(person=who).order_by("-created_at")
    return render(
        request,
        "development/person.html",
        {
            "who": who,
            "plans": plans,
            "plan_form": PlanForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def plan_new(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    who = get_object_or_404(people_in_scope(request.user), pk=person_id)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the plan a title."))
        return redirect("development:person", who.pk)
    try:
        plan = services.create_plan(
            actor=request.user, person=who, title=form.cleaned_data["title"]
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("development:person", who.pk)
    messages.success(request, _("Plan started. Add its goals."))
    return redirect("development:plan", plan.pk)


@login_required
def plan_detail(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    today = timezone.localdate()
    may_lead = services.may_lead(request.user, plan.person)
    return render(
        request,
        "development/plan.html",
        {
            "plan": plan,
            "rows": selectors.goal_rows(plan, today=today),
            "reviews": plan.reviews.select_related("reviewer"),
            "may_edit": services.may_edit(request.user, plan),
            "may_lead": may_lead,
            "overdue": plan.state != PlanState.CLOSED
            and plan.next_review is not None
            and plan.next_review < today,
            "agree_form": AgreeForm(),
            "review_form": ReviewForm(),
        },
    )


@login_required
def plan_edit(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    if not services.may_edit(request.user, plan):
        raise PermissionDenied
    form = PlanForm(request.POST or None, initial={"title": plan.title})
    if request.method == "POST" and form.is_valid():
        title = form.cleaned_data["title"]
        if run_service(
            form, lambda: services.rename_plan(actor=request.user, plan=plan, title=title)
        ):
            messages.success(request, _("Plan saved."))
            return redirect("development:plan", plan.pk)
    return render(request, "development/plan_edit.html", {"plan": plan, "form": form})


@login_required
@require_POST
def plan_agree(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    form = AgreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Set the date of the next review."))
        return redirect("development:plan", plan.pk)
    try:
        services.agree_plan(
            actor=request.user, plan=plan, next_review=form.cleaned_data["next_review"]
        )
        messages.success(request, _("Plan agreed."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("development:plan", plan.pk)


@login_required
@require_POST
def plan_review(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a short note on how the plan is going."))
        return redirect("development:plan", plan.pk)
    data = form.cleaned_data
    try:
        services.record_review(
            actor=request.user,
            plan=plan,
            note=data["note"],
            reviewed_on=data["reviewed_on"],
            next_review=data["next_review"],
        )
        messages.success(request, _("Review recorded."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("development:plan", plan.pk)


@login_required
@require_POST
def plan_action(request: AuthedHttpRequest, plan_id: int, action: str) -> HttpResponse:
    """reopen | close | delete."""
    plan = _plan(request, plan_id)
    operations = {
        "reopen": (services.reopen_plan, _("Plan reopened as a draft.")),
        "close": (services.close_plan, _("Plan closed.")),
    }
    try:
        if action == "delete":
            person_id = plan.person_id
            services.delete_plan(actor=request.user, plan=plan)
            messages.success(request, _("Draft deleted."))
            if plan.person.user_id == request.user.pk:
                return redirect("development:home")
            return redirect("development:person", person_id)
        if action not in operations:
            raise Http404
        operation, done = operations[action]
        operation(actor=request.user, plan=plan)
        messages.success(request, done)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("development:plan", plan.pk)


# --- goals ---------------------------------------------------------------------------------


@login_required
def goal_new(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    if not services.may_edit(request.user, plan):
        raise PermissionDenied
    form = GoalForm(request.POST or None, person=plan.person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        goal = run_service(
            form,
            lambda: services.add_goal(
                actor=request.user,
                plan=plan,
                skill=data["chosen_skill"],
                target_level=data["target_level"],
                due_date=data["due_date"],
                note=data["note"],
                items=list(data["items"]),
            ),
        )
        if goal is not None:
            messages.success(request, _("Goal added."))
            return redirect("development:plan", plan.pk)
    return render(request, "development/goal_edit.html", {"plan": plan, "form": form})


@login_required
def goal_edit(request: AuthedHttpRequest, goal_id: int) -> HttpResponse:
    goal = _goal(request, goal_id)
    plan = goal.plan
    if not services.may_edit(request.user, plan):
        raise PermissionDenied
    initial = {
        "target_level": goal.target_level,
        "due_date": goal.due_date,
        "status": goal.status,
        "items": list(goal.items.all()),
        "note": goal.note,
    }
    form = GoalForm(request.POST or None, person=plan.person, goal=goal, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.update_goal(
                actor=request.user,
                goal=goal,
                target_level=data["target_level"],
                due_date=data["due_date"],
                note=data["note"],
                items=list(data["items"]),
                status=data["status"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Goal saved."))
            return redirect("development:plan", plan.pk)
    return render(request, "development/goal_edit.html", {"plan": plan, "goal": goal, "form": form})


@login_required
@require_POST
def goal_delete(request: AuthedHttpRequest, goal_id: int) -> HttpResponse:
    goal = _goal(request, goal_id)
    act(request, lambda: services.delete_goal(actor=request.user, goal=goal), _("Goal removed."))
    return redirect("development:plan", goal.plan_id)
