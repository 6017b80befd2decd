"""Survey pages: campaigns (list, launch, progress, remind, close), one's own survey tasks,
and "confirm this level" from My skills."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from seedbed.accounts.models import AccessLevel
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest, require_admin, require_manager
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill, Skill
from seedbed.skills.selectors import scale_levels_by_category, stale_cutoff
from seedbed.surveys import selectors, services
from seedbed.surveys.forms import CampaignFilterForm, LaunchForm
from seedbed.surveys.models import Campaign, SurveyTask, TaskStatus


def _small_int(raw: str) -> int | None:
    """A non-negative whole number a database can hold, or None."""
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


def _campaign(request: AuthedHttpRequest, campaign_id: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("team", "role"), pk=campaign_id
    )


# --- campaigns ---------------------------------------------------------------------------


@login_required
def campaign_list(request: AuthedHttpRequest) -> HttpResponse:
    require_manager(request)
    form = CampaignFilterForm(request.GET or None)
    qs = selectors.campaigns_for(request.user)
    if form.is_valid():
        if form.cleaned_data["q"]:
            qs = qs.filter(name__icontains=form.cleaned_data["q"])
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs.order_by("-created_at", "-id")),
            "query": query_without_page(request),
        },
    )


@login_required
def launch(request: AuthedHttpRequest) -> HttpResponse:
    require_admin(request)
    # Links may preset the form, e.g. "survey this team" from a dashboard: ?scope=team&team=3
    preset = {k: request.GET[k] for k in ("name", "scope", "team", "role") if request.GET.get(k)}
    form = LaunchForm(request.POST or None, initial=preset)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = run_service(
            form,
            lambda: services.launch_campaign(
                actor=request.user,
                name=data["name"],
                message=data["message"],
                scope=data["scope"],
                team=data["team"],
                role=data["role"],
                deadline=data["deadline"],
            ),
        )
        if campaign is not None:
            count = campaign.tasks.count()
            messages.success(
                request,
                ngettext(
                    "Survey launched: %(n)d person has a task and is being notified.",
                    "Survey launched: %(n)d people have a task and are being notified.",
                    count,
                )
                % {"n": count},
            )
            return redirect("surveys:detail", campaign.pk)
    return render(request, "surveys/launch.html", {"form": form})


@login_required
def campaign_detail(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """Progress: completion per team, the people behind (with their managers), exports."""
    require_manager(request)
    campaign = _campaign(request, campaign_id)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        tasks = selectors.tasks_for(campaign, request.user)
        rows = (
            (
                t.person.full_name,
                t.person.email,
                t.team.name if t.team else "",
                t.person.manager.full_name if t.person.manager else "",
                t.get_status_display(),
                t.items_answered,  # type: ignore[attr-defined]
                t.items_total,  # type: ignore[attr-defined]
                t.completed_at,
                t.last_reminded_at,
            )
            for t in tasks.iterator(chunk_size=1000)
        )
        return export_response(
            fmt,
            f"survey-{campaign.pk}",
            [
                "name",
                "email",
                "team",
                "manager",
                "status",
                "skills_answered",
                "skills_listed",
                "completed_at",
                "last_reminded_at",
            ],
            rows,
        )
    behind = selectors.tasks_for(campaign, request.user).filter(status=TaskStatus.OPEN)
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": selectors.progress(campaign, request.user),
            "page_obj": paginate(request, behind, 50),
            "query": query_without_page(request),
            "is_admin": request.user.access_level == AccessLevel.ADMIN,
        },
    )


@login_required
@require_POST
def remind(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    require_manager(request)
    campaign = _campaign(request, campaign_id)
    try:
        count = services.send_reminders(actor=request.user, campaign=campaign)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if count:
            messages.success(
                request,
                ngettext("Reminder sent to %(n)d person.", "Reminders sent to %(n)d people.", count)
                % {"n": count},
            )
        else:
            messages.info(
                request, _("Nobody to remind: everyone is done or was reminded within the hour.")
            )
    return redirect("surveys:detail", campaign.pk)


@login_required
@require_POST
def close(request: AuthedHttpRequest, campaign_id: int, action: str) -> HttpResponse:
    """close | cancel a campaign (admins)."""
    require_admin(request)
    campaign = _campaign(request, campaign_id)
    if action not in ("close", "cancel"):
        raise Http404
    try:
        services.close_campaign(actor=request.user, campaign=campaign, cancel=action == "cancel")
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Survey cancelled.") if action == "cancel" else _("Survey closed."),
        )
    return redirect("surveys:detail", campaign.pk)


# --- one's own tasks ---------------------------------------------------------------------


@login_required
def my_tasks(request: AuthedHttpRequest) -> HttpResponse:
    qs = (
        SurveyTask.objects.own(request.user)
        .select_related("campaign")
        .order_by("status", "-campaign__created_at")
    )
    return render(
        request,
        "surveys/my_tasks.html",
        {"page_obj": paginate(request, qs, 25), "query": query_without_page(request)},
    )


@login_required
def task_detail(request: AuthedHttpRequest, task_id: int) -> HttpResponse:
    """Answer one's survey: a level per skill; "Save" keeps the task open, "Save and mark
    done" completes it. An invalid submission comes back with the chosen levels kept."""
    task = get_object_or_404(
        SurveyTask.objects.own(request.user).select_related("campaign", "person"), pk=task_id
    )
    chosen: dict[int, int] = {}
    error = ""
    if request.method == "POST":
        chosen, error = _chosen_levels(request, task)
        if not error:
            try:
                services.submit_answers(
                    actor=request.user,
                    task=task,
                    answers=chosen,
                    complete="complete" in request.POST,
                    note=request.POST.get("note", "")[:2000],
                )
            except ServiceError as exc:
                error = exc.message
            else:
                if "complete" in request.POST:
                    messages.success(
                        request, _("Thank you: your survey is done. Your manager validates next.")
                    )
                    return redirect("home")
                messages.success(request, _("Answers saved."))
                return redirect("surveys:task", task.pk)
    return render(
        request,
        "surveys/task.html",
        _task_context(task, chosen, error),
        status=400 if error else 200,
    )


