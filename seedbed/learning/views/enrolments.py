"""Learning pages: my learning (enrolments, hours against the allowance), an enrolment with
its actions, the approvals queue, the sign-off queue, the team's enrolments and hours with
exports. Reads go through ``enrolments_visible_to`` / ``approvals_for`` / ``signoffs_for`` /
``hours_visible_to``; every change is one service call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seedbed.accounts.models import AccessLevel
from seedbed.learning.forms import (
    AssessorForm,
    AttendanceForm,
    DecisionForm,
    DueDateForm,
    EnrolForm,
    EnrolmentFilterForm,
    HoursForm,
    MonthForm,
    ProgressForm,
    ReactionForm,
    SignOffForm,
)
from seedbed.learning.models import (
    Enrolment,
    EnrolmentStatus,
    Kind,
    LearningHours,
    LearningItem,
    SignOff,
)
from seedbed.learning.services import catalogue as catalogue_services
from seedbed.learning.services import enrolments as services
from seedbed.learning.services import hours as hours_services
from seedbed.learning.services import signoff as signoff_services
from seedbed.learning.views.catalogue import own_person
from seedbed.lib.errors import ServiceError
from seedbed.lib.forms import run_service
from seedbed.lib.http import AuthedHttpRequest
from seedbed.lib.listing import paginate, query_without_page
from seedbed.lib.spreadsheet import export_response
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill

ENROLMENT_HEADERS = [
    "person",
    "email",
    "item_code",
    "item",
    "kind",
    "status",
    "session_starts",
    "enrolled_at",
    "due_date",
    "progress",
    "attended",
    "completed_at",
    "usefulness",
    "applicability",
    "would_recommend",
    "pre_score",
    "post_score",
    "reaction_comment",
]
HOURS_HEADERS = ["person", "email", "date", "hours", "item", "note"]


def _is_manager(request: AuthedHttpRequest) -> bool:
    return request.user.access_level in (AccessLevel.MANAGER, AccessLevel.ADMIN)


def _require_manager(request: AuthedHttpRequest) -> None:
    if not _is_manager(request):
        raise PermissionDenied


def _month(request: AuthedHttpRequest) -> tuple[int, int]:
    form = MonthForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["month"]:
        year, month = form.cleaned_data["month"].split("-")
        return int(year), int(month)
    return hours_services.this_month()


# --- my learning ---------------------------------------------------------------------------


def _hours_form(person: Person, data: Any = None) -> HoursForm:
    return HoursForm(
        data,
        enrolments=Enrolment.objects.filter(person=person, status__in=services.LEARNING)
        .select_related("item")
        .order_by("item__title"),
    )


@login_required
def my_learning(request: AuthedHttpRequest, hours_form: HoursForm | None = None) -> HttpResponse:
    person = own_person(request)
    ctx: dict[str, Any] = {
        "person": person,
        "is_manager": _is_manager(request),
        "today": timezone.localdate(),
    }
    if person is not None:
        mine = Enrolment.objects.filter(person=person).select_related("item", "session")
        year, month = hours_services.this_month()
        first, last = hours_services.month_bounds(year, month)
        ctx.update(
            current=mine.filter(status__in=services.OPEN).order_by("due_date", "-created_at"),
            completed=mine.filter(status=EnrolmentStatus.COMPLETED).order_by("-completed_at")[:50],
            month=hours_services.month_hours(person, year, month),
            hours_form=hours_form or _hours_form(person),
            hours=LearningHours.objects.filter(person=person, date__range=(first, last))
            .select_related("enrolment__item")
            .order_by("-date", "-id"),
        )
    ctx["signoff_count"] = (
        signoff_services.signoffs_for(request.user).filter(decision="pending").count()
    )
    if _is_manager(request):
        ctx["approval_count"] = services.approvals_for(request.user).count()
    return render(request, "learning/enrolment_mine.html", ctx, status=400 if hours_form else 200)


@login_required
@require_POST
def enrol(request: AuthedHttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(LearningItem, pk=item_id)
    people = Person.objects.validatable_by(request.user).active() if _is_manager(request) else None
    form = EnrolForm(
        request.POST, people=people, sessions=catalogue_services.sessions_with_seats(item)
    )
    if not form.is_valid():
        messages.error(request, _("Check the enrolment: choose a session and a valid date."))
        return redirect("learning:item", item.pk)
    person = form.cleaned_data.get("person") or own_person(request)
    if person is None:
        messages.error(request, _("Your login is not linked to a person yet. Ask an admin."))
        return redirect("learning:item", item.pk)
    try:
        enrolment = services.enrol(
            actor=request.user,
            person=person,
            item=item,
            session=form.cleaned_data.get("session"),
            due_date=form.cleaned_data.get("due_date"),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("learning:item", item.pk)
    if enrolment.status == EnrolmentStatus.REQUESTED:
        messages.success(
            request,
            _("Requested: “%(title)s” needs a manager's approval; you will hear back.")
            % {"title": item.title},
        )
    else:
        messages.success(
            request,
            _("%(name)s is enrolled in “%(title)s”.")
            % {"name": person.full_name, "title": item.title},
        )
    return redirect("learning:enrolment", enrolment.pk)


# --- one enrolment -------------------------------------------------------------------------


def _enrolment(request: AuthedHttpRequest, enrolment_id: int) -> Enrolment:
    return get_object_or_404(
        services.enrolments_visible_to(request.user).select_related(
            "person__manager", "item", "session", "enrolled_by", "decided_by"
        ),
        pk=enrolment_id,
    )


def assessor_candidates(enrolment: Enrolment) -> QuerySet[Person]:
    """People who could assess this task: the person's manager and colleagues whose confirmed
    level in every skill of the task is at least the task's (the service checks again)."""
    skills = list(enrolment.item.skills.values_list("skill_id", "level"))
    qualified = Q(pk=enrolment.person.manager_id) if enrolment.person.manager_id else Q(pk__in=[])
    if skills:
        match = Q()
        for skill_id, level in skills:
            match |= Q(skill_id=skill_id, level__gte=level)
        holders = (
            PersonSkill.objects.filter(match, source__in=signoff_services.CONFIRMED_SOURCES)
            .values("person_id")
            .annotate(n=Count("id"))
            .filter(n=len(skills))
            .values("person_id")
        )
        qualified |= Q(pk__in=holders)
    return (
        Person.objects.filter(qualified, is_active=True, user__is_active=True)
        .exclude(pk=enrolment.person_id)
        .exclude(signoffs_given__enrolment=enrolment)
        .order_by("full_name")
    )


