"""Doing the learning: enrolment, approval, progress, attendance, completion (which feeds the
skills inventory), the reaction survey, due-date reminders and the home page's card. On-the-job
sign-off lives in ``signoff``, learning hours in ``hours``.

Who may do what:
- **enrol**: oneself; a manager for anyone in their reporting line; HR (admins) anyone.
  Items that need approval start as *requested* when people enrol themselves; an enrolment
  made by the manager or HR is approved by making it.
- **approve / reject**: the person's managers up the line and HR; never one's own request.
- **progress, due date, completion, cancellation, hours**: the person, their managers, HR.
- **attendance** and **naming assessors**: their managers and HR (not the person).
- **sign-off**: only the named assessor.

**Completion** records, for each skill the item develops, an assertion with source
"learning" at the item's level (a claim the manager confirms in the validation queue).

**Sign-off rule** (on-the-job tasks, shown in the UI): the task is signed off when every named
assessor has signed it off; one "not yet" keeps it open. The level recorded for each skill is
the lowest level the assessors confirmed (never above the level the task develops), with
source "assessment" and a note naming the assessors. An assessor is the person's manager, or a
colleague whose confirmed level in each of the task's skills is at least the task's level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.models import AccessLevel, OrgSettings
from seedbed.accounts.services import audit
from seedbed.learning.models import (
    Enrolment,
    EnrolmentStatus,
    ItemSkill,
    Kind,
    LearningHours,
    LearningItem,
    LearningPlan,
    Session,
    SignOff,
    SignOffDecision,
)
from seedbed.learning.services.catalogue import HOLDS_SEAT
from seedbed.learning.services.hours import MonthHours, month_bounds, this_month
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill, Source
from seedbed.skills.services import record_system_assertion

if TYPE_CHECKING:
    from seedbed.accounts.models import User

OPEN = (
    EnrolmentStatus.REQUESTED,
    EnrolmentStatus.ENROLLED,
    EnrolmentStatus.IN_PROGRESS,
    EnrolmentStatus.AWAITING_SIGNOFF,
)
LEARNING = (EnrolmentStatus.ENROLLED, EnrolmentStatus.IN_PROGRESS, EnrolmentStatus.AWAITING_SIGNOFF)
NOTIFICATION_KIND = "learning"
DUE_NOTIFICATION_KIND = "learning_due"


# --- who may -----------------------------------------------------------------------------


def is_self(user: User, person: Person) -> bool:
    return person.user_id is not None and person.user_id == user.pk


def manages(user: User, person: Person) -> bool:
    """HR (admins) for anyone but themselves; managers for their reporting line."""
    return Person.objects.validatable_by(user).filter(pk=person.pk).exists()


def may_act_on(user: User, person: Person) -> bool:
    """The person themselves, their managers, HR."""
    return user.is_active and (is_self(user, person) or manages(user, person))


def _require_act_on(user: User, person: Person, message: str) -> None:
    if not may_act_on(user, person):
        raise NotAllowed(message)


def enrolments_visible_to(user: User) -> QuerySet[Enrolment]:
    """Enrolments ``user`` may see: HR all; others their own and their reporting line's, and
    those they were named to assess."""
    if not (user.is_authenticated and user.is_active):
        return Enrolment.objects.none()
    if user.access_level == AccessLevel.ADMIN:
        return Enrolment.objects.all()
    assessing = SignOff.objects.filter(enrolment=OuterRef("pk"), assessor__user=user)
    return Enrolment.objects.filter(
        Q(person__in=Person.objects.reporting_line_of(user)) | Q(Exists(assessing))
    )


def approvals_for(user: User) -> QuerySet[Enrolment]:
    """Requests ``user`` may decide: of their reporting line (HR: everyone's but their own)."""
    return Enrolment.objects.filter(
        status=EnrolmentStatus.REQUESTED, person__in=Person.objects.validatable_by(user)
    )


# --- notifications -------------------------------------------------------------------------


def _link(enrolment: Enrolment) -> str:
    return reverse("learning:enrolment", args=[enrolment.pk])


def _notify(recipients: list[Person], write: Any) -> None:
    from seedbed.notifications.services import notify

    people = [p for p in recipients if p is not None and p.is_active]
    if people:
        notify(recipients=people, kind=NOTIFICATION_KIND, write=write)


def _approvers(person: Person) -> list[Person]:
    """Who hears of a request: the person's manager, else HR."""
    manager = person.manager
    if manager is not None and manager.is_active and manager.user_id is not None:
        return [manager]
    return list(
        Person.objects.filter(
            user__access_level=AccessLevel.ADMIN, user__is_active=True, is_active=True
        )
        .exclude(pk=person.pk)
        .select_related("user")
    )


# --- enrolment -----------------------------------------------------------------------------


def unmet_prerequisites(person: Person, item: LearningItem) -> list[str]:
    """What ``person`` still lacks for ``item``, in words (empty when ready)."""
    missing: list[str] = []
    completed = set(
        Enrolment.objects.filter(person=person, status=EnrolmentStatus.COMPLETED).values_list(
            "item_id", flat=True
        )
    )
    levels = dict(PersonSkill.objects.filter(person=person).values_list("skill_id", "level"))
    for pre in item.prerequisites.select_related("requires_item", "requires_skill"):
        if pre.requires_item_id is not None:
            if pre.requires_item_id not in completed:
                missing.append(
                    _("complete “%(title)s” first") % {"title": pre.requires_item.title}  # type: ignore[union-attr]
                )
        elif levels.get(pre.requires_skill_id or 0, -1) < (pre.requires_level or 0):
            missing.append(
                _("%(skill)s at level %(level)s (now: %(now)s)")
                % {
                    "skill": pre.requires_skill.name,  # type: ignore[union-attr]
                    "level": pre.requires_level,
                    "now": levels.get(pre.requires_skill_id or 0, _("not rated")),
                }
            )
    return missing


def _check_date(due_date: date | None, now: datetime | None = None) -> None:
    today = timezone.localdate(now) if now else timezone.localdate()
    if due_date is not None and due_date < today:
        raise ServiceError(_("The due date is in the past."), field="due_date")
    if due_date is not None and due_date > today + timedelta(days=3 * 366):
        raise ServiceError(_("Choose a due date within three years."), field="due_date")


def _book_seat(item: LearningItem, session: Session | None, now: datetime) -> Session | None:
    """Lock the session row and check a seat is free (inside the caller's transaction, so two
    people cannot take the last seat at once)."""
    upcoming = item.sessions.filter(starts_at__gt=now)
    if session is None:
        if upcoming.exists():
            raise ServiceError(
                _("Choose one of the upcoming sessions of “%(title)s”.") % {"title": item.title},
                field="session",
            )
        return None
    locked = Session.objects.select_for_update().filter(pk=session.pk, item=item).first()
    if locked is None:
        raise ServiceError(_("That session belongs to another item."), field="session")
    if locked.starts_at <= now:
        raise ServiceError(_("That session has already started."), field="session")
    taken = locked.enrolments.filter(status__in=HOLDS_SEAT).count()
    if taken >= locked.seats:
        raise Conflict(
            _("The session on %(date)s is full (%(seats)s seats). Choose another session.")
            % {
                "date": timezone.localtime(locked.starts_at).strftime("%Y-%m-%d"),
                "seats": locked.seats,
            },
            field="session",
        )
    return locked


@transaction.atomic
def enrol(
    *,
    actor: User,
    person: Person,
    item: LearningItem,
    session: Session | None = None,
    due_date: date | None = None,
    plan: LearningPlan | None = None,
    now: datetime | None = None,
) -> Enrolment:
    """Enrol ``person`` in ``item`` (see the module docstring for who may). Items that need
    approval start as requested when people enrol themselves, and their approvers are told;
    people enrolled by someone else are told. ``now``: the time it happens (default now)."""
    now = now or timezone.now()
    by_self = is_self(actor, person)
    if not (actor.is_active and (by_self or manages(actor, person))):
        raise NotAllowed(
            _("You can enrol yourself; managers enrol people in their reporting line; HR anyone.")
        )
    if not person.is_active:
        raise ServiceError(_("%(name)s has left.") % {"name": person.full_name}, field="person")
    if not item.is_active:
        raise ServiceError(
            _("“%(title)s” is archived and takes no new enrolments.") % {"title": item.title},
            field="item",
        )
    if plan is not None and plan.person_id != person.pk:
        raise ServiceError(_("That plan is someone else's."), field="plan")
    _check_date(due_date, now)
    # Lock the person's row: two quick clicks cannot both pass the "already enrolled" check.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    existing = Enrolment.objects.filter(person=person, item=item, status__in=OPEN).first()
    if existing is not None:
        raise Conflict(
            _("%(name)s is already enrolled in “%(title)s” (%(status)s).")
            % {
                "name": person.full_name,
                "title": item.title,
                "status": existing.get_status_display().lower(),
            },
            field="item",
        )
    booked = _book_seat(item, session, now)
    needs_approval = item.requires_approval and by_self
    enrolment = Enrolment.objects.create(
        person=person,
        item=item,
        session=booked,
        plan=plan,
        status=EnrolmentStatus.REQUESTED if needs_approval else EnrolmentStatus.ENROLLED,
        enrolled_by=actor,
        decided_by=actor if item.requires_approval and not by_self else None,
        decided_at=now if item.requires_approval and not by_self else None,
        due_date=due_date,
        created_at=now,
    )
    audit(
        actor=actor,
        action="learning.request" if needs_approval else "learning.enrol",
        obj=enrolment,
        summary=f"{person.full_name} {'asked to enrol' if needs_approval else 'enrolled'} in "
        f"'{item.title}'",
    )
    link = _link(enrolment)
    if needs_approval:
        _notify(
            _approvers(person),
            lambda p: (
                _("%(name)s asks to take “%(title)s”")
                % {"name": person.full_name, "title": item.title},
                _("Approve or reject the request in Seedbed."),
                reverse("learning:approvals"),
            ),
        )
    elif not by_self:
        _notify(
            [person],
            lambda p: (
                _("You are enrolled in “%(title)s”") % {"title": item.title},
                _("%(who)s enrolled you.") % {"who": str(actor)},
                link,
            ),
        )
    return enrolment


def _locked(enrolment: Enrolment) -> Enrolment:
    return (
        # Lock only the enrolment row (PostgreSQL cannot lock the nullable side of a join).
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("person__manager", "item", "session")
        .get(pk=enrolment.pk)
    )


@transaction.atomic
def decide(*, actor: User, enrolment: Enrolment, approve: bool, note: str = "") -> Enrolment:
    """Approve or reject a request (the person's managers and HR, never one's own). A
    rejection needs a note saying why; the person is told either way."""
    enrolment = _locked(enrolment)
    person = enrolment.person
    if is_self(actor, person):
        raise NotAllowed(_("You cannot approve or reject your own request."))
    if not (actor.is_active and manages(actor, person)):
        raise NotAllowed(
            _("Only %(name)s's managers and HR can decide this request.")
            % {"name": person.full_name}
        )
    if enrolment.status != EnrolmentStatus.REQUESTED:
        raise Conflict(
            _("This request was already decided (%(status)s).")
            % {"status": enrolment.get_status_display().lower()}
        )
    note = note.strip()
    if len(note) > 500:
        raise ServiceError(_("Keep the note under 500 characters."), field="note")
    if not approve and not note:
        raise ServiceError(
            _("Say why you reject the request, so %(name)s knows what to do instead.")
            % {"name": person.full_name},
            field="note",
        )
    enrolment.status = EnrolmentStatus.ENROLLED if approve else EnrolmentStatus.REJECTED
    enrolment.decided_by, enrolment.decided_at = actor, timezone.now()
    enrolment.decision_note = note
    enrolment.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit(
        actor=actor,
        action="learning.approve" if approve else "learning.reject",
        obj=enrolment,
        summary=f"Request of {person.full_name} for '{enrolment.item.title}' "
        f"{'approved' if approve else 'rejected'}",
    )
    title = enrolment.item.title
    _notify(
        [person],
        lambda p: (
            (_("Approved: “%(title)s”") if approve else _("Not approved: “%(title)s”"))
            % {"title": title},
            note,
            _link(enrolment),
        ),
    )
    return enrolment


def _require_learning(enrolment: Enrolment) -> None:
    if enrolment.status not in LEARNING:
        raise Conflict(
            _("This enrolment is %(status)s; that cannot change now.")
            % {"status": enrolment.get_status_display().lower()}
        )


@transaction.atomic
def set_progress(*, actor: User, enrolment: Enrolment, progress: int) -> Enrolment:
    """Progress in percent (0–100); above 0 the enrolment is in progress. Completing is a
    separate step."""
    enrolment = _locked(enrolment)
    _require_act_on(actor, enrolment.person, _("You cannot change this enrolment."))
    _require_learning(enrolment)
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ServiceError(_("Progress is a percentage from 0 to 100."), field="progress")
    enrolment.progress = progress
    if enrolment.status == EnrolmentStatus.ENROLLED and progress > 0:
        enrolment.status = EnrolmentStatus.IN_PROGRESS
    enrolment.save(update_fields=["progress", "status"])
    return enrolment


@transaction.atomic
def set_due_date(*, actor: User, enrolment: Enrolment, due_date: date | None) -> Enrolment:
    enrolment = _locked(enrolment)
    _require_act_on(actor, enrolment.person, _("You cannot change this enrolment."))
    if enrolment.status not in OPEN:
        _require_learning(enrolment)
    _check_date(due_date)
    if enrolment.due_date != due_date:
        old = enrolment.due_date
        enrolment.due_date = due_date
        enrolment.save(update_fields=["due_date"])
        audit(
            actor=actor,
            action="learning.due_date",
            obj=enrolment,
            summary=f"Due date of {enrolment.person.full_name} in '{enrolment.item.title}' set",
            changes={"due_date": [str(old or ""), str(due_date or "")]},
        )
    return enrolment


@transaction.atomic
def mark_attendance(*, actor: User, enrolment: Enrolment, attended: bool) -> Enrolment:
    """Managers and HR record whether the person attended their session (once it began)."""
    enrolment = _locked(enrolment)
    if is_self(actor, enrolment.person) or not manages(actor, enrolment.person):
        raise NotAllowed(_("Attendance is marked by the person's manager or HR."))
    if enrolment.session is None:
        raise ServiceError(_("This enrolment has no session to attend."), field="attended")
    if enrolment.session.starts_at > timezone.now():
        raise ServiceError(
            _("The session has not started yet; mark attendance once it has."), field="attended"
        )
    if enrolment.status not in (*LEARNING, EnrolmentStatus.COMPLETED):
        _require_learning(enrolment)
    if enrolment.status == EnrolmentStatus.COMPLETED and not attended:
        raise Conflict(_("A completed enrolment keeps its attendance."))
    enrolment.attended = attended
    enrolment.save(update_fields=["attended"])
    audit(
        actor=actor,
        action="learning.attendance",
        obj=enrolment,
        summary=f"{enrolment.person.full_name} {'attended' if attended else 'missed'} "
        f"'{enrolment.item.title}'",
    )
    return enrolment


@dataclass(frozen=True, slots=True)
class Reaction:
    """The short survey on completion and the optional pre/post assessment scores."""

    usefulness: int | None = None
    applicability: int | None = None
    would_recommend: bool | None = None
    comment: str = ""
    pre_score: Decimal | None = None
    post_score: Decimal | None = None

    def check(self) -> None:
        for field, value in (
            ("usefulness", self.usefulness),
            ("applicability", self.applicability),
        ):
            if value is not None and (isinstance(value, bool) or not 1 <= value <= 5):
                raise ServiceError(_("Rate from 1 (not at all) to 5 (very)."), field=field)
        for field, score in (("pre_score", self.pre_score), ("post_score", self.post_score)):
            if score is not None and not (0 <= score <= 100):
                raise ServiceError(_("A score is from 0 to 100."), field=field)
            if score is not None and score != round(score, 1):
                raise ServiceError(_("A score has at most one decimal."), field=field)
        if len(self.comment) > 2000:
            raise ServiceError(_("Keep the comment under 2,000 characters."), field="comment")

    @property
    def given(self) -> bool:
        return any(
            v not in (None, "")
            for v in (
                self.usefulness,
                self.applicability,
                self.would_recommend,
                self.comment.strip(),
                self.pre_score,
                self.post_score,
            )
        )


_REACTION_FIELDS = [
    "usefulness",
    "applicability",
    "would_recommend",
    "reaction_comment",
    "pre_score",
    "post_score",
]


def _store_reaction(enrolment: Enrolment, reaction: Reaction) -> None:
    enrolment.usefulness = reaction.usefulness
    enrolment.applicability = reaction.applicability
    enrolment.would_recommend = reaction.would_recommend
    enrolment.reaction_comment = reaction.comment.strip()
    enrolment.pre_score = reaction.pre_score
    enrolment.post_score = reaction.post_score


def _skills_of(item: LearningItem) -> list[ItemSkill]:
    return list(item.skills.select_related("skill__category").filter(skill__is_active=True))


@transaction.atomic
def complete(
    *,
    actor: User,
    enrolment: Enrolment,
    reaction: Reaction | None = None,
    now: datetime | None = None,
) -> Enrolment:
    """Finish an enrolment (the person, their managers, HR) and record, for each skill the
    item develops, a "learning" assertion at the item's level, which waits for the manager's
    confirmation. On-the-job tasks are finished by sign-off instead; a session-based
    enrolment needs its attendance marked first."""
    enrolment = _locked(enrolment)
    person, item = enrolment.person, enrolment.item
    _require_act_on(actor, person, _("You cannot complete this enrolment."))
    _require_learning(enrolment)
    if item.kind == Kind.ON_THE_JOB:
        raise ServiceError(
            _("An on-the-job task is complete when its named assessors sign it off.")
        )
    if enrolment.session_id is not None and enrolment.attended is not True:
        raise ServiceError(
            _("%(name)s was marked absent from the session.") % {"name": person.full_name}
            if enrolment.attended is False
            else _(
                "Attendance at the session has not been marked yet: the manager or HR marks "
                "it after the session."
            )
        )
    if not person.is_active:
        raise ServiceError(_("%(name)s has left.") % {"name": person.full_name})
    reaction = reaction or Reaction()
    reaction.check()
    now = now or timezone.now()
    _store_reaction(enrolment, reaction)
    enrolment.status, enrolment.progress, enrolment.completed_at = (
        EnrolmentStatus.COMPLETED,
        100,
        now,
    )
    enrolment.save(update_fields=["status", "progress", "completed_at", *_REACTION_FIELDS])
    skills = _skills_of(item)
    for item_skill in skills:
        record_system_assertion(
            person=person,
            skill=item_skill.skill,
            level=item_skill.level,
            source=Source.LEARNING,
            note=_("Completed “%(title)s”.") % {"title": item.title},
            rater=actor,
            at=now,
        )
    audit(
        actor=actor,
        action="learning.complete",
        obj=enrolment,
        summary=f"{person.full_name} completed '{item.title}'",
    )
    if skills and person.manager is not None:
        names = ", ".join(f"{s.skill.name} {s.level}" for s in skills)
        _notify(
            [person.manager],
            lambda p: (
                _("%(name)s completed “%(title)s”")
                % {"name": person.full_name, "title": item.title},
                _("Confirm the levels it brings (%(skills)s) in your validation queue.")
                % {"skills": names},
                reverse("people:validation"),
            ),
        )
    return enrolment


@transaction.atomic
def record_reaction(*, actor: User, enrolment: Enrolment, reaction: Reaction) -> Enrolment:
    """The person answers the reaction survey of a completed item (e.g. a signed-off task)."""
    enrolment = _locked(enrolment)
    if not is_self(actor, enrolment.person):
        raise NotAllowed(_("Only the learner answers the reaction survey."))
    if enrolment.status != EnrolmentStatus.COMPLETED:
        raise Conflict(_("Tell us how it was once the item is completed."))
    reaction.check()
    _store_reaction(enrolment, reaction)
    enrolment.save(update_fields=_REACTION_FIELDS)
    return enrolment


@transaction.atomic
def cancel(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """Withdraw a request or leave an item (the person, their managers, HR); frees the seat."""
    enrolment = _locked(enrolment)
    _require_act_on(actor, enrolment.person, _("You cannot cancel this enrolment."))
    if enrolment.status not in OPEN:
        raise Conflict(
            _("This enrolment is %(status)s and cannot be cancelled.")
            % {"status": enrolment.get_status_display().lower()}
        )
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.save(update_fields=["status"])
    enrolment.signoffs.filter(decision=SignOffDecision.PENDING).delete()
    audit(
        actor=actor,
        action="learning.cancel",
        obj=enrolment,
        summary=f"Enrolment of {enrolment.person.full_name} in '{enrolment.item.title}' cancelled",
    )
    return enrolment


# --- home page -----------------------------------------------------------------------------


def home_panel(user: User, person: Person | None) -> dict[str, Any]:
    """The "Learning" card of the home page in one query: one's open enrolments, hours this
    month against the allowance, sign-offs one was asked for and (managers, HR) requests
    waiting for a decision."""
    if person is None:
        return {}
    first, last = month_bounds(*this_month())

    def count(qs: QuerySet[Any]) -> Subquery:
        return Subquery(
            qs.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("*")).values("n"),
            output_field=IntegerField(),
        )

    hours = (
        LearningHours.objects.filter(person=OuterRef("pk"), date__range=(first, last))
        .order_by()
        .values("person")
        .annotate(t=Sum("hours"))
        .values("t")
    )
    annotations: dict[str, Any] = {
        "open_count": count(Enrolment.objects.filter(person=OuterRef("pk"), status__in=OPEN)),
        "signoff_count": count(
            SignOff.objects.filter(
                assessor=OuterRef("pk"),
                decision=SignOffDecision.PENDING,
                enrolment__status=EnrolmentStatus.AWAITING_SIGNOFF,
            )
        ),
        "month_hours": Subquery(hours, output_field=DecimalField()),
        "allowance": Subquery(
            OrgSettings.objects.filter(pk=1).values("learning_hours_per_month"),
            output_field=DecimalField(),
        ),
    }
    if user.access_level in (AccessLevel.MANAGER, AccessLevel.ADMIN):
        annotations["approval_count"] = count(approvals_for(user))
    row = Person.objects.filter(pk=person.pk).annotate(**annotations).values(*annotations).get()
    # No settings row yet: the model's default allowance (without another query).
    allowance = (
        row["allowance"] if row["allowance"] is not None else OrgSettings().learning_hours_per_month
    )
    return {
        "learning": {
            "open": row["open_count"] or 0,
            "signoffs": row["signoff_count"] or 0,
            "approvals": row.get("approval_count"),
            "month": MonthHours(
                first.year, first.month, Decimal(row["month_hours"] or 0), Decimal(allowance)
            ),
        }
    }


# --- due dates -----------------------------------------------------------------------------

DUE_SOON_DAYS = 7
OVERDUE_REMINDER_DAYS = 14
DUE_REMINDER_GAP = timedelta(days=6)


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Remind learners of items due within ``DUE_SOON_DAYS`` days or overdue by at most
    ``OVERDUE_REMINDER_DAYS`` (in-app and email), at most once per enrolment per
    ``DUE_REMINDER_GAP``: safe to run daily, or twice. Returns how many were reminded."""
    from seedbed.notifications.models import Notification
    from seedbed.notifications.services import notify

    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(
        Enrolment.objects.filter(
            status__in=LEARNING,
            due_date__lte=today + timedelta(days=DUE_SOON_DAYS),
            due_date__gte=today - timedelta(days=OVERDUE_REMINDER_DAYS),
            person__is_active=True,
        ).select_related("person__user", "item")
    )
    recent = set(
        Notification.objects.filter(
            kind=DUE_NOTIFICATION_KIND,
            created_at__gte=now - DUE_REMINDER_GAP,
            link__in=[_link(e) for e in due],
        ).values_list("link", flat=True)
    )
    reminded = 0
    for enrolment in due:
        if _link(enrolment) in recent:
            continue
        title, due_date, link = enrolment.item.title, enrolment.due_date, _link(enrolment)
        assert due_date is not None

        def write(
            p: Person, title: str = title, due_date: date = due_date, link: str = link
        ) -> tuple[str, str, str]:
            if due_date < today:
                return (
                    _("Overdue: “%(title)s”") % {"title": title},
                    _("It was due on %(date)s. Finish it, or agree a new date with your manager.")
                    % {"date": due_date.isoformat()},
                    link,
                )
            return (
                _("Due on %(date)s: “%(title)s”") % {"date": due_date.isoformat(), "title": title},
                _("Log your progress or mark it complete in Seedbed."),
                link,
            )

        notify(recipients=[enrolment.person], kind=DUE_NOTIFICATION_KIND, write=write, now=now)
        reminded += 1
    return reminded