def _chosen_levels(request: AuthedHttpRequest, task: SurveyTask) -> tuple[dict[int, int], str]:
    chosen: dict[int, int] = {}
    for skill_id in task.items.values_list("skill_id", flat=True):
        raw = request.POST.get(f"level-{skill_id}", "").strip()
        if not raw:
            continue
        level = _small_int(raw)
        if level is None:
            return chosen, _("Choose a level from the list for each skill.")
        chosen[skill_id] = level
    return chosen, ""


def _task_context(task: SurveyTask, chosen: dict[int, int], error: str) -> dict[str, Any]:
    items = sorted(
        task.items.select_related("skill__category").filter(skill__is_active=True),
        key=lambda i: (i.required_level is None, i.skill.name.lower()),
    )
    current = {
        ps.skill_id: ps
        for ps in PersonSkill.objects.filter(
            person=task.person, skill_id__in=[i.skill_id for i in items]
        )
    }
    cutoff = stale_cutoff()
    scales, _default = scale_levels_by_category()
    rows = []
    for item in items:
        ps = current.get(item.skill_id)
        stale = ps is not None and ps.last_evidence_at is not None and ps.last_evidence_at < cutoff
        rows.append(
            {
                "item": item,
                "ps": ps,
                "stale": stale,
                "selected": chosen.get(item.skill_id, item.level),
            }
        )
    return {
        "task": task,
        "campaign": task.campaign,
        "rows": rows,
        "answered": sum(1 for i in items if i.answered_at),
        "scales": scales,
        "error": error,
        "can_answer": task.campaign.is_open,
    }


@login_required
@require_POST
def confirm(request: AuthedHttpRequest) -> HttpResponse:
    """ "Still true" for one of one's own stale levels (My skills)."""
    person = Person.objects.filter(user=request.user).first()
    skill_id = _small_int(request.POST.get("skill", ""))
    skill = Skill.objects.filter(pk=skill_id).first() if skill_id is not None else None
    if person is None or skill is None:
        messages.error(request, _("Choose one of your skills to confirm."))
        return redirect("skills:my_skills")
    try:
        services.confirm_level(actor=request.user, person=person, skill=skill)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(skill)s confirmed; your manager validates it next.") % {"skill": skill.name},
        )
    return redirect("skills:my_skills")