def _detail(
    request: AuthedHttpRequest, enrolment: Enrolment, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    person = enrolment.person
    is_self = services.is_self(user, person)
    manages = services.manages(user, person)
    learning = enrolment.status in services.LEARNING
    on_the_job = enrolment.item.kind == Kind.ON_THE_JOB
    signoffs = list(enrolment.signoffs.select_related("assessor").order_by("assessor__full_name"))
    lo, hi = signoff_services.signoff_level_range(enrolment.item)
    ctx = {
        "enrolment": enrolment,
        "item": enrolment.item,
        "person": person,
        "is_self": is_self,
        "manages": manages,
        "can_act": (is_self or manages) and learning,
        "can_cancel": (is_self or manages) and enrolment.status in services.OPEN,
        "can_complete": (is_self or manages) and learning and not on_the_job,
        "can_mark": manages
        and enrolment.session_id is not None
        and enrolment.session.starts_at <= timezone.now()  # type: ignore[union-attr]
        and (learning or enrolment.status == EnrolmentStatus.COMPLETED),
        "can_decide": manages and not is_self and enrolment.status == EnrolmentStatus.REQUESTED,
        "can_react": is_self and enrolment.status == EnrolmentStatus.COMPLETED,
        "on_the_job": on_the_job,
        "signoffs": signoffs,
        "my_signoff": next((s for s in signoffs if s.assessor.user_id == user.pk), None),
        "level_range": (lo, hi),
        "skills": enrolment.item.skills.select_related("skill").order_by("skill__name"),
        "unmet": services.unmet_prerequisites(person, enrolment.item)
        if enrolment.status in services.OPEN
        else [],
        "progress_form": forms.get("progress_form")
        or ProgressForm(initial={"progress": enrolment.progress}),
        "due_form": forms.get("due_form") or DueDateForm(initial={"due_date": enrolment.due_date}),
        "attendance_form": AttendanceForm(),
        "reaction_form": forms.get("reaction_form") or ReactionForm(),
        "decision_form": DecisionForm(),
        "signoff_form": SignOffForm(),
        "hours": enrolment.hours.order_by("-date"),  # type: ignore[attr-defined]
    }
    if manages and on_the_job and learning:
        ctx["assessor_form"] = forms.get("assessor_form") or AssessorForm(
            candidates=assessor_candidates(enrolment)
        )
    return render(request, "learning/enrolment_detail.html", ctx, status=status)


@login_required
def enrolment_detail(request: AuthedHttpRequest, enrolment_id: int) -> HttpResponse:
    return _detail(request, _enrolment(request, enrolment_id))


def _done(request: AuthedHttpRequest, enrolment: Enrolment, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("learning:enrolment", enrolment.pk)


@login_required
@require_POST
def enrolment_action(request: AuthedHttpRequest, enrolment_id: int, action: str) -> HttpResponse:
    """progress | due | attendance | complete | reaction | cancel | assessor | unassess"""
    enrolment = _enrolment(request, enrolment_id)
    handlers: dict[str, Callable[[AuthedHttpRequest, Enrolment], HttpResponse]] = {
        "progress": _progress,
        "due": _due,
        "attendance": _attendance,
        "complete": _complete,
        "reaction": _reaction,
        "cancel": _cancel,
        "assessor": _add_assessor,
        "unassess": _remove_assessor,
    }
    handler = handlers.get(action)
    if handler is None:
        raise Http404
    try:
        return handler(request, enrolment)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("learning:enrolment", enrolment.pk)


def _progress(request: AuthedHttpRequest, enrolment: Enrolment) -> HttpResponse:
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return _detail(request, enrolment, 400, progress_form=form)
    services.set_progress(
        actor=request.user, enrolment=enrolment, progress=form.cleaned_data["progress"]
    )
    return _done(request, enrolment, _("Progress saved."))


def _due(request: AuthedHttpRequest, enrolment: Enrolment) -> HttpResponse:
    form = DueDateForm(request.POST)
    if not form.is_valid():
        return _detail(request, enrolment, 400, due_form=form)
    services.set_due_date(
        actor=request.user, enrolment=enrolment, due_date=form.cleaned_data["due_date"]
    )
    return _done(request, enrolment, _("Due date saved."))


def _attendance(request: AuthedHttpRequest, enrolment: Enrolment) -> HttpResponse:
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        raise ServiceError(_("Choose attended or absent."))
    services.mark_attendance(
        actor=request.user, enrolment=enrolment, attended=form.cleaned_data["attended"]
    )
    return _done(request, enrolment, _("Attendance saved."))


def _complete(request: AuthedHttpRequest, enrolment: Enrolment) -> HttpResponse:
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return _detail(request, enrolment, 400, reaction_form=form)
    done = run_service(
        form,
        lambda: services.complete(
            actor=request.user, enrolment=enrolment, reaction=form.reaction()
        ),
    )
    if done is None:
        return _detail(request, enrolment, 400, reaction_form=form)
    count = done.item.skills.count()
    text = _("Completed “%(title)s”.") % {"title": done.item.title}
    if count:
        text += " " + _("The levels it brings now wait for the manager's confirmation.")
    return _done(request, done, text)


def _reaction(request: AuthedHttpRequest, enrolment: Enrolment) -> HttpResponse:
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return _detail(request, enrolment, 400, reaction_form=form)
    done = run_service(
        form,
        lambda: services.record_reaction(
            actor=request.user, enrolment=enrolment, reaction=form.reaction()
        ),
    )
    if done is None:
        return _detail(request, enrolment, 400, reaction_form=form)
    return _done(request, enrolment, _("Thank you for your feedback."))


def _cancel(request: AuthedHttpRequest, enrolment: Enrolment) -> HttpResponse:
    services.cancel(actor=request.user, enrolment=enrolment)
    return _done(request, enrolment, _("Enrolment cancelled."))


def _add_assessor(request: AuthedHttpRequest, enrolment: Enrolment) -> HttpResponse:
    # Any visible person may be proposed; the service explains who qualifies and why.
    form = AssessorForm(request.POST, candidates=Person.objects.visible_to(request.user))
    if not form.is_valid():
        raise ServiceError(_("Choose an assessor."))
    signoff = signoff_services.add_assessor(
        actor=request.user, enrolment=enrolment, assessor=form.cleaned_data["assessor"]
    )
    return _done(
        request,
        enrolment,
        _("%(name)s is asked to sign the task off.") % {"name": signoff.assessor.full_name},
    )


def _remove_assessor(request: AuthedHttpRequest, enrolment: Enrolment) -> HttpResponse:
    signoff = get_object_or_404(
        SignOff, enrolment=enrolment, pk=_small_int(request.POST.get("signoff", ""))
    )
    signoff_services.remove_assessor(actor=request.user, signoff=signoff)
    return _done(request, enrolment, _("Assessor removed."))


def _small_int(raw: str) -> int:
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else 0


# --- queues ----------------------------------------------------------------------------------


@login_required
def approvals(request: AuthedHttpRequest) -> HttpResponse:
    _require_manager(request)
    qs = (
        services.approvals_for(request.user)
        .select_related("person__team", "item", "session")
        .order_by("created_at", "id")
    )
    return render(
        request,
        "learning/enrolment_approvals.html",
        {
            "page_obj": paginate(request, qs, 50),
            "query": query_without_page(request),
            "form": DecisionForm(),
        },
    )


@login_required
@require_POST
def decide(request: AuthedHttpRequest, enrolment_id: int) -> HttpResponse:
    _require_manager(request)
    enrolment = get_object_or_404(
        services.approvals_for(request.user).select_related("person", "item"), pk=enrolment_id
    )
    form = DecisionForm(request.POST)
    back = request.POST.get("back") == "enrolment"
    target = ("learning:enrolment", enrolment.pk) if back else ("learning:approvals",)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect(*target)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.decide(
            actor=request.user, enrolment=enrolment, approve=approve, note=form.cleaned_data["note"]
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            (
                _("Approved: %(name)s, “%(title)s”.")
                if approve
                else _("Rejected: %(name)s, “%(title)s”.")
            )
            % {"name": enrolment.person.full_name, "title": enrolment.item.title},
        )
    return redirect(*target)


@login_required
def signoffs(request: AuthedHttpRequest) -> HttpResponse:
    qs = (
        signoff_services.signoffs_for(request.user)
        .select_related("enrolment__person", "enrolment__item")
        .order_by("decision", "enrolment__person__full_name", "id")
    )
    page = paginate(request, qs, 50)
    ranges = {s.pk: signoff_services.signoff_level_range(s.enrolment.item) for s in page}
    return render(
        request,
        "learning/enrolment_signoffs.html",
        {
            "page_obj": page,
            "query": query_without_page(request),
            "ranges": ranges,
        },
    )


@login_required
@require_POST
def sign_off(request: AuthedHttpRequest, signoff_id: int) -> HttpResponse:
    signoff = get_object_or_404(
        signoff_services.signoffs_for(request.user).select_related("enrolment__item"), pk=signoff_id
    )
    form = SignOffForm(request.POST)
    back = request.POST.get("back") == "enrolment"
    target = ("learning:enrolment", signoff.enrolment_id) if back else ("learning:signoffs",)
    if not form.is_valid():
        messages.error(request, _("Choose signed off (with a level) or not yet (with a note)."))
        return redirect(*target)
    passed = form.cleaned_data["decision"] == "pass"
    try:
        signoff_services.sign_off(
            actor=request.user,
            signoff=signoff,
            passed=passed,
            level=form.cleaned_data["level"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        signoff.enrolment.refresh_from_db()
        if signoff.enrolment.status == EnrolmentStatus.COMPLETED:
            messages.success(request, _("Signed off: every assessor passed the task."))
        else:
            messages.success(request, _("Your judgement is saved."))
    return redirect(*target)


# --- team enrolments and hours -----------------------------------------------------------


@login_required
def enrolment_list(request: AuthedHttpRequest) -> HttpResponse:
    """Enrolments the user may see (a manager: their reporting line; HR: everyone), with
    filters and CSV/XLSX exports."""
    form = EnrolmentFilterForm(request.GET or None)
    qs = services.enrolments_visible_to(request.user).select_related("person", "item", "session")
    if form.is_valid():
        q = form.cleaned_data["q"]
        if q:
            qs = qs.filter(Q(person__full_name__icontains=q) | Q(item__title__icontains=q))
        status = form.cleaned_data["status"]
        if status == "open":
            qs = qs.filter(status__in=services.OPEN)
        elif status:
            qs = qs.filter(status=status)
    qs = qs.order_by("person__full_name", "-created_at", "id")
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        rows = (
            (
                e.person.full_name,
                e.person.email,
                e.item.code or "",
                e.item.title,
                e.item.kind,
                e.status,
                timezone.localtime(e.session.starts_at) if e.session else None,
                timezone.localtime(e.created_at),
                e.due_date,
                e.progress,
                e.attended,
                timezone.localtime(e.completed_at) if e.completed_at else None,
                e.usefulness,
                e.applicability,
                e.would_recommend,
                float(e.pre_score) if e.pre_score is not None else None,
                float(e.post_score) if e.post_score is not None else None,
                e.reaction_comment,
            )
            for e in qs.iterator(chunk_size=1000)
        )
        return export_response(fmt, "learning-enrolments", ENROLMENT_HEADERS, rows)
    return render(
        request,
        "learning/enrolment_list.html",
        {
            "form": form,
            "page_obj": paginate(request, qs, 50),
            "query": query_without_page(request),
            "is_manager": _is_manager(request),
            "today": timezone.localdate(),
        },
    )


@login_required
def hours(request: AuthedHttpRequest) -> HttpResponse:
    """GET: hours per person this month against the allowance (managers: their line; HR:
    everyone; others: their own entries), exports of the entries. POST: log one's own."""
    if request.method == "POST":
        return _log_hours(request)
    year, month = _month(request)
    first, last = hours_services.month_bounds(year, month)
    entries = (
        hours_services.hours_visible_to(request.user)
        .filter(date__range=(first, last))
        .select_related("person", "enrolment__item")
        .order_by("person__full_name", "date", "id")
    )
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        rows = (
            (
                h.person.full_name,
                h.person.email,
                h.date,
                float(h.hours),
                h.enrolment.item.title if h.enrolment else "",
                h.note,
            )
            for h in entries.iterator(chunk_size=1000)
        )
        return export_response(fmt, f"learning-hours-{year}-{month:02d}", HOURS_HEADERS, rows)
    allowance = hours_services.monthly_allowance()
    people = None
    if _is_manager(request):
        month_total = (
            LearningHours.objects.filter(person=OuterRef("pk"), date__range=(first, last))
            .order_by()
            .values("person")
            .annotate(t=Sum("hours"))
            .values("t")
        )
        people = paginate(
            request,
            hours_services.people_with_hours_visible_to(request.user)
            .active()
            .select_related("team")
            .annotate(
                month_hours=Coalesce(
                    Subquery(month_total, output_field=DecimalField()),
                    Decimal(0),
                    output_field=DecimalField(),
                )
            )
            .order_by("full_name"),
            50,
        )
    return render(
        request,
        "learning/hours_list.html",
        {
            "year": year,
            "month": month,
            "month_value": f"{year}-{month:02d}",
            "month_start": date(year, month, 1),
            "allowance": allowance,
            "page_obj": people if people is not None else paginate(request, entries, 50),
            "people_view": people is not None,
            "query": query_without_page(request),
        },
    )


def _log_hours(request: AuthedHttpRequest) -> HttpResponse:
    person = own_person(request)
    if person is None:
        raise Http404(_("Your login is not linked to a person yet. Ask an admin to link it."))
    form = _hours_form(person, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        entry = run_service(
            form,
            lambda: hours_services.log_hours(
                actor=request.user,
                person=person,
                on=data["date"],
                hours=data["hours"],
                enrolment=data["enrolment"],
                note=data["note"],
            ),
        )
        if entry is not None:
            messages.success(
                request,
                _("%(h)s hours on %(date)s logged.")
                % {"h": entry.hours, "date": entry.date.isoformat()},
            )
            return redirect("learning:mine")
    return my_learning(request, hours_form=form)


@login_required
@require_POST
def hours_delete(request: AuthedHttpRequest, hours_id: int) -> HttpResponse:
    entry = get_object_or_404(
        hours_services.hours_visible_to(request.user).select_related("person"), pk=hours_id
    )
    try:
        hours_services.delete_hours(actor=request.user, entry=entry)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Hours removed."))
    return redirect("learning:mine")
