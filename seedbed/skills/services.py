"""Skill operations: scales, taxonomy changes, recording evidence, validation, interest.

Every write of ``Assertion`` and ``PersonSkill`` happens here, so the read table can never drift
from the evidence: each service that appends assertions recomputes the affected current levels
in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.models import AccessLevel
from seedbed.accounts.services import audit, diff_fields
from seedbed.lib.errors import NotAllowed, ServiceError
from seedbed.search.index import schedule_index
from seedbed.skills.models import (
    Assertion,
    Interest,
    PersonSkill,
    ProficiencyScale,
    ScaleLevel,
    Skill,
    SkillCategory,
    SkillInterest,
    Source,
)
from seedbed.skills.rules import Evidence, current_level

if TYPE_CHECKING:
    from seedbed.accounts.models import User
    from seedbed.people.models import Person

DEFAULT_LEVELS = [
    (0, "None", "Has no knowledge or experience of this skill."),
    (1, "Novice", "Knows the basic concepts; needs close guidance and step-by-step instructions."),
    (2, "Advanced beginner", "Handles simple, familiar tasks; needs help with anything unusual."),
    (3, "Competent", "Works independently on routine tasks and plans their own work."),
    (
        4,
        "Proficient",
        "Handles complex and unusual situations; sees the whole picture; coaches others.",
    ),
    (
        5,
        "Expert",
        "Recognised authority; shapes how the organisation does this; teaches and innovates.",
    ),
]


@transaction.atomic
def ensure_default_scale() -> ProficiencyScale:
    """The default 0–5 scale (none … expert), created on first use."""
    scale = ProficiencyScale.objects.filter(is_default=True).first()
    if scale is not None:
        return scale
    scale, _created = ProficiencyScale.objects.get_or_create(
        name="Default (0–5)",
        defaults={"is_default": True, "description": "Dreyfus-style levels from none to expert."},
    )
    ScaleLevel.objects.bulk_create(
        [ScaleLevel(scale=scale, value=v, name=n, descriptor=d) for v, n, d in DEFAULT_LEVELS],
        ignore_conflicts=True,
    )
    return scale


# --- scales ------------------------------------------------------------------------------


def level_bounds_by_category() -> dict[int | None, tuple[int, int]]:
    """Map category id -> (lowest, highest) level of the scale that category uses (its own,
    else the nearest ancestor's, else the default). Key None gives the default's bounds.
    Three queries whatever the size of the taxonomy."""
    from seedbed.skills.selectors import effective_scale_by_category

    default = ProficiencyScale.default()
    bounds: dict[int, tuple[int, int]] = {}
    for scale_id, value in ScaleLevel.objects.values_list("scale_id", "value"):
        lo, hi = bounds.get(scale_id, (value, value))
        bounds[scale_id] = (min(lo, value), max(hi, value))
    default_bounds = bounds.get(default.pk, (0, 5))
    result: dict[int | None, tuple[int, int]] = {None: default_bounds}
    for cid, scale_id in effective_scale_by_category(default.pk).items():
        result[cid] = bounds.get(scale_id, default_bounds)
    return result


def scale_for_category(category: SkillCategory | None) -> ProficiencyScale:
    node = category
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        if node.scale_id is not None:
            return node.scale  # type: ignore[return-value]
        node = node.parent
    return ProficiencyScale.default()


def check_level(
    skill: Skill, level: int, *, bounds: dict[int | None, tuple[int, int]] | None = None
) -> None:
    lo, hi = (bounds or level_bounds_by_category()).get(skill.category_id, (0, 5))
    if not isinstance(level, int) or isinstance(level, bool) or not lo <= level <= hi:
        raise ServiceError(
            _("Level %(level)s is outside the scale for %(skill)s (%(lo)s–%(hi)s).")
            % {"level": level, "skill": skill.name, "lo": lo, "hi": hi},
            field="level",
        )


# --- who may say what --------------------------------------------------------------------


def check_may_assert(user: User, person: Person, source: str) -> None:
    """Raise NotAllowed unless ``user`` may record evidence of ``source`` about ``person``.

    - self: only the person themselves;
    - manager: people in the user's reporting subtree (admins: anyone but themselves);
    - peer: any active colleague other than oneself;
    - assessment, certification, learning: admins (later, the systems that issue them).
    """
    from seedbed.people.models import Person

    if not (user.is_authenticated and user.is_active):
        raise NotAllowed(_("Sign in first."))
    if source == Source.SELF:
        if person.user_id != user.pk:
            raise NotAllowed(_("You can only rate yourself."))
    elif source == Source.MANAGER:
        if not Person.objects.validatable_by(user).filter(pk=person.pk).exists():
            raise NotAllowed(_("You can only validate people who report to you."))
    elif source == Source.PEER:
        if person.user_id == user.pk:
            raise NotAllowed(_("A peer rating is about someone else."))
        if not Person.objects.visible_to(user).filter(pk=person.pk, is_active=True).exists():
            raise NotAllowed(_("You cannot rate this person."))
    elif source in (Source.ASSESSMENT, Source.CERTIFICATION, Source.LEARNING):
        if user.access_level != AccessLevel.ADMIN:
            raise NotAllowed(_("Only admins can record assessments, certifications or learning."))
    else:
        raise ServiceError(_("Unknown source %(source)s.") % {"source": source}, field="source")


# --- recording evidence ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewAssertion:
    person_id: int
    skill_id: int
    level: int
    source: str
    note: str = ""
    evidence_url: str = ""
    at: datetime | None = None
    review_by: date | None = None


@transaction.atomic
def record_assertion(
    *,
    actor: User,
    person: Person,
    skill: Skill,
    level: int,
    source: str,
    note: str = "",
    evidence_url: str = "",
    review_by: date | None = None,
    validates: Assertion | None = None,
) -> Assertion:
    """Append one assertion after checking permission and scale, and refresh the current level."""
    check_may_assert(actor, person, source)
    return _append(
        person=person,
        skill=skill,
        level=level,
        source=source,
        rater=actor,
        note=note,
        evidence_url=evidence_url,
        review_by=review_by,
        validates=validates,
        summary=f"{person.full_name}: {skill.name} = {level} ({source})",
    )


def _append(
    *,
    person: Person,
    skill: Skill,
    level: int,
    source: str,
    rater: User | None,
    note: str,
    summary: str,
    evidence_url: str = "",
    review_by: date | None = None,
    validates: Assertion | None = None,
    at: datetime | None = None,
) -> Assertion:
    """The one place that appends a single assertion: archived skills, people who left and
    levels outside the scale are refused; the current level is refreshed; it is audited."""
    if not skill.is_active:
        raise ServiceError(_("%(skill)s is archived.") % {"skill": skill.name}, field="skill")
    if not person.is_active:
        raise ServiceError(
            _("%(name)s has left; their skills can no longer be rated.")
            % {"name": person.full_name},
            field="person",
        )
    check_level(skill, level)
    assertion = Assertion.objects.create(
        person=person,
        skill=skill,
        level=level,
        source=source,
        rater=rater,
        note=note.strip(),
        evidence_url=evidence_url.strip(),
        review_by=review_by,
        validates=validates,
        created_at=at or timezone.now(),
    )
    refresh_current_levels([(person.pk, skill.pk)])
    audit(actor=rater, action=f"assertion.{source}", obj=assertion, summary=summary)
    return assertion


# Evidence Seedbed records itself when an operation elsewhere finishes (a completed learning
# item, a signed-off task): the calling service has checked who may do that operation.
SYSTEM_SOURCES = frozenset({Source.LEARNING, Source.ASSESSMENT, Source.CERTIFICATION})


@transaction.atomic
def record_system_assertion(
    *,
    person: Person,
    skill: Skill,
    level: int,
    source: str,
    note: str,
    rater: User | None,
    at: datetime | None = None,
) -> Assertion:
    """Append evidence produced by Seedbed itself on behalf of a checked operation and refresh
    the current level. Skips ``check_may_assert`` on purpose: the calling service (e.g.
    ``seedbed.learning.services.enrolments.complete``) already decided that ``rater`` may
    finish that operation. Only the system sources (learning, assessment, certification);
    ``at`` is when it happened (default now)."""
    if source not in SYSTEM_SOURCES:
        raise ServiceError(
            _("Seedbed records only learning, assessment or certification evidence itself."),
            field="source",
        )
    return _append(
        person=person,
        skill=skill,
        level=level,
        source=source,
        rater=rater,
        note=note,
        at=at,
        summary=f"{person.full_name}: {skill.name} = {level} ({source}, recorded by Seedbed)",
    )


@transaction.atomic
def record_assertions_bulk(
    *, actor: User | None, rows: Sequence[NewAssertion], summary: str
) -> int:
    """Append many assertions at once (imports, demo data) and refresh the affected current
    levels. Callers validate rows first; this trusts persons, skills and levels."""
    if not rows:
        return 0
    now = timezone.now()
    Assertion.objects.bulk_create(
        [
            Assertion(
                person_id=r.person_id,
                skill_id=r.skill_id,
                level=r.level,
                source=r.source,
                rater=actor,
                note=r.note,
                evidence_url=r.evidence_url,
                created_at=r.at or now,
                review_by=r.review_by,
            )
            for r in rows
        ],
        batch_size=2000,
    )
    refresh_current_levels({(r.person_id, r.skill_id) for r in rows})
    audit(actor=actor, action="assertion.bulk", summary=summary, changes={"count": len(rows)})
    return len(rows)


def refresh_current_levels(pairs: Iterable[tuple[int, int]]) -> None:
    """Recompute ``PersonSkill`` for (person_id, skill_id) pairs from their whole history."""
    wanted = set(pairs)
    if not wanted:
        return
    by_person: dict[int, set[int]] = defaultdict(set)
    for pid, sid in wanted:
        by_person[pid].add(sid)
    evidence: dict[tuple[int, int], list[Evidence]] = defaultdict(list)
    person_ids = list(by_person)
    for start in range(0, len(person_ids), 500):
        chunk = person_ids[start : start + 500]
        rows = Assertion.objects.filter(person_id__in=chunk).values_list(
            "id", "person_id", "skill_id", "level", "source", "created_at"
        )
        for aid, pid, sid, level, source, at in rows.iterator(chunk_size=5000):
            if (pid, sid) in wanted:
                evidence[(pid, sid)].append(Evidence(aid, level, source, at))
    now = timezone.now()
    upserts = []
    for (pid, sid), evs in evidence.items():
        cur = current_level(evs)
        if cur is None:
            continue
        upserts.append(
            PersonSkill(
                person_id=pid,
                skill_id=sid,
                level=cur.level,
                source=cur.source,
                assessed_at=cur.at,
                self_level=cur.self_level,
                self_assessed_at=cur.self_at,
                pending_validation=cur.pending_validation,
                pending_assertion_id=cur.pending_assertion_id,
                last_evidence_at=cur.last_at,
                updated_at=now,
            )
        )
    PersonSkill.objects.bulk_create(
        upserts,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["person", "skill"],
        update_fields=[
            "level",
            "source",
            "assessed_at",
            "self_level",
            "self_assessed_at",
            "pending_validation",
            "pending_assertion",
            "last_evidence_at",
            "updated_at",
        ],
    )
    gone = wanted - set(evidence)
    for pid, sid in gone:  # only after an erasure: no evidence left, no current level
        PersonSkill.objects.filter(person_id=pid, skill_id=sid).delete()


@transaction.atomic
def validate_rating(
    *,
    actor: User,
    person_skill: PersonSkill,
    level: int | None = None,
    note: str = "",
) -> Assertion:
    """Accept a pending claim (a self-rating or a completed item's level; ``level`` None or
    equal) or adjust it to ``level``, which then needs a note saying why. Records a manager
    assertion that points at the claim."""
    ps = (
        PersonSkill.objects.select_for_update()
        .select_related("person", "skill")
        .get(pk=person_skill.pk)
    )
    if not ps.pending_validation or ps.pending_assertion_id is None:
        raise ServiceError(_("This rating has already been validated."), field="level")
    pending = Assertion.objects.get(pk=ps.pending_assertion_id)
    final = pending.level if level is None else level
    if final != pending.level and not note.strip():
        raise ServiceError(
            _("Say why you adjust the level, so %(name)s can learn from it.")
            % {"name": ps.person.full_name},
            field="note",
        )
    return record_assertion(
        actor=actor,
        person=ps.person,
        skill=ps.skill,
        level=final,
        source=Source.MANAGER,
        note=note,
        validates=pending,
    )


@transaction.atomic
def set_interest(*, actor: User, person: Person, skill: Skill, interest: str) -> SkillInterest:
    if person.user_id != actor.pk:
        raise NotAllowed(_("Only you can say how keen you are to grow a skill."))
    if interest not in Interest.values:
        raise ServiceError(_("Choose one of: not interested, happy to, keen."), field="interest")
    obj, _created = SkillInterest.objects.update_or_create(
        person=person,
        skill=skill,
        defaults={"interest": interest, "updated_at": timezone.now()},
    )
    return obj


# --- taxonomy ----------------------------------------------------------------------------


def normalise_aliases(raw: Iterable[str] | str) -> list[str]:
    items = raw.replace(";", "\n").replace(",", "\n").splitlines() if isinstance(raw, str) else raw
    seen: dict[str, str] = {}
    for item in items:
        alias = " ".join(str(item).split())[:100]
        if alias and alias.lower() not in seen:
            seen[alias.lower()] = alias
    return list(seen.values())[:50]


def _check_admin(actor: User) -> None:
    if actor.access_level != AccessLevel.ADMIN or not actor.is_active:
        raise NotAllowed(_("Only admins can change the taxonomy."))


@transaction.atomic
def save_skill(*, actor: User, skill: Skill | None = None, data: dict[str, Any]) -> Skill:
    """Create (``skill`` None) or update a skill; name unique ignoring case."""
    _check_admin(actor)
    data = dict(data)
    name = " ".join(str(data.get("name", skill.name if skill else "")).split())
    if not name:
        raise ServiceError(_("A skill needs a name."), field="name")
    data["name"] = name
    if "aliases" in data:
        data["aliases"] = normalise_aliases(data["aliases"])
    clash = Skill.objects.filter(name__iexact=name)
    if skill is not None:
        clash = clash.exclude(pk=skill.pk)
    if clash.exists():
        raise ServiceError(
            _("A skill named %(name)s already exists.") % {"name": name}, field="name"
        )
    ext = data.get("external_id")
    if ext == "":
        data["external_id"] = None
    elif ext is not None:
        ext_clash = Skill.objects.filter(external_id=ext)
        if skill is not None:
            ext_clash = ext_clash.exclude(pk=skill.pk)
        if ext_clash.exists():
            raise ServiceError(
                _("Another skill already has the external id %(ext)s.") % {"ext": ext},
                field="external_id",
            )
    if skill is None:
        skill = Skill.objects.create(**data)
        schedule_index("skill", [skill.pk])
        audit(
            actor=actor, action="skill.create", obj=skill, summary=f"Skill '{skill.name}' created"
        )
        return skill
    changes = diff_fields(skill, data)
    for field, value in data.items():
        setattr(skill, field, value)
    skill.save()
    schedule_index("skill", [skill.pk])
    if changes:
        audit(
            actor=actor,
            action="skill.update",
            obj=skill,
            summary=f"Skill '{skill.name}' changed",
            changes=changes,
        )
    return skill


@transaction.atomic
def save_category(
    *, actor: User, category: SkillCategory | None = None, data: dict[str, Any]
) -> SkillCategory:
    _check_admin(actor)
    name = " ".join(str(data.get("name", "")).split())
    if not name:
        raise ServiceError(_("A category needs a name."), field="name")
    data = {**data, "name": name}
    parent = data.get("parent")
    if category is not None and parent is not None:
        node = parent
        while node is not None:
            if node.pk == category.pk:
                raise ServiceError(_("A category cannot sit inside itself."), field="parent")
            node = node.parent
    clash = SkillCategory.objects.filter(name__iexact=name, parent=parent)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise ServiceError(
            _("This parent already has a category named %(name)s.") % {"name": name}, field="name"
        )
    if category is None:
        category = SkillCategory.objects.create(**data)
        audit(
            actor=actor,
            action="category.create",
            obj=category,
            summary=f"Category '{name}' created",
        )
        return category
    changes = diff_fields(category, data)
    for field, value in data.items():
        setattr(category, field, value)
    category.save()
    schedule_index("skill", category.skills.values_list("pk", flat=True))
    if changes:
        audit(
            actor=actor,
            action="category.update",
            obj=category,
            summary=f"Category '{name}' changed",
            changes=changes,
        )
    return category


@transaction.atomic
def save_scale(
    *,
    actor: User,
    scale: ProficiencyScale | None = None,
    name: str,
    description: str = "",
    levels: Sequence[tuple[int, str, str]],
) -> ProficiencyScale:
    """Create or replace a scale's levels. Levels must be consecutive whole numbers; a level
    that current ratings use cannot be dropped."""
    _check_admin(actor)
    name = " ".join(name.split())
    if not name:
        raise ServiceError(_("A scale needs a name."), field="name")
    values = sorted(v for v, _n, _d in levels)
    if len(values) < 2 or values != list(range(values[0], values[0] + len(values))):
        raise ServiceError(
            _("A scale needs at least two consecutive levels (e.g. 0–5)."), field="levels"
        )
    if any(not n.strip() for _v, n, _d in levels):
        raise ServiceError(_("Every level needs a name."), field="levels")
    clash = ProficiencyScale.objects.filter(name__iexact=name)
    if scale is not None:
        clash = clash.exclude(pk=scale.pk)
    if clash.exists():
        raise ServiceError(
            _("A scale named %(name)s already exists.") % {"name": name}, field="name"
        )
    if scale is None:
        scale = ProficiencyScale.objects.create(name=name, description=description)
    else:
        scale.name, scale.description = name, description
        scale.save(update_fields=["name", "description"])
        used_max = (
            PersonSkill.objects.filter(skill__category__scale=scale)
            .order_by("-level")
            .values_list("level", flat=True)
            .first()
        )
        if used_max is not None and used_max > values[-1]:
            raise ServiceError(
                _("Ratings up to level %(n)s use this scale; keep that level.") % {"n": used_max},
                field="levels",
            )
        scale.levels.all().delete()
    ScaleLevel.objects.bulk_create(
        [
            ScaleLevel(scale=scale, value=v, name=n.strip(), descriptor=d.strip())
            for v, n, d in levels
        ]
    )
    audit(actor=actor, action="scale.save", obj=scale, summary=f"Scale '{name}' saved")
    return scale
