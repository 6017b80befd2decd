"""Cross-training of knowledge at risk: the only holder of a skill that matters teaches one or
two learners until someone else holds it too.

Steps:
1. ``proposals`` finds, on the organisation's current levels (``seedbed.gaps``), every skill at
   risk (``analysis.at_risk``) that has exactly one holder (``analysis.sole_holder``), and
   ranks learners for that holder: people who said they are keen (then happy) to grow the
   skill first, then those closest to the level, never the holder's managers or anyone in the
   holder's reporting line, never people leaving or who said they are not interested.
2. An HR admin (or a manager, for their reporting line) accepts a proposal: ``start`` creates a
   published pair (origin cross-training, the skill, the level to reach) in the evergreen
   cross-training programme — created on first use — and tells both people, who accept or
   decline like any pair.
3. Progress is the learner's current level against the target. The risk clears when the
   learner reaches it: the gap engine then counts two holders (``rows`` marks it cleared).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.accounts.models import AccessLevel
from seedbed.accounts.services import audit
from seedbed.gaps import analysis as an
from seedbed.gaps.selectors import load_org_matrix
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.mentoring.models import (
    Pair,
    PairOrigin,
    PairState,
    Participant,
    ParticipantRole,
    Programme,
    ProgrammeKind,
    ProgrammeState,
    Purpose,
)
from seedbed.mentoring.selectors import cross_training_by_skill
from seedbed.mentoring.services.pairs import pair_url
from seedbed.notifications.models import Kind
from seedbed.notifications.services import notify
from seedbed.people.models import Person
from seedbed.skills.models import Interest, PersonSkill, Skill, SkillInterest

if TYPE_CHECKING:
    from seedbed.accounts.models import User

TARGET_LEVEL = an.PROFICIENT  # a learner at this level is a holder: the risk clears
LEARNERS_PER_SKILL = 2
MORE_CANDIDATES = 8  # further learners offered to choose from, per skill
INTEREST_RANK: dict[str, int] = {Interest.KEEN.value: 2, Interest.HAPPY.value: 1}


# --- scope ---------------------------------------------------------------------------------


def scope(user: User) -> QuerySet[Person]:
    """Whose cross-training ``user`` arranges: HR admins everyone, managers their reporting
    line (holder and learner both in it). Employees: NotAllowed."""
    if user.is_authenticated and user.is_active:
        if user.access_level == AccessLevel.ADMIN:
            return Person.objects.all()
        if user.access_level == AccessLevel.MANAGER:
            return Person.objects.reporting_line_of(user)
    raise NotAllowed(_("Cross-training is arranged by managers and HR admins."))


# --- proposals -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A possible learner: their current level (None: unrated) and stated interest."""

    person_id: int
    name: str
    level: int | None
    interest: str | None  # "keen", "happy" or None when they have not said

    @property
    def to_go(self) -> int:
        return TARGET_LEVEL - (self.level or 0)


@dataclass
class Proposal:
    """An at-risk skill with its only holder, the learners proposed for them and further
    candidates to choose from instead."""

    skill_id: int
    skill_name: str
    critical: bool
    demand: int | None  # the level roles or strategic needs ask for (None: only critical)
    holder_id: int
    holder_name: str
    holder_leaving_on: date | None
    target_level: int
    live: int  # cross-training pairs already waiting or running for this skill
    learners: list[Candidate] = field(default_factory=list)
    others: list[Candidate] = field(default_factory=list)


def _reporting_maps(
    rows: Sequence[tuple[int, int | None]],
) -> tuple[dict[int, int | None], dict[int | None, list[int]]]:
    managers = dict(rows)
    reports: dict[int | None, list[int]] = {}
    for pid, mid in rows:
        reports.setdefault(mid, []).append(pid)
    return managers, reports


