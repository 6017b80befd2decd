"""Catalogue operations: learning items, the skills they develop, prerequisites and sessions;
and the catalogue's read models (search and filters, seats left per session).

Rules:
- only admins (HR) change the catalogue; everyone signed in reads it;
- codes are unique ignoring case, and so are title + provider (imports match by either);
- item prerequisites form a graph without cycles: ``add_prerequisite`` refuses an edge that
  would close one and names the cycle;
- a session's seats can never be fewer than the people booked on it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seedbed.accounts.models import AccessLevel
from seedbed.accounts.services import audit, diff_fields
from seedbed.learning.models import (
    EnrolmentStatus,
    Format,
    ItemSkill,
    Kind,
    LearningItem,
    LearningItemQuerySet,
    Prerequisite,
    Session,
)
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.search.index import schedule_index
from seedbed.skills.models import Skill
from seedbed.skills.services import check_level, level_bounds_by_category

if TYPE_CHECKING:
    from seedbed.accounts.models import User

# Statuses in which an enrolment holds its session seat (a request waiting for approval too).
HOLDS_SEAT = (
    EnrolmentStatus.REQUESTED,
    EnrolmentStatus.ENROLLED,
    EnrolmentStatus.IN_PROGRESS,
    EnrolmentStatus.AWAITING_SIGNOFF,
    EnrolmentStatus.COMPLETED,
)
# Kinds that happen at a time and place, so they have sessions with seats.
SESSION_KINDS = (Kind.WORKSHOP, Kind.EXTERNAL, Kind.CONFERENCE)
ITEM_FIELDS = (
    "code",
    "title",
    "kind",
    "description",
    "url",
    "provider",
    "format",
    "language",
    "duration_hours",
    "cost",
    "requires_approval",
)
MAX_COST = Decimal("99999999.99")
MAX_HOURS = Decimal("99999.9")
MAX_SEATS = 10000
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,4})?$")
_url_validator = URLValidator(schemes=["http", "https"])


def _check_admin(actor: User) -> None:
    if not (actor.is_active and actor.access_level == AccessLevel.ADMIN):
        raise NotAllowed(_("Only HR (admins) can change the learning catalogue."))


# --- parsing helpers shared by forms, API and the catalogue import -----------------------


def parse_decimal(value: Any, *, field: str, maximum: Decimal, places: int) -> Decimal:
    """A non-negative number (``12.5``, ``12,5``; "free" for 0) with at most ``places``
    decimals; ValueError with a message otherwise."""
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, float)):
        number = Decimal(str(value))
    else:
        text = str(value).strip().lower().replace(" ", "")
        if field == "cost" and text in ("free", "kostenlos", "gratis", "-"):
            text = "0"
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite() or number < 0:
        raise ValueError(_("“%(value)s” must be zero or more.") % {"value": value})
    if number > maximum:
        raise ValueError(
            _("%(value)s is too large (at most %(max)s).") % {"value": value, "max": maximum}
        )
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum):
        raise ValueError(
            _("%(value)s has too many decimals (at most %(n)s).") % {"value": value, "n": places}
        )
    return number.quantize(quantum)


def split_skill_levels(text: str) -> list[tuple[str, int]]:
    """``"Kubernetes:3; Docker:2"`` -> [("Kubernetes", 3), ("Docker", 2)]. Entries are
    separated by semicolons or line breaks; the level follows the last colon. ValueError
    naming the entry that is not "name:level"."""
    pairs: list[tuple[str, int]] = []
    for raw in re.split(r"[;\n]", text or ""):
        entry = " ".join(raw.split())
        if not entry:
            continue
        name, sep, level = entry.rpartition(":")
        name, level = name.strip(), level.strip()
        if not sep or not name or not level.isdigit() or len(level) > 3:
            raise ValueError(
                _("“%(entry)s” is not a skill with a level: write name:level, e.g. Kubernetes:3.")
                % {"entry": entry}
            )
        pairs.append((name, int(level)))
    return pairs


def find_skill(name: str) -> Skill:
    """The active skill named ``name`` or having it as an alias (ignoring case)."""
    key = " ".join(name.split()).lower()
    skill = Skill.objects.filter(name__iexact=key).first()
    if skill is None:
        candidates = [
            s
            for s in Skill.objects.filter(search_text__contains=key)
            if key in s.search_text.split("\n")[1:]
        ]
        if len(candidates) > 1:
            raise ServiceError(
                _("“%(text)s” is an alias of several skills (%(names)s): use the skill's name.")
                % {"text": name, "names": ", ".join(sorted(s.name for s in candidates))},
                field="skills",
            )
        skill = candidates[0] if candidates else None
    if skill is None:
        raise ServiceError(
            _("Unknown skill “%(text)s”: no skill has this name or alias.") % {"text": name},
            field="skills",
        )
    if not skill.is_active:
        raise ServiceError(_("%(skill)s is archived.") % {"skill": skill.name}, field="skills")
    return skill


def resolve_skill_levels(text: str) -> list[tuple[Skill, int]]:
    """Parse and resolve "Kubernetes:3; Docker:2" (names or aliases) for the item form."""
    try:
        pairs = split_skill_levels(text)
    except ValueError as exc:
        raise ServiceError(str(exc), field="skills") from exc
    return [(find_skill(name), level) for name, level in pairs]


def format_skill_levels(item_skills: Iterable[ItemSkill]) -> str:
    return "; ".join(f"{s.skill.name}:{s.level}" for s in item_skills)


# --- items -------------------------------------------------------------------------------


def clean_item_data(data: dict[str, Any], item: LearningItem | None = None) -> dict[str, Any]:
    """Normalise and check the item fields in ``data`` (only those present)."""
    out: dict[str, Any] = {}
    for field, value in data.items():
        if field not in ITEM_FIELDS:
            raise ServiceError(_("Unknown field %(field)s.") % {"field": field}, field=field)
        out[field] = value
    if "title" in out or item is None:
        title = " ".join(str(out.get("title", "")).split())
        if not title:
            raise ServiceError(_("A learning item needs a title."), field="title")
        if len(title) > 200:
            raise ServiceError(_("The title is too long (at most 200 characters)."), field="title")
        out["title"] = title
    if "code" in out:
        code = " ".join(str(out["code"] or "").split())
        if len(code) > 64:
            raise ServiceError(_("The code is too long (at most 64 characters)."), field="code")
        out["code"] = code or None
    for field, limit in (("provider", 200), ("description", 10000)):
        if field in out:
            text = str(out[field] or "").strip()
            if field == "provider":
                text = " ".join(text.split())
            if len(text) > limit:
                raise ServiceError(
                    _("Too long: at most %(n)s characters.") % {"n": limit}, field=field
                )
            out[field] = text
    if ("kind" in out or item is None) and out.get("kind") not in Kind.values:
        raise ServiceError(
            _("Choose a kind: %(kinds)s.") % {"kinds": ", ".join(Kind.values)}, field="kind"
        )
    if "format" in out and out["format"] not in Format.values:
        raise ServiceError(
            _("Choose a format: %(formats)s.") % {"formats": ", ".join(Format.values)},
            field="format",
        )
    if "language" in out:
        language = str(out["language"] or "").strip().lower()
        if not _LANGUAGE.match(language):
            raise ServiceError(
                _("Give the language as a code such as en, de or pt-br."), field="language"
            )
        out["language"] = language
    if "url" in out:
        url = str(out["url"] or "").strip()
        if url:
            try:
                _url_validator(url)
            except ValidationError:
                raise ServiceError(
                    _("The link must be an http(s) address, e.g. https://example.com/course."),
                    field="url",
                ) from None
        if len(url) > 500:
            raise ServiceError(_("The link is too long (at most 500 characters)."), field="url")
        out["url"] = url
    for field, maximum, places in (("cost", MAX_COST, 2), ("duration_hours", MAX_HOURS, 1)):
        if field in out:
            try:
                out[field] = parse_decimal(out[field], field=field, maximum=maximum, places=places)
            except ValueError as exc:
                raise ServiceError(str(exc), field=field) from None
    if "requires_approval" in out:
        out["requires_approval"] = bool(out["requires_approval"])
    return out


def _check_unique(item: LearningItem | None, data: dict[str, Any]) -> None:
    code = data.get("code", item.code if item else None)
    others = LearningItem.objects.exclude(pk=item.pk) if item else LearningItem.objects.all()
    if code and others.filter(code__iexact=code).exists():
        raise ServiceError(
            _("Another item already has the code %(code)s.") % {"code": code}, field="code"
        )
    title = data.get("title", item.title if item else "")
    provider = data.get("provider", item.provider if item else "")
    if others.filter(title__iexact=title, provider=provider).exists():
        raise ServiceError(
            _("“%(title)s” by “%(provider)s” is already in the catalogue.")
            % {"title": title, "provider": provider or _("no provider")},
            field="title",
        )


@transaction.atomic
def save_item(
    *,
    actor: User,
    item: LearningItem | None = None,
    data: dict[str, Any],
    skills: Sequence[tuple[Skill, int]] | None = None,
) -> LearningItem:
    """Create (``item`` None) or change a learning item (admins). ``data`` holds item fields
    (see ``ITEM_FIELDS``; on change only those present change); ``skills``, when given,
    replaces the skills the item develops with their levels."""
    _check_admin(actor)
    data = clean_item_data(data, item)
    _check_unique(item, data)
    if item is None:
        item = LearningItem.objects.create(**data)
        audit(
            actor=actor,
            action="learning.item.create",
            obj=item,
            summary=f"Learning item '{item.title}' created",
        )
    else:
        changes = diff_fields(item, data)
        for field, value in data.items():
            setattr(item, field, value)
        if changes:
            item.save(update_fields=list(changes))
            audit(
                actor=actor,
                action="learning.item.update",
                obj=item,
                summary=f"Learning item '{item.title}' changed",
                changes=changes,
            )
    if skills is not None:
        set_item_skills(actor=actor, item=item, skills=skills)
    schedule_index("learning_item", [item.pk])
    return item


@transaction.atomic
def set_item_skills(
    *, actor: User, item: LearningItem, skills: Sequence[tuple[Skill, int]]
) -> list[ItemSkill]:
    """Replace the skills ``item`` develops and the level it brings each to (admins)."""
    _check_admin(actor)
    bounds = level_bounds_by_category()
    seen: set[int] = set()
    for skill, level in skills:
        if skill.pk in seen:
            raise ServiceError(
                _("%(skill)s is listed twice.") % {"skill": skill.name}, field="skills"
            )
        seen.add(skill.pk)
        try:
            check_level(skill, level, bounds=bounds)
        except ServiceError as exc:
            raise ServiceError(exc.message, field="skills") from exc
        if level < 1:
            raise ServiceError(
                _("%(skill)s: an item brings a learner to level 1 or higher.")
                % {"skill": skill.name},
                field="skills",
            )
    current = list(item.skills.select_related("skill"))
    before = {s.skill_id: s.level for s in current}
    after = {skill.pk: level for skill, level in skills}
    if before == after:
        return current
    item.skills.all().delete()
    rows = ItemSkill.objects.bulk_create(
        [ItemSkill(item=item, skill=skill, level=level) for skill, level in skills]
    )
    schedule_index("learning_item", [item.pk])
    audit(
        actor=actor,
        action="learning.item.skills",
        obj=item,
        summary=f"Skills of '{item.title}' set",
        changes={
            "skills": [
                format_skill_levels(current),
                "; ".join(f"{skill.name}:{level}" for skill, level in skills),
            ]
        },
    )
    return rows


@transaction.atomic
def set_item_active(*, actor: User, item: LearningItem, active: bool) -> LearningItem:
    """Archive an item (it leaves the catalogue; enrolments in it go on) or bring it back."""
    _check_admin(actor)
    if item.is_active != active:
        item.is_active = active
        item.save(update_fields=["is_active"])
        schedule_index("learning_item", [item.pk])
        audit(
            actor=actor,
            action="learning.item.restore" if active else "learning.item.archive",
            obj=item,
            summary=f"Learning item '{item.title}' {'restored' if active else 'archived'}",
        )
    return item


# --- prerequisites -----------------------------------------------------------------------


def item_graph() -> dict[int, set[int]]:
    """Item id -> ids of the items it requires (one query)."""
    graph: dict[int, set[int]] = {}
    for item_id, required in Prerequisite.objects.filter(requires_item__isnull=False).values_list(
        "item_id", "requires_item_id"
    ):
        graph.setdefault(item_id, set()).add(required)
    return graph


def find_path(graph: dict[int, set[int]], start: int, goal: int) -> list[int] | None:
    """The shortest chain of "requires" edges from ``start`` to ``goal`` (both included), or
    None. Adding the edge goal -> start closes a cycle exactly when such a chain exists."""
    previous: dict[int, int | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for nxt in sorted(graph.get(node, ())):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


def cycle_message(titles: Sequence[str]) -> str:
    """ "A needs B, B needs A" spelled as the cycle A → B → A."""
    return _(
        "These prerequisites would go round in a circle, so nobody could ever start: "
        "%(cycle)s (each needs the next)."
    ) % {"cycle": " → ".join(titles)}


@transaction.atomic
def add_prerequisite(
    *,
    actor: User,
    item: LearningItem,
    requires_item: LearningItem | None = None,
    requires_skill: Skill | None = None,
    requires_level: int | None = None,
) -> Prerequisite:
    """Before ``item``: another item completed, or ``requires_skill`` at ``requires_level``
    (admins). Refuses an item prerequisite that would close a cycle and names it."""
    _check_admin(actor)
    if (requires_item is None) == (requires_skill is None):
        raise ServiceError(
            _("A prerequisite is either another item or a skill at a level."),
            field="requires_item",
        )
    if requires_item is not None:
        if requires_item.pk == item.pk:
            raise ServiceError(_("An item cannot be its own prerequisite."), field="requires_item")
        if item.prerequisites.filter(requires_item=requires_item).exists():
            raise Conflict(
                _("“%(other)s” is already a prerequisite of “%(item)s”.")
                % {"other": requires_item.title, "item": item.title},
                field="requires_item",
            )
        path = find_path(item_graph(), requires_item.pk, item.pk)
        if path is not None:
            titles = dict(LearningItem.objects.filter(pk__in=path).values_list("pk", "title"))
            raise ServiceError(
                cycle_message([titles[pk] for pk in [item.pk, *path]]), field="requires_item"
            )
        prerequisite = Prerequisite.objects.create(item=item, requires_item=requires_item)
        what = f"item '{requires_item.title}'"
    else:
        assert requires_skill is not None
        if requires_level is None:
            raise ServiceError(
                _("Give the level of %(skill)s needed.") % {"skill": requires_skill.name},
                field="requires_level",
            )
        try:
            check_level(requires_skill, requires_level)
        except ServiceError as exc:
            raise ServiceError(exc.message, field="requires_level") from exc
        existing = item.prerequisites.filter(requires_skill=requires_skill).first()
        if existing is not None:
            raise Conflict(
                _("“%(item)s” already needs %(skill)s at level %(level)s; remove that first.")
                % {
                    "item": item.title,
                    "skill": requires_skill.name,
                    "level": existing.requires_level,
                },
                field="requires_skill",
            )
        prerequisite = Prerequisite.objects.create(
            item=item, requires_skill=requires_skill, requires_level=requires_level
        )
        what = f"{requires_skill.name} at level {requires_level}"
    audit(
        actor=actor,
        action="learning.prerequisite.add",
        obj=item,
        summary=f"'{item.title}' now needs {what}",
    )
    return prerequisite


@transaction.atomic
def remove_prerequisite(*, actor: User, prerequisite: Prerequisite) -> None:
    _check_admin(actor)
    item = prerequisite.item
    audit(
        actor=actor,
        action="learning.prerequisite.remove",
        obj=item,
        summary=f"A prerequisite of '{item.title}' removed ({prerequisite})",
    )
    prerequisite.delete()


# --- sessions ----------------------------------------------------------------------------


def seats_taken(session: Session) -> int:
    return session.enrolments.filter(status__in=HOLDS_SEAT).count()


@transaction.atomic
def save_session(
    *,
    actor: User,
    item: LearningItem,
    session: Session | None = None,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    seats: int,
) -> Session:
    """Create or change a dated session of a workshop, external training or conference
    (admins). Seats cannot drop below the people already booked."""
    _check_admin(actor)
    if item.kind not in SESSION_KINDS:
        raise ServiceError(
            _(
                "Sessions belong to workshops, external training and conferences; "
                "“%(title)s” is: %(kind)s."
            )
            % {"title": item.title, "kind": item.get_kind_display()},
            field="starts_at",
        )
    if ends_at <= starts_at:
        raise ServiceError(_("A session ends after it starts."), field="ends_at")
    if not 1 <= seats <= MAX_SEATS:
        raise ServiceError(_("Seats: between 1 and %(max)s.") % {"max": MAX_SEATS}, field="seats")
    location = " ".join(location.split())
    if len(location) > 200:
        raise ServiceError(
            _("The location is too long (at most 200 characters)."), field="location"
        )
    if session is None:
        session = Session.objects.create(
            item=item, starts_at=starts_at, ends_at=ends_at, location=location, seats=seats
        )
        action = "learning.session.create"
    else:
        session = Session.objects.select_for_update().get(pk=session.pk)
        booked = seats_taken(session)
        if seats < booked:
            raise ServiceError(
                _("%(n)s people are booked on this session: keep at least %(n)s seats.")
                % {"n": booked},
                field="seats",
            )
        session.starts_at, session.ends_at = starts_at, ends_at
        session.location, session.seats = location, seats
        session.save(update_fields=["starts_at", "ends_at", "location", "seats"])
        action = "learning.session.update"
    audit(
        actor=actor,
        action=action,
        obj=session,
        summary=f"Session of '{item.title}' on {starts_at:%Y-%m-%d %H:%M}, {seats} seats",
    )
    return session


@transaction.atomic
def delete_session(*, actor: User, session: Session) -> None:
    """Remove a session nobody is booked on (admins)."""
    _check_admin(actor)
    booked = seats_taken(session)
    if booked:
        raise Conflict(
            ngettext(
                "%(n)s person is booked on this session: cancel the enrolment first, or "
                "change the date instead.",
                "%(n)s people are booked on this session: cancel their enrolments first, or "
                "change the date instead.",
                booked,
            )
            % {"n": booked}
        )
    audit(
        actor=actor,
        action="learning.session.delete",
        obj=session,
        summary=f"Session of '{session.item.title}' on {session.starts_at:%Y-%m-%d} deleted",
    )
    session.delete()


# --- reads -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogueFilter:
    q: str = ""
    kind: str = ""
    skill_id: int | None = None
    format: str = ""
    language: str = ""
    free: bool = False
    max_cost: Decimal | None = None
    archived: bool = False


def catalogue(filters: CatalogueFilter) -> LearningItemQuerySet:
    """Items matching ``filters`` by title; archived items only when asked (``archived``:
    only those)."""
    qs: LearningItemQuerySet = LearningItem.objects.filter(is_active=not filters.archived)
    if filters.q:
        qs = qs.search(filters.q)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.skill_id is not None:
        qs = qs.filter(
            Exists(ItemSkill.objects.filter(item=OuterRef("pk"), skill_id=filters.skill_id))
        )
    if filters.format:
        qs = qs.filter(format=filters.format)
    if filters.language:
        qs = qs.filter(language__iexact=filters.language)
    if filters.free:
        qs = qs.filter(cost=0)
    if filters.max_cost is not None:
        qs = qs.filter(cost__lte=filters.max_cost)
    return qs.order_by("title", "provider", "id")


def sessions_with_seats(item: LearningItem, *, upcoming_only: bool = False) -> QuerySet[Session]:
    """The item's sessions with ``taken`` (seats booked) and ``free`` annotated."""
    qs = (
        item.sessions.annotate(
            taken=Count("enrolments", filter=Q(enrolments__status__in=HOLDS_SEAT))
        )
        .annotate(free=F("seats") - F("taken"))
        .order_by("starts_at")
    )
    if upcoming_only:
        qs = qs.filter(starts_at__gt=timezone.now())
    return qs
