"""What happens in a mentoring pair once it runs: sessions, goals, the end, feedback, and the
daily reminders for pairs that have gone quiet.

Who may do what (``side_of`` is the actor's side of the pair, if any):
- see a pair, its sessions' topics and goals: ``Pair.objects.visible_to`` (the two people,
  their managers, HR admins);
- see a session's private notes: only the two people of the pair — never their managers,
  never HR (``may_see_private``);
- log, change and delete sessions, add and change goals: the two people, while the pair is
  active;
- end a pair: either side or an HR admin, while it is active (cohort pairs also end on the
  programme's end date, in the daily housekeeping);
- give feedback: each side once, after the pair has ended. The ratings are read by their
  author and HR admins (programme metrics show only aggregates to managers).
Everyone else gets NotAllowed; pages and API hide pairs they cannot see with a 404 first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.services import audit
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.mentoring.models import (
    Feedback,
    MentoringSession,
    Pair,
    PairGoal,
    PairGoalState,
    PairState,
    ProgrammeKind,
)
from seedbed.notifications.models import Kind
from seedbed.notifications.services import notify
from seedbed.skills.models import Skill
from seedbed.skills.services import check_level

if TYPE_CHECKING:
    from seedbed.accounts.models import User
    from seedbed.people.models import Person

MAX_MINUTES = 600
MAX_SESSION_SKILLS = 20
MAX_GOALS = 20
DEFAULT_QUIET_DAYS = 30  # pairs outside a programme (self-service requests)


# --- who may do what ---------------------------------------------------------------------


def side_of(user: User, pair: Pair) -> str | None:
    """ "mentor", "mentee" or None: which side of ``pair`` the signed-in ``user`` is on.
    Reads ``pair.mentor`` and ``pair.mentee`` (select them with the pair)."""
    if not (user.is_authenticated and user.is_active):
        return None
    if pair.mentor.user_id == user.pk:
        return "mentor"
    if pair.mentee.user_id == user.pk:
        return "mentee"
    return None


def may_see_private(user: User, pair: Pair) -> bool:
    """Private session notes: the two people of the pair only (not managers, not HR)."""
    return side_of(user, pair) is not None


def may_work_on(user: User, pair: Pair) -> bool:
    """Log sessions and keep goals: the two people, while the pair is active."""
    return pair.state == PairState.ACTIVE and side_of(user, pair) is not None


def may_end(user: User, pair: Pair) -> bool:
    return pair.state == PairState.ACTIVE and (side_of(user, pair) is not None or user.is_admin)


def may_give_feedback(user: User, pair: Pair, given_by: set[int]) -> bool:
    """``given_by``: person ids who already gave feedback on this pair."""
    if pair.state != PairState.ENDED or side_of(user, pair) is None:
        return False
    me = pair.mentor if side_of(user, pair) == "mentor" else pair.mentee
    return me.pk not in given_by


def may_read_feedback(user: User, feedback: Feedback) -> bool:
    """A rating is read by its author and by HR admins."""
    return user.is_admin or (feedback.author.user_id == user.pk and user.is_active)


def _check_work(actor: User, pair: Pair) -> Person:
    side = side_of(actor, pair)
    if side is None:
        raise NotAllowed(_("Only the mentor and the mentee of this pair can do this."))
    if pair.state != PairState.ACTIVE:
        raise Conflict(_("This pair is not active."))
    return pair.mentor if side == "mentor" else pair.mentee


def _pair_label(pair: Pair) -> str:
    return f"{pair.mentor.full_name} → {pair.mentee.full_name}"


def pair_url(pair: Pair) -> str:
    return reverse("mentoring:pair", args=[pair.pk])


# --- sessions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionData:
    """What a session records: when, how long, topics (seen by the pair, their managers and
    HR), private notes (seen by the pair only) and the skills worked on."""

    held_on: date
    minutes: int
    topics: str = ""
    private_notes: str = ""
    skills: Sequence[Skill] = ()


def _check_session(pair: Pair, data: SessionData, today: date) -> list[Skill]:
    if data.held_on > today:
        raise ServiceError(_("A session cannot be in the future."), field="held_on")
    if pair.started_at is not None and data.held_on < timezone.localdate(pair.started_at):
        raise ServiceError(
            _("The pair started on %(date)s; a session cannot be earlier.")
            % {"date": timezone.localdate(pair.started_at).isoformat()},
            field="held_on",
        )
    if not 1 <= data.minutes <= MAX_MINUTES:
        raise ServiceError(
            _("A session lasts between 1 and %(max)s minutes.") % {"max": MAX_MINUTES},
            field="minutes",
        )
    if len(data.topics) > 2000:
        raise ServiceError(_("Keep the topics under 2,000 characters."), field="topics")
    if len(data.private_notes) > 5000:
        raise ServiceError(
            _("Keep the private notes under 5,000 characters."), field="private_notes"
        )
    skills = list({s.pk: s for s in data.skills}.values())
    if len(skills) > MAX_SESSION_SKILLS:
        raise ServiceError(
            _("At most %(n)s skills per session.") % {"n": MAX_SESSION_SKILLS}, field="skills"
        )
    for skill in skills:
        if not skill.is_active:
            raise ServiceError(_("%(skill)s is archived.") % {"skill": skill.name}, field="skills")
    return skills


@transaction.atomic
def log_session(
    *, actor: User, pair: Pair, data: SessionData, now: datetime | None = None
) -> MentoringSession:
    """Either side logs a session of an active pair; the pair's last activity becomes now."""
    now = now or timezone.now()
    author = _check_work(actor, pair)
    skills = _check_session(pair, data, timezone.localdate(now))
    session = MentoringSession.objects.create(
        pair=pair,
        held_on=data.held_on,
        minutes=data.minutes,
        topics=data.topics.strip(),
        private_notes=data.private_notes.strip(),
        logged_by=actor,
        created_at=now,
    )
    session.skills.set(skills)
    pair.last_activity_at = now
    pair.save(update_fields=["last_activity_at"])
    audit(
        actor=actor,
        action="mentoring.session.log",
        obj=session,
        # Never the topics or notes: the audit log is read by HR.
        summary=f"{_pair_label(pair)}: session of {data.held_on} logged by {author.full_name}",
    )
    return session


