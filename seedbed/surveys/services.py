"""Survey and freshness operations: launch, answer, close and remind campaigns; find, confirm
and nudge about stale levels; the daily housekeeping and its schedule.

Answers are evidence: they are recorded as self-ratings through ``seedbed.skills.services``
(permission, scale and archive checks included), so the current levels and the managers'
validation queue follow as for any self-rating. Notifications and their emails go through
``seedbed.notifications.services.notify``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.accounts.models import AccessLevel
from seedbed.accounts.services import audit
from seedbed.lib.errors import Conflict, NotAllowed, NotFound, ServiceError
from seedbed.notifications.models import Kind, Notification
from seedbed.notifications.services import notify, send_pending_emails
from seedbed.people.models import Person, PersonQuerySet, Team
from seedbed.skills.models import PersonSkill, PersonSkillQuerySet, Skill, Source
from seedbed.skills.selectors import review_interval_months, stale_cutoff
from seedbed.skills.services import (
    NewAssertion,
    check_level,
    check_may_assert,
    level_bounds_by_category,
    record_assertion,
    record_assertions_bulk,
)
from seedbed.surveys.models import (
    Campaign,
    CampaignStatus,
    ScheduledJob,
    Scope,
    SurveyItem,
    SurveyTask,
    TaskStatus,
)

if TYPE_CHECKING:
    from seedbed.accounts.models import User
    from seedbed.frameworks.models import Role
    from seedbed.skills.models import Assertion

# Housekeeping reminds people behind from this many days before a deadline...
REMINDER_DAYS_BEFORE_DEADLINE = 3
# ...until this many days after it (a campaign nobody closed stops nagging).
REMINDER_DAYS_AFTER_DEADLINE = 7
# Gaps between two reminders of one task: automatic (daily housekeeping) and by button.
AUTO_REMINDER_GAP = timedelta(hours=20)
MANUAL_REMINDER_GAP = timedelta(hours=1)
# At most one stale-level nudge per person in this time.
NUDGE_EVERY = timedelta(days=7)
HOUSEKEEPING = "daily_housekeeping"
MAX_DEADLINE_DAYS = 366


def _check_admin(actor: User) -> None:
    if not (actor.is_active and actor.access_level == AccessLevel.ADMIN):
        raise NotAllowed(_("Only admins can launch, close or cancel surveys."))


def _task_link(task_id: int) -> str:
    return reverse("surveys:task", args=[task_id])


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


# --- scope -------------------------------------------------------------------------------


def team_with_subteams(team_id: int) -> set[int]:
    """The team and every team below it (one query; a corrupt cycle stops the walk)."""
    children: dict[int | None, list[int]] = {}
    for tid, parent in Team.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(tid)
    found: set[int] = set()
    todo = [team_id]
    while todo:
        tid = todo.pop()
        if tid not in found:
            found.add(tid)
            todo.extend(children.get(tid, []))
    return found


def people_in_scope(
    *, scope: str, team: Team | None = None, role: Role | None = None
) -> PersonQuerySet:
    """Active people in a campaign's scope (every one, not only those with a login)."""
    people = Person.objects.active()
    if scope == Scope.TEAM and team is not None:
        return people.filter(team_id__in=team_with_subteams(team.pk))
    if scope == Scope.ROLE and role is not None:
        return people.filter(role=role)
    return people


# --- campaigns ---------------------------------------------------------------------------