def reporting_chain(
    person_id: int, managers: dict[int, int | None], reports: dict[int | None, list[int]]
) -> set[int]:
    """The person's managers up to the top and everyone below them: nobody is cross-trained
    by or for their own manager or anyone in their reporting line."""
    chain: set[int] = set()
    up = managers.get(person_id)
    while up is not None and up not in chain:
        chain.add(up)
        up = managers.get(up)
    stack = list(reports.get(person_id, []))
    while stack:
        pid = stack.pop()
        if pid not in chain:
            chain.add(pid)
            stack.extend(reports.get(pid, []))
    chain.discard(person_id)
    return chain


def proposals(user: User) -> list[Proposal]:
    """Every at-risk skill with a single holder in ``user``'s scope, holders leaving first,
    then critical skills, then by the level asked for; each with up to two learners
    (fewer when cross-training pairs already run for it) and further candidates. Ten queries,
    whatever the size of the organisation."""
    people = scope(user)
    whole = user.access_level == AccessLevel.ADMIN
    org = load_org_matrix()  # five queries
    at = an.at_risk(org.levels, org.active, org.matters)
    sole = an.sole_holder(org.levels, org.active)
    cols = np.flatnonzero(at & (sole >= 0))
    if len(cols) == 0:
        return []
    # Query 6: everyone active, with what the rules need (one row each).
    directory = list(
        Person.objects.filter(is_active=True).values_list(
            "id", "manager_id", "user_id", "leaving_on", "full_name"
        )
    )
    managers, reports = _reporting_maps([(p, m) for p, m, _u, _l, _n in directory])
    info = {p: (u, leaving, name) for p, _m, u, leaving, name in directory}
    # Query 7: the scope (managers only).
    in_scope = None if whole else set(people.values_list("id", flat=True))
    holder_ids = org.person_ids[sole[cols]]
    keep = [
        k
        for k, hid in enumerate(holder_ids)
        if int(hid) in info
        and info[int(hid)][0] is not None  # the holder can sign in to accept
        and (in_scope is None or int(hid) in in_scope)
    ]
    cols, holder_ids = cols[keep], holder_ids[keep]
    if len(cols) == 0:
        return []
    skill_ids = [int(s) for s in org.skill_ids[cols]]
    # Query 8: stated interests in these skills.
    interests: dict[tuple[int, int], str] = {
        (p, s): i
        for p, s, i in SkillInterest.objects.filter(skill_id__in=skill_ids).values_list(
            "person_id", "skill_id", "interest"
        )
    }
    # Query 9: cross-training already under way.
    live = cross_training_by_skill(skill_ids)
    # Query 10: skill names.
    names = dict(Skill.objects.filter(pk__in=skill_ids).values_list("id", "name"))
    # Learners at all: active, with a login, not leaving, in scope.
    row_ids = [int(p) for p in org.person_ids]
    base = np.fromiter(
        (
            pid in info
            and info[pid][0] is not None
            and info[pid][1] is None  # nobody who is leaving
            and (in_scope is None or pid in in_scope)
            for pid in row_ids
        ),
        dtype=bool,
        count=len(row_ids),
    ) & np.asarray(org.active, dtype=bool)
    demand = org.demand
    found: list[Proposal] = []
    for j, hid in zip(cols, holder_ids, strict=True):
        sid, holder = int(org.skill_ids[j]), int(hid)
        if sid not in names:
            continue
        running = live.get(sid, [])
        busy = {c.mentee_id for c in running}
        blocked = reporting_chain(holder, managers, reports) | busy | {holder}
        candidates = []
        for r in np.flatnonzero(base & (org.levels[:, j] < TARGET_LEVEL)):
            pid = row_ids[r]
            interest = interests.get((pid, sid))
            if pid in blocked or interest == Interest.NONE:
                continue
            level = int(org.levels[r, j])
            candidates.append(Candidate(pid, info[pid][2], level if level >= 0 else None, interest))
        candidates.sort(
            key=lambda c: (
                -INTEREST_RANK.get(c.interest or "", 0),
                -(c.level if c.level is not None else -1),
                c.name,
                c.person_id,
            )
        )
        wanted = max(LEARNERS_PER_SKILL - len(running), 0)
        found.append(
            Proposal(
                skill_id=sid,
                skill_name=names[sid],
                critical=bool(org.critical[j]),
                demand=int(demand[j]) if demand[j] >= 0 else None,
                holder_id=holder,
                holder_name=info[holder][2],
                holder_leaving_on=info[holder][1],
                target_level=TARGET_LEVEL,
                live=len(running),
                learners=candidates[:wanted],
                others=candidates[wanted : wanted + MORE_CANDIDATES],
            )
        )
    far = date.max
    found.sort(
        key=lambda p: (
            p.holder_leaving_on or far,
            not p.critical,
            -(p.demand or 0),
            p.skill_name,
        )
    )
    return found


