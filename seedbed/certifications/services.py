"""Certification operations: the kinds HR tracks, the certificates people hold (with their
attachments), verification as skill evidence, and expiry reminders.

Who may do what:
- certification kinds: HR (admins) only;
- a certificate: its holder, their managers (reporting line) and HR may add one; the holder
  may change or delete it until a manager or HR has verified it, managers and HR always;
- verifying: the holder's managers and HR (never the holder). A verified certificate of a
  kind that proves a skill at a level records an assertion with source "certification" (a
  top-tier source, so never from the holder's word alone): on adding, when a manager or HR
  adds it, else when they verify it. An expired certificate records nothing.

Attachments are PDF, PNG or JPEG, recognised by their first bytes (not their name or the
browser's content type), at most ``max_attachment_bytes()``; they are stored under
MEDIA_ROOT with the extension of the type found and served only through the permission-checked
download view.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.accounts.models import AccessLevel
from seedbed.accounts.services import audit
from seedbed.certifications.models import Certification, HeldCertification
from seedbed.certifications.selectors import people_in_scope, superseded
from seedbed.frameworks.models import Role, RoleRequirement
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.notifications.models import Kind, Notification
from seedbed.notifications.services import notify
from seedbed.people.models import Person
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import check_level, record_system_assertion

if TYPE_CHECKING:
    from seedbed.accounts.models import User

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTACHMENT_MB = 5
DEFAULT_REMINDER_DAYS = (60, 30, 7)
MAX_VALIDITY_MONTHS = 600

# Accepted attachment types: extension -> (content type, label, leading bytes).
ATTACHMENT_TYPES: dict[str, tuple[str, str, bytes]] = {
    "pdf": ("application/pdf", "PDF", b"%PDF-"),
    "png": ("image/png", "PNG", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", "JPEG", b"\xff\xd8\xff"),
}


def max_attachment_bytes() -> int:
    """The largest attachment accepted: ``settings.CERTIFICATE_MAX_MB`` megabytes (default 5)."""
    return int(getattr(settings, "CERTIFICATE_MAX_MB", DEFAULT_MAX_ATTACHMENT_MB)) * 1024 * 1024


def reminder_days() -> list[int]:
    """Days before expiry at which reminders go out, largest first:
    ``settings.CERTIFICATE_REMINDER_DAYS`` (default 60, 30 and 7)."""
    days = getattr(settings, "CERTIFICATE_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)
    return sorted({int(d) for d in days if int(d) >= 0}, reverse=True)


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- attachments -------------------------------------------------------------------------


def sniff_attachment(head: bytes) -> str | None:
    """The extension (pdf, png, jpg) whose signature ``head`` starts with, else None."""
    for ext, (_ctype, _label, magic) in ATTACHMENT_TYPES.items():
        if head.startswith(magic):
            return ext
    return None


def content_type_for(name: str) -> str:
    """The content type of a stored attachment, from the extension the service gave it."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ATTACHMENT_TYPES.get(ext, ("application/octet-stream", "", b""))[0]


def open_attachment(held: HeldCertification) -> tuple[File, str, str] | None:  # type: ignore[type-arg]
    """The stored scan opened for reading, a download name (person and certification) and
    its content type; None if there is no scan (or its file is gone)."""
    stored = held.attachment.name if held.attachment else None
    if not stored:
        return None
    try:
        handle = held.attachment.open("rb")
    except FileNotFoundError:
        return None
    ext = stored.rsplit(".", 1)[-1]
    stem = slugify(f"{held.person.full_name} {held.certification.name}")[:80] or "certificate"
    return handle, f"{stem}.{ext}", content_type_for(stored)


