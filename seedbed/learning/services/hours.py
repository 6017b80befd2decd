"""Learning hours: time spent learning, logged against the organisation's monthly allowance
of dedicated learning time (``OrgSettings.learning_hours_per_month``).

Rules: more than 0 and at most 24 hours per entry, at most 24 per day, on a day within the
last year and not in the future; logged by the person, their managers or HR; seen by the same.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.models import AccessLevel, OrgSettings
from seedbed.accounts.services import audit
from seedbed.learning.models import Enrolment, LearningHours
from seedbed.lib.errors import NotAllowed, ServiceError
from seedbed.people.models import Person, PersonQuerySet

if TYPE_CHECKING:
    from seedbed.accounts.models import User

MAX_HOURS_PER_DAY = Decimal(24)


def _may_log(user: User, person: Person) -> bool:
    """The person themselves, their managers, HR."""
    if not user.is_active:
        return False
    if person.user_id is not None and person.user_id == user.pk:
        return True
    return Person.objects.validatable_by(user).filter(pk=person.pk).exists()


def people_with_hours_visible_to(user: User) -> PersonQuerySet:
    """People whose learning hours ``user`` may see: HR everyone; others themselves and their
    reporting line."""
    if user.is_authenticated and user.is_active and user.access_level == AccessLevel.ADMIN:
        return Person.objects.all()
    return Person.objects.reporting_line_of(user)


def hours_visible_to(user: User) -> QuerySet[LearningHours]:
    return LearningHours.objects.filter(person__in=people_with_hours_visible_to(user))


@transaction.atomic
def log_hours(
    *,
    actor: User,
    person: Person,
    on: date,
    hours: Decimal,
    enrolment: Enrolment | None = None,
    note: str = "",
    now: datetime | None = None,
) -> LearningHours:
    """Log time spent learning (the person, their managers, HR): more than 0 and at most 24
    hours, on a day within the last year and not in the future, at most 24 hours per day."""
    if not _may_log(actor, person):
        raise NotAllowed(_("You can log learning hours for yourself."))
    if not isinstance(hours, Decimal) or not hours.is_finite() or not 0 < hours <= 24:
        raise ServiceError(_("Hours: more than 0 and at most 24."), field="hours")
    if hours != hours.quantize(Decimal("0.01")):
        raise ServiceError(_("Hours: at most two decimals (e.g. 1.25)."), field="hours")
    today = timezone.localdate(now) if now else timezone.localdate()
    if on > today:
        raise ServiceError(_("That day is in the future."), field="date")
    if on < today - timedelta(days=366):
        raise ServiceError(_("Log hours within the last year."), field="date")
    if enrolment is not None and enrolment.person_id != person.pk:
        raise ServiceError(_("That enrolment is someone else's."), field="enrolment")
    note = " ".join(note.split())
    if len(note) > 300:
        raise ServiceError(_("Keep the note under 300 characters."), field="note")
    Person.objects.select_for_update().filter(pk=person.pk).first()
    that_day = LearningHours.objects.filter(person=person, date=on).aggregate(t=Sum("hours"))["t"]
    if (that_day or 0) + hours > MAX_HOURS_PER_DAY:
        raise ServiceError(
            _("%(date)s already has %(h)s hours logged; a day has 24.")
            % {"date": on.isoformat(), "h": format(Decimal(that_day).normalize(), "f")},
            field="hours",
        )
    entry = LearningHours.objects.create(
        person=person, enrolment=enrolment, date=on, hours=hours, note=note
    )
    audit(
        actor=actor,
        action="learning.hours",
        obj=entry,
        summary=f"{person.full_name}: {hours} h of learning on {on.isoformat()}",
    )
    return entry


@transaction.atomic
def delete_hours(*, actor: User, entry: LearningHours) -> None:
    if not _may_log(actor, entry.person):
        raise NotAllowed(_("You cannot remove these hours."))
    audit(
        actor=actor,
        action="learning.hours.delete",
        obj=entry,
        summary=f"{entry.person.full_name}: {entry.hours} h on {entry.date.isoformat()} removed",
    )
    entry.delete()


@dataclass(frozen=True, slots=True)
class MonthHours:
    """Hours logged in a month against the organisation's monthly allowance."""

    year: int
    month: int
    logged: Decimal
    allowance: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(self.allowance - self.logged, Decimal(0))

    @property
    def percent(self) -> int:
        if not self.allowance:
            return 0
        return min(100, int(100 * self.logged / self.allowance))

    @property
    def over(self) -> bool:
        return self.logged > self.allowance


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


def monthly_allowance() -> Decimal:
    """The organisation's dedicated learning hours per person per month."""
    allowance = (
        OrgSettings.objects.filter(pk=1).values_list("learning_hours_per_month", flat=True).first()
    )
    return Decimal(allowance if allowance is not None else OrgSettings().learning_hours_per_month)


def month_hours(person: Person, year: int, month: int) -> MonthHours:
    first, last = month_bounds(year, month)
    logged = LearningHours.objects.filter(person=person, date__range=(first, last)).aggregate(
        t=Sum("hours")
    )["t"]
    return MonthHours(year, month, Decimal(logged or 0), monthly_allowance())


def this_month(now: datetime | None = None) -> tuple[int, int]:
    today = timezone.localdate(now) if now else timezone.localdate()
    return today.year, today.month