def filter_proposals(
    found: Sequence[Proposal], *, q: str = "", critical: bool = False
) -> list[Proposal]:
    """Proposals whose skill, holder or a candidate matches ``q`` (any case), critical skills
    only with ``critical``."""
    term = q.strip().lower()

    def matches(p: Proposal) -> bool:
        names = [p.skill_name, p.holder_name, *(c.name for c in p.learners + p.others)]
        return not term or any(term in n.lower() for n in names)

    return [p for p in found if matches(p) and (p.critical or not critical)]


def proposals_table(found: Sequence[Proposal]) -> tuple[list[str], list[list[Any]]]:
    """Proposals as an export table: one row per proposed learner (or one without)."""
    headers = [
        _("Skill"),
        _("Critical"),
        _("Level asked for"),
        _("Only holder"),
        _("Holder leaving on"),
        _("Cross-training under way"),
        _("Proposed learner"),
        _("Learner's level"),
        _("Interest"),
    ]
    rows: list[list[Any]] = []
    for p in found:
        base = [p.skill_name, p.critical, p.demand, p.holder_name, p.holder_leaving_on, p.live]
        rows.extend([*base, c.name, c.level, c.interest] for c in p.learners)
        if not p.learners:
            rows.append([*base, None, None, None])
    return headers, rows


# --- accepting a proposal ------------------------------------------------------------------


def current_programme() -> Programme | None:
    """The cross-training programme in use (the oldest one not closed), if any."""
    return (
        Programme.objects.filter(purpose=Purpose.CROSS_TRAINING)
        .exclude(state=ProgrammeState.CLOSED)
        .order_by("created_at", "id")
        .first()
    )


def programme_for_cross_training(*, actor: User | None) -> Programme:
    """The evergreen cross-training programme, created (running) on first use."""
    found = current_programme()
    if found is not None:
        return found
    programme = Programme.objects.create(
        name=_("Cross-training of knowledge at risk"),
        description=_(
            "People who are the only holder of a skill that matters teach one or two "
            "colleagues until someone else holds it too."
        ),
        purpose=Purpose.CROSS_TRAINING,
        kind=ProgrammeKind.EVERGREEN,
        state=ProgrammeState.RUNNING,
        starts_on=timezone.localdate(),
        require_shared_language=False,
        owner=actor,
    )
    audit(
        actor=actor,
        action="mentoring.programme.create",
        obj=programme,
        summary=f"Programme '{programme.name}' created for cross-training",
    )
    return programme


def _join(programme: Programme, person: Person, role: str, skill: Skill) -> None:
    """Make ``person`` a participant of the cross-training programme in ``role`` (mentor or
    mentee; someone who is already the other becomes both) offering or wanting ``skill``."""
    participant, created = Participant.objects.get_or_create(
        programme=programme,
        person=person,
        defaults={"role": role, "capacity": LEARNERS_PER_SKILL, "is_active": True},
    )
    if not created and participant.role != role and participant.role != ParticipantRole.BOTH:
        participant.role = ParticipantRole.BOTH
        participant.save(update_fields=["role"])
    if not participant.is_active:
        participant.is_active = True
        participant.save(update_fields=["is_active"])
    if role == ParticipantRole.MENTOR:
        participant.offers_skills.add(skill)
    else:
        participant.wants_skills.add(skill)