@transaction.atomic
def update_session(
    *, actor: User, session: MentoringSession, data: SessionData, now: datetime | None = None
) -> MentoringSession:
    now = now or timezone.now()
    pair = session.pair
    _check_work(actor, pair)
    skills = _check_session(pair, data, timezone.localdate(now))
    session.held_on = data.held_on
    session.minutes = data.minutes
    session.topics = data.topics.strip()
    session.private_notes = data.private_notes.strip()
    session.save(update_fields=["held_on", "minutes", "topics", "private_notes"])
    session.skills.set(skills)
    audit(
        actor=actor,
        action="mentoring.session.update",
        obj=session,
        summary=f"{_pair_label(pair)}: session of {data.held_on} changed",
    )
    return session


@transaction.atomic
def delete_session(*, actor: User, session: MentoringSession) -> None:
    pair = session.pair
    _check_work(actor, pair)
    audit(
        actor=actor,
        action="mentoring.session.delete",
        obj=session,
        summary=f"{_pair_label(pair)}: session of {session.held_on} removed",
    )
    session.delete()


# --- goals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalData:
    """A pair's goal: a title, optionally a skill and the level to reach in it, progress in %
    and its state (open, achieved, dropped)."""

    title: str
    skill: Skill | None = None
    target_level: int | None = None
    progress: int = 0
    state: str = PairGoalState.OPEN


def _clean_goal(data: GoalData) -> GoalData:
    title = " ".join(data.title.split())
    if not title:
        raise ServiceError(_("A goal needs a title."), field="title")
    if len(title) > 200:
        raise ServiceError(_("Keep the goal under 200 characters."), field="title")
    if data.state not in PairGoalState.values:
        raise ServiceError(_("Choose open, achieved or dropped."), field="state")
    if not 0 <= data.progress <= 100:
        raise ServiceError(_("Progress is a percentage from 0 to 100."), field="progress")
    if data.target_level is not None and data.skill is None:
        raise ServiceError(_("Choose the skill the target level is for."), field="skill")
    if data.skill is not None:
        if not data.skill.is_active:
            raise ServiceError(
                _("%(skill)s is archived.") % {"skill": data.skill.name}, field="skill"
            )
        if data.target_level is not None:
            try:
                check_level(data.skill, data.target_level)
            except ServiceError as exc:
                raise ServiceError(exc.message, field="target_level") from None
    # An achieved goal is done: its progress is 100 %.
    progress = 100 if data.state == PairGoalState.ACHIEVED else data.progress
    return GoalData(title, data.skill, data.target_level, progress, data.state)