@transaction.atomic
def launch_campaign(
    *,
    actor: User,
    name: str,
    message: str = "",
    scope: str,
    team: Team | None = None,
    role: Role | None = None,
    deadline: date,
    now: datetime | None = None,
) -> Campaign:
    """Launch a survey (admins). Every active person in scope who can sign in gets a task
    listing the skills their role requires plus those they already hold; people without a
    login are left out (they could not answer). Each person is notified (in-app and by email)
    by a background task once this commits."""
    _check_admin(actor)
    now = now or timezone.now()
    name = " ".join(name.split())
    if not name:
        raise ServiceError(_("Give the survey a name."), field="name")
    if len(name) > 200:
        raise ServiceError(_("The name is too long (at most 200 characters)."), field="name")
    message = message.strip()
    if len(message) > 5000:
        raise ServiceError(_("The message is too long (at most 5000 characters)."), field="message")
    if scope not in Scope.values:
        raise ServiceError(_("Choose who is asked: everyone, a team or a role."), field="scope")
    if scope == Scope.TEAM and team is None:
        raise ServiceError(_("Choose the team to survey."), field="team")
    if scope == Scope.ROLE and role is None:
        raise ServiceError(_("Choose the role to survey."), field="role")
    today = timezone.localdate(now)
    if deadline < today:
        raise ServiceError(_("The deadline has passed; choose a later date."), field="deadline")
    if deadline > today + timedelta(days=MAX_DEADLINE_DAYS):
        raise ServiceError(_("Choose a deadline within a year."), field="deadline")
    team = team if scope == Scope.TEAM else None
    role = role if scope == Scope.ROLE else None
    in_scope = people_in_scope(scope=scope, team=team, role=role)
    people = list(in_scope.filter(user__is_active=True).values_list("id", "role_id", "team_id"))
    if not people:
        raise ServiceError(
            _("Nobody in this scope can take part: no active people with a login."),
            field="team" if team else "role" if role else "scope",
        )
    campaign = Campaign.objects.create(
        name=name,
        message=message,
        scope=scope,
        team=team,
        role=role,
        deadline=deadline,
        created_by=actor,
        created_at=now,
    )
    tasks = SurveyTask.objects.bulk_create(
        [
            SurveyTask(campaign=campaign, person_id=pid, team_id=tid, created_at=now)
            for pid, _rid, tid in people
        ],
        batch_size=1000,
    )
    SurveyItem.objects.bulk_create(_items_for(tasks, people), batch_size=2000)
    left_out = in_scope.count() - len(people)
    audit(
        actor=actor,
        action="survey.launch",
        obj=campaign,
        summary=f"Survey '{name}' launched for {len(people)} people",
        changes={"people": len(people), "without_login": left_out, "deadline": str(deadline)},
    )
    campaign_id = campaign.pk
    transaction.on_commit(lambda: _queue_announcement(campaign_id))
    return campaign


def _items_for(
    tasks: list[SurveyTask], people: Sequence[tuple[int, int | None, int | None]]
) -> list[SurveyItem]:
    """Each task's skills: its person's role requirements, then the skills they hold
    (active skills only). Two queries whatever the number of people."""
    from seedbed.frameworks.models import RoleRequirement

    role_of = {pid: rid for pid, rid, _tid in people}
    required: dict[int, dict[int, int]] = {}
    for rid, sid, level in RoleRequirement.objects.filter(
        role_id__in={r for r in role_of.values() if r}, skill__is_active=True
    ).values_list("role_id", "skill_id", "required_level"):
        required.setdefault(rid, {})[sid] = level
    held: dict[int, list[int]] = {}
    for pid, sid in PersonSkill.objects.filter(
        person_id__in=role_of, skill__is_active=True
    ).values_list("person_id", "skill_id"):
        held.setdefault(pid, []).append(sid)
    items = []
    for task in tasks:
        reqs = required.get(role_of[task.person_id] or 0, {})
        for sid, level in reqs.items():
            items.append(SurveyItem(task=task, skill_id=sid, required_level=level))
        for sid in held.get(task.person_id, []):
            if sid not in reqs:
                items.append(SurveyItem(task=task, skill_id=sid))
    return items


def _queue_announcement(campaign_id: int) -> None:
    from seedbed.surveys.tasks import announce_campaign

    announce_campaign.enqueue(campaign_id)


def announce(*, campaign_id: int) -> int:
    """Tell every person with an open task of an open campaign about it (in-app and email),
    once: people already told about their task are skipped, so running it again is safe."""
    campaign = Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.OPEN).first()
    if campaign is None:
        return 0
    tasks = list(
        campaign.tasks.filter(status=TaskStatus.OPEN, person__is_active=True)
        .select_related("person__user")
        .annotate(item_count=Count("items"))
    )
    told = set(
        Notification.objects.filter(
            kind=Kind.SURVEY_TASK, link__in=[_task_link(t.pk) for t in tasks]
        ).values_list("link", flat=True)
    )
    tasks = [t for t in tasks if _task_link(t.pk) not in told]
    by_person = {t.person_id: t for t in tasks}

    def write(person: Person) -> tuple[str, str, str]:
        task = by_person[person.pk]
        ask = ngettext(
            "Please rate your level in %(n)d skill by %(date)s. Your manager then validates "
            "your ratings.",
            "Please rate your level in %(n)d skills by %(date)s. Your manager then validates "
            "your ratings.",
            task.item_count,
        ) % {"n": task.item_count, "date": _day(campaign.deadline)}
        body = f"{campaign.message}\n\n{ask}" if campaign.message else ask
        return _("Skill survey: %(name)s") % {"name": campaign.name}, body, _task_link(task.pk)

    notify(recipients=[t.person for t in tasks], kind=Kind.SURVEY_TASK, write=write)
    return len(tasks)