def _match_reasons(
    programme: Programme, mentor: Person, mentee: Person
) -> tuple[float, list[dict[str, Any]], dict[str, Any]]:
    """The matcher's score and reasons for the pair (``matching.score_pair``); its hard rules
    (exclusions, an earlier decline, reporting lines) refuse the pair with their reason."""
    from seedbed.mentoring import matching

    scored = matching.score_pair(programme, mentor, mentee)
    if scored is None:
        blockers = matching.pair_blockers(programme, mentor, mentee)
        code = str(blockers[0]["code"]) if blockers else ""
        raise ServiceError(matching.describe_blocker(code, "mentee", {}), field="mentee")
    return scored.score, scored.reasons, scored.weakest


def _check_pair(*, people: QuerySet[Person], skill: Skill, mentor: Person, mentee: Person) -> None:
    if not skill.is_active:
        raise ServiceError(_("%(skill)s is archived.") % {"skill": skill.name}, field="skill")
    if mentor.pk == mentee.pk:
        raise ServiceError(_("The holder cannot cross-train themselves."), field="mentee")
    ids = set(people.filter(pk__in=[mentor.pk, mentee.pk]).values_list("id", flat=True))
    if mentor.pk not in ids:
        raise NotAllowed(_("%(name)s is not in your reporting line.") % {"name": mentor.full_name})
    if mentee.pk not in ids:
        raise NotAllowed(_("%(name)s is not in your reporting line.") % {"name": mentee.full_name})
    for who, fld in ((mentor, "mentor"), (mentee, "mentee")):
        if not who.is_active or who.user_id is None:
            raise ServiceError(
                _("%(name)s has no active login and cannot take part.") % {"name": who.full_name},
                field=fld,
            )
    today = timezone.localdate()
    if mentee.leaving_on is not None and mentee.leaving_on >= today:
        raise ServiceError(
            _("%(name)s is leaving; choose someone who stays.") % {"name": mentee.full_name},
            field="mentee",
        )
    levels = dict(
        PersonSkill.objects.filter(skill=skill, person__is_active=True).values_list(
            "person_id", "level"
        )
    )
    holders = [p for p, lv in levels.items() if lv >= TARGET_LEVEL]
    if mentor.pk not in holders:
        raise ServiceError(
            _("%(name)s does not hold %(skill)s at level %(level)s.")
            % {"name": mentor.full_name, "skill": skill.name, "level": TARGET_LEVEL},
            field="mentor",
        )
    if len(holders) > 1:
        raise Conflict(
            _("%(skill)s has several holders: it is not at risk.") % {"skill": skill.name},
            field="skill",
        )
    if levels.get(mentee.pk, 0) >= TARGET_LEVEL:
        raise Conflict(
            _("%(name)s already holds %(skill)s.")
            % {"name": mentee.full_name, "skill": skill.name},
            field="mentee",
        )
    rows = list(Person.objects.filter(is_active=True).values_list("id", "manager_id"))
    managers, reports = _reporting_maps(rows)
    if mentee.pk in reporting_chain(mentor.pk, managers, reports):
        raise ServiceError(
            _("%(a)s and %(b)s are in the same reporting line; choose someone outside it.")
            % {"a": mentor.full_name, "b": mentee.full_name},
            field="mentee",
        )
    interest = (
        SkillInterest.objects.filter(person=mentee, skill=skill)
        .values_list("interest", flat=True)
        .first()
    )
    if interest == Interest.NONE:
        raise ServiceError(
            _("%(name)s said they are not interested in growing %(skill)s.")
            % {"name": mentee.full_name, "skill": skill.name},
            field="mentee",
        )
    running = cross_training_by_skill([skill.pk]).get(skill.pk, [])
    if any(c.mentee_id == mentee.pk for c in running):
        raise Conflict(
            _("%(name)s is already cross-training in %(skill)s.")
            % {"name": mentee.full_name, "skill": skill.name},
            field="mentee",
        )
    if len(running) >= LEARNERS_PER_SKILL:
        raise Conflict(
            _("%(skill)s already has %(n)s learners in cross-training.")
            % {"skill": skill.name, "n": len(running)},
            field="skill",
        )


