"""On-the-job sign-off: named assessors judge a task; the rule below decides when it is done.

**Rule** (shown in the UI): the task is signed off when every named assessor has signed it off;
one "not yet" keeps it open. The level recorded for each skill is the lowest level the
assessors confirmed (never above the level the task develops), with source "assessment" and a
note naming the assessors.

**Who assesses**: the person's manager, or a colleague whose confirmed level (by a manager, an
assessment or a certificate) in each of the task's skills is at least the task's level. The
person's managers and HR name them; only the named assessor signs off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.services import audit
from seedbed.learning.models import (
    Enrolment,
    EnrolmentStatus,
    Kind,
    LearningItem,
    SignOff,
    SignOffDecision,
)
from seedbed.learning.services.enrolments import (
    _link,
    _locked,
    _notify,
    _require_learning,
    _skills_of,
    is_self,
    manages,
)
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.skills.models import PersonSkill, Source
from seedbed.skills.services import record_system_assertion

if TYPE_CHECKING:
    from seedbed.accounts.models import User
    from seedbed.people.models import Person

# Levels that count as "held" for an assessor: confirmed by someone other than the person.
CONFIRMED_SOURCES = (Source.MANAGER, Source.ASSESSMENT, Source.CERTIFICATION)


def signoffs_for(user: User) -> QuerySet[SignOff]:
    """The sign-offs ``user`` was named for, of tasks not finished yet."""
    return SignOff.objects.filter(
        assessor__user=user, enrolment__status=EnrolmentStatus.AWAITING_SIGNOFF
    )


def assessor_problem(person: Person, item: LearningItem, assessor: Person) -> str | None:
    """Why ``assessor`` cannot assess ``person`` on ``item`` (None when they can)."""
    if assessor.pk == person.pk:
        return _("Nobody assesses their own task.")
    if not assessor.is_active or assessor.user_id is None or not assessor.user.is_active:  # type: ignore[union-attr]
        return _("%(name)s has no active login to sign off with.") % {"name": assessor.full_name}
    if person.manager_id == assessor.pk:
        return None
    held = {
        sid: level
        for sid, level in PersonSkill.objects.filter(
            person=assessor, source__in=CONFIRMED_SOURCES
        ).values_list("skill_id", "level")
    }
    short = [
        _("%(skill)s %(have)s of %(need)s")
        % {"skill": s.skill.name, "have": held.get(s.skill_id, "–"), "need": s.level}
        for s in item.skills.select_related("skill")
        if held.get(s.skill_id, -1) < s.level
    ]
    if short:
        return _(
            "%(name)s cannot assess this task: an assessor is %(person)s's manager or a "
            "colleague with a confirmed level at least the task's in each of its skills "
            "(%(name)s: %(short)s)."
        ) % {"name": assessor.full_name, "person": person.full_name, "short": "; ".join(short)}
    return None


@transaction.atomic
def add_assessor(*, actor: User, enrolment: Enrolment, assessor: Person) -> SignOff:
    """Name an assessor for an on-the-job task (the person's managers and HR)."""
    enrolment = _locked(enrolment)
    person, item = enrolment.person, enrolment.item
    if is_self(actor, person) or not manages(actor, person):
        raise NotAllowed(_("Assessors are named by the person's manager or HR."))
    if item.kind != Kind.ON_THE_JOB:
        raise ServiceError(
            _("Only on-the-job tasks are signed off by assessors."), field="assessor"
        )
    _require_learning(enrolment)
    problem = assessor_problem(person, item, assessor)
    if problem:
        raise ServiceError(problem, field="assessor")
    if enrolment.signoffs.filter(assessor=assessor).exists():
        raise Conflict(
            _("%(name)s is already an assessor of this task.") % {"name": assessor.full_name},
            field="assessor",
        )
    signoff = SignOff.objects.create(enrolment=enrolment, assessor=assessor)
    if enrolment.status != EnrolmentStatus.AWAITING_SIGNOFF:
        enrolment.status = EnrolmentStatus.AWAITING_SIGNOFF
        enrolment.save(update_fields=["status"])
    audit(
        actor=actor,
        action="learning.assessor.add",
        obj=enrolment,
        summary=f"{assessor.full_name} assesses {person.full_name} on '{item.title}'",
    )
    _notify(
        [assessor],
        lambda p: (
            _("Please assess %(name)s on “%(title)s”")
            % {"name": person.full_name, "title": item.title},
            _("Sign the task off, or say what is still missing."),
            reverse("learning:signoffs"),
        ),
    )
    return signoff


@transaction.atomic
def remove_assessor(*, actor: User, signoff: SignOff) -> Enrolment:
    """Take back an assessor who has not decided yet (managers and HR). If every remaining
    assessor has passed the task, it is signed off."""
    enrolment = _locked(signoff.enrolment)
    if is_self(actor, enrolment.person) or not manages(actor, enrolment.person):
        raise NotAllowed(_("Assessors are named by the person's manager or HR."))
    _require_learning(enrolment)
    signoff = SignOff.objects.select_related("assessor").get(pk=signoff.pk)
    if signoff.decision != SignOffDecision.PENDING:
        raise Conflict(
            _("%(name)s has already judged the task; their judgement stays.")
            % {"name": signoff.assessor.full_name}
        )
    signoff.delete()
    audit(
        actor=actor,
        action="learning.assessor.remove",
        obj=enrolment,
        summary=f"{signoff.assessor.full_name} no longer assesses {enrolment.person.full_name}",
    )
    if not enrolment.signoffs.exists():
        enrolment.status = (
            EnrolmentStatus.IN_PROGRESS if enrolment.progress else EnrolmentStatus.ENROLLED
        )
        enrolment.save(update_fields=["status"])
    else:
        _finish_if_signed_off(actor, enrolment)
    return enrolment


def signoff_outcome(judgements: list[tuple[str, int | None]]) -> int | None:
    """The sign-off rule on (decision, level) pairs: the level to record when every named
    assessor passed the task (the lowest level they confirmed), else None."""
    if not judgements or any(d != SignOffDecision.PASS or lvl is None for d, lvl in judgements):
        return None
    return min(lvl for _d, lvl in judgements if lvl is not None)


def _finish_if_signed_off(actor: User, enrolment: Enrolment) -> bool:
    signoffs = list(enrolment.signoffs.select_related("assessor").order_by("assessor__full_name"))
    level = signoff_outcome([(s.decision, s.level) for s in signoffs])
    if level is None:
        return False
    person, item = enrolment.person, enrolment.item
    names = ", ".join(s.assessor.full_name for s in signoffs)
    enrolment.status, enrolment.progress, enrolment.completed_at = (
        EnrolmentStatus.COMPLETED,
        100,
        timezone.now(),
    )
    enrolment.save(update_fields=["status", "progress", "completed_at"])
    for item_skill in _skills_of(item):
        record_system_assertion(
            person=person,
            skill=item_skill.skill,
            level=min(level, item_skill.level),
            source=Source.ASSESSMENT,
            note=_("On-the-job task “%(title)s” signed off by %(names)s.")
            % {"title": item.title, "names": names},
            rater=actor,
        )
    audit(
        actor=actor,
        action="learning.signed_off",
        obj=enrolment,
        summary=f"'{item.title}' of {person.full_name} signed off by {names} at level {level}",
    )
    _notify(
        [person],
        lambda p: (
            _("“%(title)s” is signed off") % {"title": item.title},
            _("Signed off by %(names)s. Tell us how useful it was.") % {"names": names},
            _link(enrolment),
        ),
    )
    return True


def signoff_level_range(item: LearningItem) -> tuple[int, int]:
    """Levels an assessor may confirm: 1 up to the highest level the task develops."""
    levels = [s.level for s in item.skills.all()]
    return 1, max(levels) if levels else 5


@transaction.atomic
def sign_off(
    *, actor: User, signoff: SignOff, passed: bool, level: int | None = None, note: str = ""
) -> SignOff:
    """The named assessor's judgement: pass with the level they saw, or "not yet" with a note
    saying what is missing. They may change it until the task is signed off."""
    signoff = SignOff.objects.select_related("assessor").get(pk=signoff.pk)
    enrolment = _locked(signoff.enrolment)
    if signoff.assessor.user_id != actor.pk or not actor.is_active:
        raise NotAllowed(_("Only the named assessor signs this task off."))
    if enrolment.status != EnrolmentStatus.AWAITING_SIGNOFF:
        raise Conflict(
            _("This task is %(status)s; it takes no more judgements.")
            % {"status": enrolment.get_status_display().lower()}
        )
    note = note.strip()
    if len(note) > 2000:
        raise ServiceError(_("Keep the note under 2,000 characters."), field="note")
    if passed:
        lo, hi = signoff_level_range(enrolment.item)
        if level is None or isinstance(level, bool) or not lo <= level <= hi:
            raise ServiceError(
                _("Give the level you saw, from %(lo)s to %(hi)s (the task's level).")
                % {"lo": lo, "hi": hi},
                field="level",
            )
    elif not note:
        raise ServiceError(
            _("Say what is still missing, so %(name)s knows what to work on.")
            % {"name": enrolment.person.full_name},
            field="note",
        )
    signoff.decision = SignOffDecision.PASS if passed else SignOffDecision.FAIL
    signoff.level = level if passed else None
    signoff.note = note
    signoff.decided_at = timezone.now()
    signoff.save(update_fields=["decision", "level", "note", "decided_at"])
    audit(
        actor=actor,
        action="learning.signoff",
        obj=enrolment,
        summary=f"{signoff.assessor.full_name}: '{enrolment.item.title}' of "
        f"{enrolment.person.full_name} {'passed at ' + str(level) if passed else 'not yet'}",
    )
    if not _finish_if_signed_off(actor, enrolment) and not passed:
        title, who = enrolment.item.title, signoff.assessor.full_name
        _notify(
            [enrolment.person],
            lambda p: (
                _("Not yet: “%(title)s”") % {"title": title},
                _("%(who)s: %(note)s") % {"who": who, "note": note},
                _link(enrolment),
            ),
        )
    return signoff