def check_attachment(upload: File) -> str:  # type: ignore[type-arg]
    """Refuse an empty, too large or unrecognised file; return the extension to store it
    with (from its content, whatever its name says)."""
    limit = max_attachment_bytes()
    size = upload.size
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if not size:
        raise ServiceError(_("The attachment is empty."), field="attachment")
    if size > limit:
        raise ServiceError(
            _("The attachment is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": limit // 1024 // 1024},
            field="attachment",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    ext = sniff_attachment(head)
    if ext is None:
        name = getattr(upload, "name", "") or ""
        raise ServiceError(
            _(
                "%(name)s is not a PDF, PNG or JPEG file (checked by its content, not its "
                "name). Scan or export the certificate as one of these."
            )
            % {"name": name.rsplit("/", 1)[-1][:80] or _("The attachment")},
            field="attachment",
        )
    return ext


def _store_attachment(held: HeldCertification, upload: File, ext: str) -> None:  # type: ignore[type-arg]
    old = held.attachment.name if held.attachment else ""
    stem = slugify(held.certification.name)[:60] or "certificate"
    held.attachment.save(f"{stem}.{ext}", upload, save=False)
    held.save(update_fields=["attachment"])
    if old and old != held.attachment.name:
        storage = held.attachment.storage
        transaction.on_commit(lambda: storage.delete(old))


# --- who may do what ---------------------------------------------------------------------


def _check_hr(actor: User) -> None:
    if not (actor.is_active and actor.access_level == AccessLevel.ADMIN):
        raise NotAllowed(_("Only HR (admins) can manage certification kinds."))


def may_manage_certificates_of(actor: User, person: Person) -> bool:
    return people_in_scope(actor).filter(pk=person.pk).exists()


def may_verify(actor: User, person: Person) -> bool:
    return Person.objects.validatable_by(actor).filter(pk=person.pk).exists()


def may_change(actor: User, held: HeldCertification) -> bool:
    """The holder until verified; the holder's managers and HR always."""
    if may_verify(actor, held.person):
        return True
    return held.person.user_id == actor.pk and held.verified_by_id is None


def _check_change(actor: User, held: HeldCertification) -> None:
    if not may_change(actor, held):
        raise NotAllowed(
            _("This certificate has been verified; ask your manager or HR to change it.")
            if held.person.user_id == actor.pk
            else _("You cannot change this person's certificates.")
        )


# --- certification kinds -----------------------------------------------------------------


@dataclass(frozen=True)
class KindData:
    name: str
    issuer: str = ""
    skill: Skill | None = None
    level: int | None = None
    validity_months: int | None = None
    roles: Sequence[Role] = ()


@transaction.atomic
def save_certification(
    *, actor: User, certification: Certification | None = None, data: KindData
) -> Certification:
    """Create (``certification`` None) or change a certification kind. A level needs a skill;
    name and issuer together are unique (ignoring case)."""
    _check_hr(actor)
    name = " ".join(data.name.split())
    issuer = " ".join(data.issuer.split())
    if not name:
        raise ServiceError(_("A certification needs a name."), field="name")
    if data.level is not None and data.skill is None:
        raise ServiceError(_("Choose the skill this level is of."), field="skill")
    if data.skill is not None and data.level is not None:
        check_level(data.skill, data.level)
    if data.validity_months is not None and not 1 <= data.validity_months <= MAX_VALIDITY_MONTHS:
        raise ServiceError(
            _("Validity is between 1 and %(max)s months; leave it empty if it does not expire.")
            % {"max": MAX_VALIDITY_MONTHS},
            field="validity_months",
        )
    clash = Certification.objects.filter(name__iexact=name, issuer=issuer)
    if certification is not None:
        clash = clash.exclude(pk=certification.pk)
    if clash.exists():
        raise Conflict(
            _("%(name)s by %(issuer)s already exists.") % {"name": name, "issuer": issuer}
            if issuer
            else _("A certification named %(name)s already exists.") % {"name": name},
            field="name",
        )
    fields = {
        "name": name,
        "issuer": issuer,
        "skill": data.skill,
        "level": data.level if data.skill is not None else None,
        "validity_months": data.validity_months,
    }
    created = certification is None
    if certification is None:
        certification = Certification.objects.create(**fields)
        changes: dict[str, list[object]] = {}
    else:
        changes = {
            f: [str(getattr(certification, f)), str(v)]
            for f, v in fields.items()
            if getattr(certification, f) != v
        }
        for f, v in fields.items():
            setattr(certification, f, v)
        certification.save()
    old_roles = set(certification.roles.values_list("pk", flat=True))
    new_roles = {r.pk for r in data.roles}
    if old_roles != new_roles:
        certification.roles.set(list(data.roles))
        changes["roles"] = [sorted(old_roles), sorted(new_roles)]
    if created or changes:
        audit(
            actor=actor,
            action="certification.create" if created else "certification.update",
            obj=certification,
            summary=f"Certification '{certification}' {'created' if created else 'changed'}",
            changes=changes,
        )
    return certification


@transaction.atomic
def delete_certification(*, actor: User, certification: Certification) -> None:
    """Delete a kind nobody holds (certificates keep their kind)."""
    _check_hr(actor)
    holders = certification.holders.count()
    if holders:
        raise Conflict(
            ngettext(
                "%(n)d certificate of this kind is on record; it cannot be deleted.",
                "%(n)d certificates of this kind are on record; it cannot be deleted.",
                holders,
            )
            % {"n": holders}
        )
    audit(
        actor=actor,
        action="certification.delete",
        obj=certification,
        summary=f"Certification '{certification}' deleted",
    )
    certification.delete()


@transaction.atomic
def create_kinds_for_regulated_skills(*, actor: User) -> list[Certification]:
    """One click for HR: a certification kind for every active skill marked "requires
    certification" that no kind proves yet, named after the skill, proving the highest level
    any role requires (none if no role requires it) and required by those roles. Validity is
    left open for HR to set. Skills whose name is already a kind's name are skipped."""
    _check_hr(actor)
    skills = list(
        Skill.objects.active()
        .filter(requires_certification=True, certifications__isnull=True)
        .order_by("name")
    )
    if not skills:
        return []
    taken = {n.lower() for n in Certification.objects.values_list("name", flat=True)}
    top = dict(
        RoleRequirement.objects.filter(skill__in=skills)
        .values("skill_id")
        .annotate(top=Max("required_level"))
        .values_list("skill_id", "top")
    )
    roles_by_skill: dict[int, list[int]] = {}
    for skill_id, role_id in RoleRequirement.objects.filter(skill__in=skills).values_list(
        "skill_id", "role_id"
    ):
        roles_by_skill.setdefault(skill_id, []).append(role_id)
    created = []
    for skill in skills:
        if skill.name.lower() in taken:
            continue
        kind = Certification.objects.create(name=skill.name, skill=skill, level=top.get(skill.pk))
        if roles_by_skill.get(skill.pk):
            kind.roles.set(roles_by_skill[skill.pk])
        created.append(kind)
    if created:
        audit(
            actor=actor,
            action="certification.regulated",
            summary=f"{len(created)} certification kinds created for regulated skills",
            changes={"names": [c.name for c in created]},
        )
    return created


# --- certificates ------------------------------------------------------------------------


def _record_evidence(
    *, actor: User, held: HeldCertification, today: date
) -> None:  # the proof, once verified and not expired
    kind = held.certification
    if kind.skill_id is None or kind.level is None:
        return
    if held.expires_on is not None and held.expires_on < today:
        return
    skill = kind.skill
    assert skill is not None
    if not skill.is_active or not held.person.is_active:
        return
    note = _("Certificate: %(name)s") % {"name": str(kind)}
    if held.number:
        note += f" ({held.number})"
    record_system_assertion(
        person=held.person,
        skill=skill,
        level=kind.level,
        source=Source.CERTIFICATION,
        note=note,
        rater=actor,
    )


def _check_dates(
    kind: Certification, issued_on: date, expires_on: date | None, today: date
) -> date | None:
    if issued_on > today:
        raise ServiceError(_("The issue date cannot be in the future."), field="issued_on")
    if issued_on.year < 1950:
        raise ServiceError(_("Check the issue date: it is before 1950."), field="issued_on")
    if expires_on is None and kind.validity_months:
        expires_on = add_months(issued_on, kind.validity_months)
    if expires_on is not None and expires_on <= issued_on:
        raise ServiceError(_("The expiry date must be after the issue date."), field="expires_on")
    return expires_on


@transaction.atomic
def add_certificate(
    *,
    actor: User,
    person: Person,
    certification: Certification,
    issued_on: date,
    expires_on: date | None = None,
    number: str = "",
    attachment: File | None = None,  # type: ignore[type-arg]
    today: date | None = None,
) -> HeldCertification:
    """Record a certificate ``person`` holds. Without ``expires_on`` it expires ``validity
    months`` after issue (never, for a kind without validity). Added by a manager or HR it
    counts as verified and, if its kind proves a skill, records the assertion."""
    today = today or timezone.localdate()
    if not may_manage_certificates_of(actor, person):
        raise NotAllowed(
            _("You can add certificates only for yourself and people in your reporting line.")
        )
    if not person.is_active:
        raise ServiceError(
            _("%(name)s has left; no new certificates.") % {"name": person.full_name},
            field="person",
        )
    expires_on = _check_dates(certification, issued_on, expires_on, today)
    if HeldCertification.objects.filter(
        person=person, certification=certification, issued_on=issued_on
    ).exists():
        raise Conflict(
            _("This certificate, issued on %(date)s, is already on record.")
            % {"date": issued_on.isoformat()},
            field="issued_on",
        )
    ext = check_attachment(attachment) if attachment is not None else None
    verified = may_verify(actor, person)
    held = HeldCertification.objects.create(
        person=person,
        certification=certification,
        number=" ".join(number.split())[:100],
        issued_on=issued_on,
        expires_on=expires_on,
        verified_by=actor if verified else None,
    )
    if attachment is not None and ext is not None:
        _store_attachment(held, attachment, ext)
    audit(
        actor=actor,
        action="certificate.add",
        obj=held,
        summary=f"{person.full_name}: certificate '{certification}' until {expires_on or '-'}",
    )
    if verified:
        _record_evidence(actor=actor, held=held, today=today)
    return held


@transaction.atomic
def update_certificate(
    *,
    actor: User,
    held: HeldCertification,
    issued_on: date,
    expires_on: date | None,
    number: str,
    today: date | None = None,
) -> HeldCertification:
    """Correct a certificate's number and dates (see the module docstring for who may)."""
    today = today or timezone.localdate()
    _check_change(actor, held)
    expires_on = _check_dates(held.certification, issued_on, expires_on, today)
    data = {
        "number": " ".join(number.split())[:100],
        "issued_on": issued_on,
        "expires_on": expires_on,
    }
    changes = {f: [str(getattr(held, f)), str(v)] for f, v in data.items() if getattr(held, f) != v}
    if changes:
        for f, v in data.items():
            setattr(held, f, v)
        if "expires_on" in changes:  # a new expiry date gets its own reminders
            held.reminders_sent = []
        held.save(update_fields=[*data, "reminders_sent"])
        audit(
            actor=actor,
            action="certificate.update",
            obj=held,
            summary=f"{held.person.full_name}: certificate '{held.certification}' changed",
            changes=changes,
        )
    return held


@transaction.atomic
def verify_certificate(
    *, actor: User, held: HeldCertification, today: date | None = None
) -> HeldCertification:
    """A manager or HR confirms the certificate (having seen it); if its kind proves a skill,
    that is recorded as evidence."""
    today = today or timezone.localdate()
    if not may_verify(actor, held.person):
        raise NotAllowed(_("Only the holder's managers or HR can verify a certificate."))
    if held.verified_by_id is not None:
        raise Conflict(_("This certificate is already verified."))
    held.verified_by = actor
    held.save(update_fields=["verified_by"])
    audit(
        actor=actor,
        action="certificate.verify",
        obj=held,
        summary=f"{held.person.full_name}: certificate '{held.certification}' verified",
    )
    _record_evidence(actor=actor, held=held, today=today)
    return held


@transaction.atomic
def attach_file(
    *,
    actor: User,
    held: HeldCertification,
    upload: File,  # type: ignore[type-arg]
) -> HeldCertification:
    """Add or replace the certificate's scan (PDF, PNG or JPEG)."""
    _check_change(actor, held)
    ext = check_attachment(upload)
    _store_attachment(held, upload, ext)
    audit(
        actor=actor,
        action="certificate.attach",
        obj=held,
        summary=f"{held.person.full_name}: attachment of '{held.certification}' uploaded",
    )
    return held


@transaction.atomic
def delete_certificate(*, actor: User, held: HeldCertification) -> None:
    """Delete a certificate recorded by mistake (its file too). Evidence it produced stays:
    skill history is append-only."""
    _check_change(actor, held)
    name = held.attachment.name if held.attachment else ""
    storage = held.attachment.storage
    audit(
        actor=actor,
        action="certificate.delete",
        obj=held,
        summary=f"{held.person.full_name}: certificate '{held.certification}' deleted",
    )
    held.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- expiry reminders --------------------------------------------------------------------


def _due_threshold(days_left: int, thresholds: Sequence[int], sent: Iterable[int]) -> int | None:
    """The tightest threshold reached and not yet reminded of, or None."""
    done = set(sent)
    reached = [t for t in thresholds if days_left <= t and t not in done]
    return min(reached) if reached else None


def send_expiry_reminders(*, today: date | None = None) -> int:
    """The daily round: for each certificate of an active person that expires within the
    largest reminder threshold and has not been renewed, remind the holder and their manager
    once per threshold reached (in-app and by email). A certificate first seen inside
    several thresholds (added late, or the worker was down) gets one reminder, and the wider
    thresholds count as sent. Returns how many certificates were reminded about."""
    today = today or timezone.localdate()
    thresholds = reminder_days()
    if not thresholds:
        return 0
    candidates = (
        HeldCertification.objects.filter(
            person__is_active=True,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=thresholds[0]),
        )
        .exclude(superseded())
        .select_related("person__user", "person__manager__user", "certification")
        .order_by("expires_on", "id")
    )
    reminded = 0
    for held in candidates:
        assert held.expires_on is not None
        days_left = (held.expires_on - today).days
        due = _due_threshold(days_left, thresholds, held.reminders_sent)
        if due is None:
            continue
        with transaction.atomic():
            # Claim the threshold first: two overlapping runs remind once.
            locked = HeldCertification.objects.select_for_update().get(pk=held.pk)
            if _due_threshold(days_left, thresholds, locked.reminders_sent) is None:
                continue
            locked.reminders_sent = sorted(
                {*locked.reminders_sent, *(t for t in thresholds if t >= days_left)},
                reverse=True,
            )
            locked.save(update_fields=["reminders_sent"])
            _notify_expiry(held, days_left)
        reminded += 1
    return reminded


def _notify_expiry(held: HeldCertification, days_left: int) -> list[Notification]:
    holder = held.person
    manager = holder.manager
    if manager is not None and not manager.is_active:
        manager = None
    assert held.expires_on is not None
    expires = held.expires_on

    def write(recipient: Person) -> tuple[str, str, str]:
        when = date_format(expires, "DATE_FORMAT")
        left = ngettext("in %(n)d day", "in %(n)d days", days_left) % {"n": days_left}
        if days_left == 0:
            left = _("today")
        if recipient.pk == holder.pk:
            title = _("Your certificate %(name)s expires %(left)s") % {
                "name": held.certification.name,
                "left": left,
            }
            body = _(
                "Your certificate %(name)s expires on %(date)s. Renew it in time and add the "
                "new certificate in Seedbed."
            ) % {"name": str(held.certification), "date": when}
            return title, body, reverse("certifications:mine")
        title = _("%(person)s's certificate %(name)s expires %(left)s") % {
            "person": holder.full_name,
            "name": held.certification.name,
            "left": left,
        }
        body = _(
            "The certificate %(name)s of %(person)s, who reports to you, expires on %(date)s."
        ) % {"name": str(held.certification), "person": holder.full_name, "date": when}
        return title, body, reverse("certifications:person", args=[holder.pk])

    recipients = [holder, *([manager] if manager is not None else [])]
    return notify(recipients=recipients, kind=Kind.CERTIFICATE_EXPIRY, write=write)