@transaction.atomic
def add_goal(*, actor: User, pair: Pair, data: GoalData) -> PairGoal:
    _check_work(actor, pair)
    clean = _clean_goal(data)
    if pair.goals.count() >= MAX_GOALS:
        raise Conflict(_("A pair has at most %(n)s goals.") % {"n": MAX_GOALS})
    goal = PairGoal.objects.create(
        pair=pair,
        title=clean.title,
        skill=clean.skill,
        target_level=clean.target_level,
        progress=clean.progress,
        state=clean.state,
    )
    audit(
        actor=actor,
        action="mentoring.goal.add",
        obj=goal,
        summary=f"{_pair_label(pair)}: goal '{goal.title}' added",
    )
    return goal


@transaction.atomic
def update_goal(*, actor: User, goal: PairGoal, data: GoalData) -> PairGoal:
    _check_work(actor, goal.pair)
    clean = _clean_goal(data)
    new = {
        "title": clean.title,
        "skill_id": clean.skill.pk if clean.skill else None,
        "target_level": clean.target_level,
        "progress": clean.progress,
        "state": clean.state,
    }
    changes = {f: [getattr(goal, f), v] for f, v in new.items() if getattr(goal, f) != v}
    if changes:
        for field, value in new.items():
            setattr(goal, field, value)
        goal.updated_at = timezone.now()
        goal.save(update_fields=[*new, "updated_at"])
        audit(
            actor=actor,
            action="mentoring.goal.update",
            obj=goal,
            summary=f"{_pair_label(goal.pair)}: goal '{goal.title}' changed",
            changes=changes,
        )
    return goal


@transaction.atomic
def delete_goal(*, actor: User, goal: PairGoal) -> None:
    _check_work(actor, goal.pair)
    audit(
        actor=actor,
        action="mentoring.goal.delete",
        obj=goal,
        summary=f"{_pair_label(goal.pair)}: goal '{goal.title}' removed",
    )
    goal.delete()


# --- the end and feedback ------------------------------------------------------------------


def _ask_for_feedback(pairs: Sequence[Pair], *, ended_by: str | None) -> None:
    for pair in pairs:
        link = pair_url(pair)

        def write(person: Person, pair: Pair = pair, link: str = link) -> tuple[str, str, str]:
            other = pair.mentee if person.pk == pair.mentor_id else pair.mentor
            title = _("Your mentoring with %(name)s has ended") % {"name": other.full_name}
            body = (
                _("%(name)s ended it.") % {"name": ended_by} + " "
                if ended_by
                else _("The programme has reached its end date.") + " "
            )
            body += _("Tell us how it went: it takes a minute and helps the next pairs.")
            return title, body, link

        notify(recipients=[pair.mentor, pair.mentee], kind=Kind.MENTORING, write=write)


@transaction.atomic
def end_pair(*, actor: User, pair: Pair, now: datetime | None = None) -> Pair:
    """Either side or an HR admin ends an active pair; both are asked for feedback."""
    now = now or timezone.now()
    if side_of(actor, pair) is None and not actor.is_admin:
        raise NotAllowed(_("Only the mentor, the mentee or an HR admin can end this pair."))
    if pair.state != PairState.ACTIVE:
        raise Conflict(_("Only an active pair can be ended."))
    pair.state = PairState.ENDED
    pair.ended_at = now
    pair.save(update_fields=["state", "ended_at"])
    audit(
        actor=actor,
        action="mentoring.pair.end",
        obj=pair,
        summary=f"{_pair_label(pair)}: mentoring ended",
    )
    _ask_for_feedback([pair], ended_by=str(actor))
    return pair