@transaction.atomic
def close_campaign(*, actor: User, campaign: Campaign, cancel: bool = False) -> Campaign:
    """Close a campaign (admins): its open tasks leave people's to-do lists; answers given
    stay. ``cancel`` marks it cancelled instead of closed (it was a mistake)."""
    _check_admin(actor)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != CampaignStatus.OPEN:
        raise Conflict(
            _("This survey is already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    campaign.status = CampaignStatus.CANCELLED if cancel else CampaignStatus.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    audit(
        actor=actor,
        action="survey.cancel" if cancel else "survey.close",
        obj=campaign,
        summary=f"Survey '{campaign.name}' {campaign.status}",
    )
    return campaign


# --- answering ---------------------------------------------------------------------------


@transaction.atomic
def submit_answers(
    *,
    actor: User,
    task: SurveyTask,
    answers: Mapping[int, int],
    complete: bool = False,
    note: str = "",
    at: datetime | None = None,
) -> SurveyTask:
    """Answer some or all of a task's skills (``answers``: skill id -> level) and, with
    ``complete``, mark the task done, which needs every skill answered. Each answer is a
    self-rating, even at the level the person already has (that confirms it and makes it
    fresh); an answer equal to the one already given in this task records nothing new.
    ``at`` backdates the evidence (demo data); views and API never pass it."""
    task = (
        SurveyTask.objects.select_for_update().select_related("campaign", "person").get(pk=task.pk)
    )
    person = task.person
    if person.user_id != actor.pk:
        raise NotAllowed(_("This survey task belongs to someone else."))
    if task.campaign.status != CampaignStatus.OPEN:
        raise ServiceError(_("This survey is closed; answers are no longer taken."))
    check_may_assert(actor, person, Source.SELF)
    if not person.is_active:
        raise ServiceError(_("You have left; your skills can no longer be rated."))
    items = {
        item.skill_id: item
        for item in task.items.select_related("skill").filter(skill__is_active=True)
    }
    bounds = level_bounds_by_category()
    rows: list[NewAssertion] = []
    moment = at or timezone.now()
    for skill_id, level in answers.items():
        item = items.get(skill_id)
        if item is None:
            name = Skill.objects.filter(pk=skill_id).values_list("name", flat=True).first()
            raise ServiceError(
                _("%(skill)s is not part of this survey.")
                % {"skill": name or _("Skill %(id)s") % {"id": skill_id}},
                field="answers",
            )
        check_level(item.skill, level, bounds=bounds)
        if item.answered_at is not None and item.level == level:
            continue
        rows.append(NewAssertion(person.pk, skill_id, level, Source.SELF, note.strip(), at=moment))
        item.level, item.answered_at = level, moment
    if rows:
        record_assertions_bulk(
            actor=actor,
            rows=rows,
            summary=f"{person.full_name}: {len(rows)} answers to survey '{task.campaign.name}'",
        )
        SurveyItem.objects.bulk_update([items[r.skill_id] for r in rows], ["level", "answered_at"])
    if complete and task.status != TaskStatus.DONE:
        missing = [i.skill.name for i in items.values() if i.answered_at is None]
        if missing:
            raise ServiceError(
                ngettext(
                    "Rate every skill first: %(n)d has no level yet (%(skills)s).",
                    "Rate every skill first: %(n)d have no level yet (%(skills)s).",
                    len(missing),
                )
                % {"n": len(missing), "skills": ", ".join(sorted(missing)[:5])},
                field="answers",
            )
        task.status, task.completed_at = TaskStatus.DONE, moment
        task.save(update_fields=["status", "completed_at"])
        audit(
            actor=actor,
            action="survey.complete",
            obj=task,
            summary=f"{person.full_name} completed survey '{task.campaign.name}'",
        )
    return task


# --- reminders ---------------------------------------------------------------------------


@transaction.atomic
def send_reminders(
    *,
    actor: User | None,
    campaign: Campaign,
    min_gap: timedelta = MANUAL_REMINDER_GAP,
    now: datetime | None = None,
) -> int:
    """Remind the people behind (open task, active, with a login) of an open campaign, in-app
    and by email, skipping anyone reminded within ``min_gap``. A manager reminds only their
    reporting line, an admin everyone; ``actor`` None is the daily housekeeping. Returns how
    many were reminded."""
    now = now or timezone.now()
    tasks = campaign.tasks.all()
    if actor is not None:
        if not (actor.is_active and actor.access_level in (AccessLevel.ADMIN, AccessLevel.MANAGER)):
            raise NotAllowed(_("Only managers and admins can send reminders."))
        tasks = tasks.visible_to(actor)
    if campaign.status != CampaignStatus.OPEN:
        raise ServiceError(_("This survey is closed; there is nobody to remind."))
    behind = list(
        tasks.filter(
            Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=now - min_gap),
            status=TaskStatus.OPEN,
            person__is_active=True,
            person__user__is_active=True,
        )
        .select_related("person__user")
        .annotate(left=Count("items", filter=Q(items__answered_at__isnull=True)))
    )
    if not behind:
        return 0
    by_person = {t.person_id: t for t in behind}
    overdue = campaign.deadline < timezone.localdate(now)

    def write(person: Person) -> tuple[str, str, str]:
        task = by_person[person.pk]
        names = {"name": campaign.name, "date": _day(campaign.deadline)}
        title = (
            _("Overdue: %(name)s was due on %(date)s") % names
            if overdue
            else _("Reminder: %(name)s is due on %(date)s") % names
        )
        body = (
            ngettext(
                "%(n)d skill in your survey has no rating yet.",
                "%(n)d skills in your survey have no rating yet.",
                task.left,
            )
            % {"n": task.left}
            if task.left
            else _("Every skill has a rating: mark your survey as done.")
        )
        return title, body, _task_link(task.pk)

    notify(
        recipients=[t.person for t in behind],
        kind=Kind.SURVEY_REMINDER,
        write=write,
        now=now,
    )
    SurveyTask.objects.filter(pk__in=[t.pk for t in behind]).update(
        last_reminded_at=now, reminder_count=F("reminder_count") + 1
    )
    if actor is not None:
        audit(
            actor=actor,
            action="survey.remind",
            obj=campaign,
            summary=f"Reminded {len(behind)} people of survey '{campaign.name}'",
        )
    return len(behind)