@transaction.atomic
def start(
    *,
    actor: User,
    skill: Skill,
    mentor: Person,
    mentee: Person,
    now: datetime | None = None,
) -> Pair:
    """Accept a cross-training proposal: ``mentor`` (the only holder of ``skill``) teaches
    ``mentee`` up to the holder level. Creates the published pair in the cross-training
    programme and tells both people, who then accept or decline it."""
    now = now or timezone.now()
    people = scope(actor)
    _check_pair(people=people, skill=skill, mentor=mentor, mentee=mentee)
    programme = programme_for_cross_training(actor=actor)
    _join(programme, mentor, ParticipantRole.MENTOR, skill)
    _join(programme, mentee, ParticipantRole.MENTEE, skill)
    score, reasons, weakest = _match_reasons(programme, mentor, mentee)
    pair = Pair.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        state=PairState.PUBLISHED,
        origin=PairOrigin.CROSS_TRAINING,
        score=score,
        reasons=reasons,
        weakest=weakest,
        skill=skill,
        target_level=TARGET_LEVEL,
        created_at=now,
        published_at=now,
    )
    pair.focus_skills.set([skill])
    audit(
        actor=actor,
        action="mentoring.cross_training.start",
        obj=pair,
        summary=f"Cross-training in {skill.name}: {mentor.full_name} → {mentee.full_name}",
    )
    link = pair_url(pair)

    def write(person: Person) -> tuple[str, str, str]:
        if person.pk == mentor.pk:
            return (
                _("Would you teach %(skill)s to %(name)s?")
                % {"skill": skill.name, "name": mentee.full_name},
                _(
                    "You are the only one who holds %(skill)s at level %(level)s. Cross-training "
                    "%(name)s protects that knowledge. Accept or decline in Seedbed."
                )
                % {"skill": skill.name, "level": TARGET_LEVEL, "name": mentee.full_name},
                link,
            )
        return (
            _("Learn %(skill)s from %(name)s?") % {"skill": skill.name, "name": mentor.full_name},
            _(
                "%(name)s is the only one who holds %(skill)s at level %(level)s and could teach "
                "you. Accept or decline in Seedbed."
            )
            % {"skill": skill.name, "level": TARGET_LEVEL, "name": mentor.full_name},
            link,
        )

    recipients = Person.objects.filter(pk__in=[mentor.pk, mentee.pk]).select_related("user")
    notify(recipients=recipients, kind=Kind.MENTORING, write=write, now=now)
    return pair


# --- progress ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowFilters:
    q: str = ""
    state: str | None = None
    cleared: bool | None = None


def rows(user: User, filters: RowFilters | None = None) -> QuerySet[Pair]:
    """Cross-training pairs ``user`` may see (``Pair.visible_to``), waiting, running or
    finished, annotated with the learner's current level (``learner_level``, -1 unrated),
    whether ``user`` may see it (``level_visible``: the learner's levels are visible to them)
    and ``cleared`` (the learner has reached the target). One query."""
    filters = filters or RowFilters()
    level = Coalesce(
        Subquery(
            PersonSkill.objects.filter(
                person_id=OuterRef("mentee_id"), skill_id=OuterRef("skill_id")
            ).values("level")[:1],
            output_field=IntegerField(),
        ),
        Value(-1),
    )
    qs = (
        Pair.objects.visible_to(user)
        .filter(origin=PairOrigin.CROSS_TRAINING)
        .select_related("mentor", "mentee", "skill", "programme")
        .annotate(
            learner_level=level,
            level_visible=Case(
                When(Q(mentee__in=Person.objects.levels_visible_to(user)), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )
    qs = qs.annotate(
        cleared=Case(
            When(
                Q(target_level__isnull=False, learner_level__gte=F("target_level")),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(
            Q(skill__name__icontains=term)
            | Q(mentor__full_name__icontains=term)
            | Q(mentee__full_name__icontains=term)
        )
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.cleared is not None:
        qs = qs.filter(cleared=filters.cleared)
    return qs.order_by("skill__name", "-created_at", "id")


def progress_percent(level: int | None, target: int | None) -> int:
    """The learner's level as a share of the target (0–100)."""
    if not target:
        return 100
    return max(0, min(100, round(100 * max(level or 0, 0) / target)))