@transaction.atomic
def end_finished_cohorts(*, now: datetime | None = None) -> int:
    """End the active pairs of cohort programmes whose end date has passed; returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(
        Pair.objects.filter(
            state=PairState.ACTIVE,
            programme__kind=ProgrammeKind.COHORT,
            programme__ends_on__lt=today,
        ).select_related("mentor__user", "mentee__user")
    )
    for pair in due:
        pair.state = PairState.ENDED
        pair.ended_at = now
    Pair.objects.bulk_update(due, ["state", "ended_at"])
    for pair in due:
        audit(
            actor=None,
            action="mentoring.pair.end",
            obj=pair,
            summary=f"{_pair_label(pair)}: mentoring ended with the programme",
        )
    _ask_for_feedback(due, ended_by=None)
    return len(due)


@transaction.atomic
def give_feedback(*, actor: User, pair: Pair, rating: int, comment: str = "") -> Feedback:
    """Each side rates an ended pair once: satisfaction 1–5 and an optional comment."""
    side = side_of(actor, pair)
    if side is None:
        raise NotAllowed(_("Only the mentor and the mentee give feedback on this pair."))
    if pair.state != PairState.ENDED:
        raise Conflict(_("Feedback is given once the mentoring has ended."))
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ServiceError(_("Rate your satisfaction from 1 to 5."), field="rating")
    text = comment.strip()
    if len(text) > 2000:
        raise ServiceError(_("Keep the comment under 2,000 characters."), field="comment")
    author = pair.mentor if side == "mentor" else pair.mentee
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                pair=pair, author=author, rating=rating, comment=text
            )
    except IntegrityError:
        raise Conflict(_("You have already given feedback on this pair.")) from None
    audit(
        actor=actor,
        action="mentoring.feedback",
        obj=feedback,
        summary=f"{_pair_label(pair)}: feedback from the {side}",
    )
    return feedback


# --- quiet pairs ---------------------------------------------------------------------------


def quiet_since(pair: Pair) -> datetime | None:
    """When the pair was last heard of: its last logged session, else its start."""
    return pair.last_activity_at or pair.started_at or pair.published_at


def is_quiet(pair: Pair, now: datetime) -> bool:
    """Active with no session for the programme's ``quiet_after_days``."""
    since = quiet_since(pair)
    if pair.state != PairState.ACTIVE or since is None:
        return False
    days = pair.programme.quiet_after_days if pair.programme else DEFAULT_QUIET_DAYS
    return since <= now - timedelta(days=days)


@transaction.atomic
def send_quiet_reminders(*, now: datetime | None = None) -> int:
    """Remind both sides of every active pair that has gone quiet (in-app and email), at most
    once per quiet period: not again until a new session has been logged and the pair has gone
    quiet again. Returns the number of pairs reminded."""
    now = now or timezone.now()
    quiet = [
        pair
        for pair in Pair.objects.filter(state=PairState.ACTIVE).select_related(
            "programme", "mentor__user", "mentee__user"
        )
        if is_quiet(pair, now)
        and (pair.reminded_at is None or pair.reminded_at < (quiet_since(pair) or now))
    ]
    for pair in quiet:
        since = quiet_since(pair) or now
        days = (now - since).days
        link = pair_url(pair)

        def write(
            person: Person, pair: Pair = pair, days: int = days, link: str = link
        ) -> tuple[str, str, str]:
            other = pair.mentee if person.pk == pair.mentor_id else pair.mentor
            return (
                _("Time to meet %(name)s again?") % {"name": other.full_name},
                _(
                    "No mentoring session has been logged for %(days)s days. Plan your next "
                    "meeting and log it in Seedbed, or end the mentoring if it has run its course."
                )
                % {"days": days},
                link,
            )

        notify(recipients=[pair.mentor, pair.mentee], kind=Kind.MENTORING, write=write, now=now)
        pair.reminded_at = now
    Pair.objects.bulk_update(quiet, ["reminded_at"])
    return len(quiet)


def housekeeping(*, now: datetime | None = None) -> int:
    """The daily step: end cohort pairs past their programme's end, then remind quiet pairs.
    Returns the number of pairs ended or reminded."""
    return end_finished_cohorts(now=now) + send_quiet_reminders(now=now)
