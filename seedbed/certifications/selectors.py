"""Read models for certifications: whose certificates a user may see, the compliance table
(each active person × each certification their role requires) and certificates expiring soon.

Compliance status of a person for a required certification, from their best certificate of
that kind (one that never expires, else the latest expiry), on ``today``:

- **compliant**: it never expires, or expires more than ``EXPIRING_WITHIN_DAYS`` days from today;
- **expiring**: it expires today or within ``EXPIRING_WITHIN_DAYS`` days (still valid);
- **expired**: it expired before today;
- **missing**: the person holds no certificate of that kind.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedbed.accounts.models import AccessLevel
from seedbed.people.models import Person, PersonQuerySet

if TYPE_CHECKING:
    from seedbed.accounts.models import User
    from seedbed.certifications.models import HeldCertificationQuerySet

EXPIRING_WITHIN_DAYS = 60


class Status(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    MISSING = "missing", _("Missing")


def people_in_scope(user: User) -> PersonQuerySet:
    """People whose certificates and development plans ``user`` may see: admins (HR)
    everyone; everyone else themselves and their reporting subtree. One SQL filter."""
    if not (user.is_authenticated and user.is_active):
        return Person.objects.none()
    if user.access_level == AccessLevel.ADMIN:
        return Person.objects.all()
    return Person.objects.reporting_line_of(user)


def status_of(expires_on: date | None, *, held: bool, today: date) -> Status:
    """The compliance status of one best certificate (see the module docstring)."""
    if not held:
        return Status.MISSING
    if expires_on is None or expires_on > today + timedelta(days=EXPIRING_WITHIN_DAYS):
        return Status.COMPLIANT
    if expires_on >= today:
        return Status.EXPIRING
    return Status.EXPIRED


def _better(a: date | None, b: date | None) -> bool:
    """Is expiry ``a`` better than ``b`` (never expiring beats any date)?"""
    if b is None:
        return False
    return a is None or a > b


@dataclass(frozen=True)
class ComplianceRow:
    person_id: int
    person_name: str
    email: str
    team_id: int | None
    team_name: str
    role_name: str
    certification_id: int
    certification_name: str
    status: Status
    certificate_id: int | None
    expires_on: date | None

    @property
    def status_label(self) -> str:
        return str(self.status.label)


@dataclass
class ComplianceReport:
    rows: list[ComplianceRow]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def compliance(
    user: User,
    *,
    team_id: int | None = None,
    status: str | None = None,
    certification_id: int | None = None,
    person_id: int | None = None,
    today: date | None = None,
) -> ComplianceReport:
    """Compliance rows of the active people ``user`` may see (HR everyone, managers their
    reporting line), by team, person and certification. ``team_id`` includes the team's
    sub-teams. ``counts`` covers every status of the rows matching the other filters, so the
    page can show how many of each there are while listing one. Three queries."""
    from seedbed.certifications.models import Certification, HeldCertification
    from seedbed.gaps.selectors import team_subtree_ids

    today = today or timezone.localdate()
    people_qs = people_in_scope(user).active().filter(role__isnull=False)
    if team_id is not None:
        people_qs = people_qs.filter(team_id__in=team_subtree_ids(team_id))
    if person_id is not None:
        people_qs = people_qs.filter(pk=person_id)
    people = list(
        people_qs.values_list(
            "id", "full_name", "email", "team_id", "team__name", "role_id", "role__name"
        ).order_by("team__name", "full_name", "id")
    )
    role_ids = {p[5] for p in people}
    through = Certification.roles.through.objects.filter(role_id__in=role_ids)
    if certification_id is not None:
        through = through.filter(certification_id=certification_id)
    required: dict[int, list[tuple[int, str]]] = {}
    for role_id, cert_id, cert_name in through.values_list(
        "role_id", "certification_id", "certification__name"
    ).order_by("certification__name", "certification_id"):
        required.setdefault(role_id, []).append((cert_id, cert_name))
    cert_ids = {c for certs in required.values() for c, _n in certs}
    best: dict[tuple[int, int], tuple[int, date | None]] = {}
    if cert_ids:
        held = HeldCertification.objects.filter(
            person__in=people_qs, certification_id__in=cert_ids
        ).values_list("person_id", "certification_id", "id", "expires_on")
        for pid, cid, hid, expires in held:
            current = best.get((pid, cid))
            if current is None or _better(expires, current[1]):
                best[(pid, cid)] = (hid, expires)
    rows: list[ComplianceRow] = []
    counts: Counter[str] = Counter({s.value: 0 for s in Status})
    for pid, name, email, tid, team_name, role_id, role_name in people:
        for cid, cert_name in required.get(role_id, []):
            found = best.get((pid, cid))
            row_status = status_of(found[1] if found else None, held=found is not None, today=today)
            counts[row_status.value] += 1
            if status and row_status != status:
                continue
            rows.append(
                ComplianceRow(
                    person_id=pid,
                    person_name=name,
                    email=email,
                    team_id=tid,
                    team_name=team_name or "",
                    role_name=role_name or "",
                    certification_id=cid,
                    certification_name=cert_name,
                    status=row_status,
                    certificate_id=found[0] if found else None,
                    expires_on=found[1] if found else None,
                )
            )
    return ComplianceReport(rows=rows, counts=dict(counts))


def superseded() -> Exists:
    """Annotation/filter: a later certificate of the same kind for the same person exists
    (one that never expires or expires later), so this one needs no reminder."""
    from seedbed.certifications.models import HeldCertification

    return Exists(
        HeldCertification.objects.filter(
            person_id=OuterRef("person_id"), certification_id=OuterRef("certification_id")
        ).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on")))
    )


def expiring_soon(
    user: User, *, today: date | None = None, within_days: int = EXPIRING_WITHIN_DAYS
) -> HeldCertificationQuerySet:
    """Certificates ``user`` may see that expire from today to ``within_days`` ahead and have
    not been renewed, soonest first (with person and certification loaded)."""
    from seedbed.certifications.models import HeldCertification

    today = today or timezone.localdate()
    return (
        HeldCertification.objects.visible_to(user)
        .filter(
            person__is_active=True,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=within_days),
        )
        .exclude(superseded())
        .select_related("person", "certification")
        .order_by("expires_on", "id")
    )


def home_panel(user: User, *, limit: int = 8) -> dict[str, object]:
    """For managers' and HR's home page: certificates expiring within 60 days (one query)."""
    rows = list(expiring_soon(user)[: limit + 1])
    return {"expiring_certificates": rows[:limit], "expiring_more": len(rows) > limit}