# --- staleness ---------------------------------------------------------------------------


def stale_levels(
    person: Person | None = None, *, now: datetime | None = None
) -> PersonSkillQuerySet:
    """Current levels whose newest evidence is older than the organisation's review interval
    (see ``seedbed.skills.rules``), oldest first: one person's, or every active person's.
    Archived skills are left out. Callers scope the result to what the user may see."""
    qs = PersonSkill.objects.filter(
        last_evidence_at__lt=stale_cutoff(now), skill__is_active=True
    ).select_related("skill", "person")
    qs = qs.filter(person=person) if person is not None else qs.filter(person__is_active=True)
    return qs.order_by("last_evidence_at", "id")


@transaction.atomic
def confirm_level(*, actor: User, person: Person, skill: Skill) -> Assertion:
    """ "Still true": a new self-rating at the level the person holds (their own pending
    rating, if one waits for validation), which makes the level fresh and puts it in the
    manager's validation queue."""
    ps = PersonSkill.objects.filter(person=person, skill=skill).first()
    if ps is None:
        raise NotFound(
            _("There is no level in %(skill)s to confirm yet; rate it first.")
            % {"skill": skill.name},
            field="skill",
        )
    level = ps.self_level if ps.pending_validation and ps.self_level is not None else ps.level
    return record_assertion(
        actor=actor,
        person=person,
        skill=skill,
        level=level,
        source=Source.SELF,
        note=_("Confirmed: still at this level."),
    )


def nudge_stale(*, now: datetime | None = None) -> int:
    """Nudge everyone who has stale levels and can sign in to confirm or update them (in-app
    and email), at most once per ``NUDGE_EVERY``: the last nudge is the newest notification of
    its kind. Returns how many people were nudged."""
    now = now or timezone.now()
    months = review_interval_months()
    recently = Notification.objects.filter(
        kind=Kind.STALE_LEVELS, created_at__gt=now - NUDGE_EVERY
    ).values("recipient_id")
    counts = {
        row["person_id"]: row
        for row in PersonSkill.objects.filter(
            last_evidence_at__lt=stale_cutoff(now, months=months),
            skill__is_active=True,
            person__is_active=True,
            person__user__is_active=True,
        )
        .exclude(person_id__in=recently)
        .values("person_id")
        .annotate(n=Count("id"), oldest=Min("last_evidence_at"))
        .order_by("person_id")
    }
    if not counts:
        return 0
    people = Person.objects.filter(pk__in=counts).select_related("user")

    def write(person: Person) -> tuple[str, str, str]:
        n = counts[person.pk]["n"]
        title = ngettext(
            "%(n)d of your skill levels needs a check",
            "%(n)d of your skill levels need a check",
            n,
        ) % {"n": n}
        body = ngettext(
            "Nobody has confirmed %(n)d of your skill levels for more than %(months)d months.",
            "Nobody has confirmed %(n)d of your skill levels for more than %(months)d months.",
            n,
        ) % {"n": n, "months": months}
        body += " " + _("Open My skills: press Confirm where a level still holds, or rate it anew.")
        return title, body, reverse("skills:my_skills")

    return len(notify(recipients=people, kind=Kind.STALE_LEVELS, write=write, now=now))


# --- housekeeping and its schedule -------------------------------------------------------


@dataclass(frozen=True)
class HousekeepingResult:
    campaigns: int
    reminders: int
    nudges: int
    emails: int


def run_housekeeping(*, now: datetime | None = None) -> HousekeepingResult:
    """The daily round, safe to run any number of times:
    1. remind those behind in open campaigns due within ``REMINDER_DAYS_BEFORE_DEADLINE``
       days or overdue by at most ``REMINDER_DAYS_AFTER_DEADLINE`` (at most one reminder per
       task per ``AUTO_REMINDER_GAP``);
    2. nudge people about stale levels (at most weekly each);
    3. mail notifications whose email failed earlier;
    then record when it finished."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Campaign.objects.filter(
        status=CampaignStatus.OPEN,
        deadline__lte=today + timedelta(days=REMINDER_DAYS_BEFORE_DEADLINE),
        deadline__gte=today - timedelta(days=REMINDER_DAYS_AFTER_DEADLINE),
    )
    campaigns = reminders = 0
    for campaign in due:
        campaigns += 1
        reminders += send_reminders(
            actor=None, campaign=campaign, min_gap=AUTO_REMINDER_GAP, now=now
        )
    nudges = nudge_stale(now=now)
    emails = send_pending_emails()
    result = HousekeepingResult(campaigns, reminders, nudges, emails)
    job, _created = ScheduledJob.objects.get_or_create(name=HOUSEKEEPING)
    job.last_finished_at = timezone.now()
    job.last_result = asdict(result)
    job.save(update_fields=["last_finished_at", "last_result"])
    return result


def claim_run(*, name: str, interval: timedelta, now: datetime | None = None) -> bool:
    """True if the periodic job ``name`` is due (never started, or last started at least
    ``interval`` ago), recording this start. One conditional UPDATE, so of several workers
    asking at once exactly one gets True, and a restarted worker does not run it again early."""
    now = now or timezone.now()
    ScheduledJob.objects.get_or_create(name=name)
    due = Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - interval)
    return ScheduledJob.objects.filter(due, name=name).update(last_started_at=now) == 1


def mark_started(*, name: str, now: datetime | None = None) -> None:
    """Record a start made by hand (``seedbed manage housekeeping``), so the scheduler waits a
    full interval after it."""
    job, _created = ScheduledJob.objects.get_or_create(name=name)
    job.last_started_at = now or timezone.now()
    job.save(update_fields=["last_started_at"])


def queue_housekeeping_if_due(*, interval_seconds: int, now: datetime | None = None) -> bool:
    """The scheduler's step: queue the ``daily_housekeeping`` task if it is due."""
    if not claim_run(name=HOUSEKEEPING, interval=timedelta(seconds=interval_seconds), now=now):
        return False
    from seedbed.surveys.tasks import daily_housekeeping

    daily_housekeeping.enqueue()
    return True
