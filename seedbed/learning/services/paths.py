"""Role and career paths, and personal learning paths built from a person's gaps.

Rules:
- **Role paths** (``LearningPath``): only HR (admins) change them; everyone signed in reads
  them. A path's order respects item prerequisites: every prerequisite item of a step must be
  on the path, before that step; prerequisites that loop are refused, naming the loop.
- **Personal paths**: for a person and a target (their current role, their target role, or a
  chosen set of skill levels) ``build_proposal`` loads the catalogue and the person's levels
  and asks ``seedbed.learning.analysis.propose`` for the exact optimum (see there for the
  model). Items must be in a language the person speaks (``Person.languages``; if they list
  none, the organisation's default language) and in one of the formats chosen.
- ``create_proposal`` saves the proposal as a *proposed* ``LearningPlan`` (replacing the
  person's earlier proposals nobody accepted); ``accept_plan`` makes it the person's plan and
  enrols them in each item through ``seedbed.learning.services.enrolments.enrol`` (so approval
  rules apply; an item that cannot be enrolled in yet, e.g. one that needs a session chosen,
  is left for the person to enrol in and reported).
- Who: the person themselves, their managers (reporting line) and HR plan, accept and read a
  person's plans (``people_planned_by``). Mentor suggestions for gaps no item covers list
  people whose levels the *viewer* may see (``PersonSkill.objects.visible_to``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.db import transaction
from django.db.models import BigIntegerField, F, Q, QuerySet
from django.db.models.functions import Cast, Round
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from seedbed.accounts.models import AccessLevel, OrgSettings
from seedbed.accounts.services import audit
from seedbed.frameworks.models import Role, RoleRequirement
from seedbed.learning import analysis as an
from seedbed.learning.models import (
    Enrolment,
    EnrolmentStatus,
    Format,
    ItemSkill,
    LearningItem,
    LearningPath,
    LearningPlan,
    PathStep,
    PlanItem,
    PlanStatus,
    Prerequisite,
)
from seedbed.lib.errors import Conflict, NotAllowed, NotFound, ServiceError
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill, Skill
from seedbed.skills.services import check_level

if TYPE_CHECKING:
    from seedbed.accounts.models import User

TargetKind = Literal["current_role", "target_role", "skills"]
TARGET_KINDS: tuple[TargetKind, ...] = ("current_role", "target_role", "skills")
MAX_TARGET_SKILLS = 50
MAX_PATH_STEPS = 200
MAX_BUDGET = Decimal("99999999.99")
MENTORS_PER_GAP = 5
CENT = Decimal("0.01")


# --- who may -------------------------------------------------------------------------------


def people_planned_by(user: User) -> QuerySet[Person]:
    """People whose learning plans ``user`` may make, accept and read: themselves, their
    reporting line if they are a manager, everyone if HR (admins)."""
    if not (user.is_authenticated and user.is_active):
        return Person.objects.none()
    return Person.objects.filter(
        Q(user=user) | Q(pk__in=Person.objects.validatable_by(user).values("pk"))
    )


def plans_visible_to(user: User) -> QuerySet[LearningPlan]:
    return LearningPlan.objects.filter(person__in=people_planned_by(user))


def _check_may_plan(actor: User, person: Person) -> None:
    if not people_planned_by(actor).filter(pk=person.pk).exists():
        raise NotAllowed(
            _("Only %(name)s, their managers and HR can plan their learning.")
            % {"name": person.full_name}
        )


def _check_admin(actor: User) -> None:
    if not (actor.is_active and actor.access_level == AccessLevel.ADMIN):
        raise NotAllowed(_("Only HR (admins) can change learning paths."))


# --- role and career paths -----------------------------------------------------------------


@transaction.atomic
def save_path(
    *, actor: User, path: LearningPath | None = None, data: dict[str, Any]
) -> LearningPath:
    """Create (``path`` None) or change a path's name, role and description (admins)."""
    _check_admin(actor)
    unknown = set(data) - {"name", "role", "description"}
    if unknown:
        raise ServiceError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    name = " ".join(str(data.get("name", path.name if path else "")).split())
    if not name:
        raise ServiceError(_("A learning path needs a name."), field="name")
    if len(name) > 200:
        raise ServiceError(_("Keep the name under 200 characters."), field="name")
    clash = LearningPath.objects.filter(name__iexact=name)
    if path is not None:
        clash = clash.exclude(pk=path.pk)
    if clash.exists():
        raise Conflict(
            _("A learning path named %(name)s already exists.") % {"name": name}, field="name"
        )
    role = data.get("role", path.role if path else None)
    if "role" in data and role is not None and not role.is_active:
        raise ServiceError(
            _("%(role)s is retired; choose an active role.") % {"role": role.name}, field="role"
        )
    values = {
        "name": name,
        "role": role,
        "description": str(data.get("description", path.description if path else "")).strip(),
    }
    if path is None:
        path = LearningPath.objects.create(**values)
        audit(
            actor=actor, action="learning.path.create", obj=path, summary=f"Path '{name}' created"
        )
        return path
    changes = {
        k: [str(getattr(path, k) or ""), str(v or "")]
        for k, v in values.items()
        if getattr(path, k) != v
    }
    for k, v in values.items():
        setattr(path, k, v)
    path.save(update_fields=list(values))
    if changes:
        audit(
            actor=actor,
            action="learning.path.update",
            obj=path,
            summary=f"Path '{name}' changed",
            changes=changes,
        )
    return path


@transaction.atomic
def delete_path(*, actor: User, path: LearningPath) -> None:
    _check_admin(actor)
    name, pk = path.name, path.pk
    path.delete()
    audit(
        actor=actor,
        action="learning.path.delete",
        obj=None,
        summary=f"Path '{name}' (#{pk}) deleted",
    )


def _item_titles(ids: Sequence[int]) -> dict[int, str]:
    return dict(LearningItem.objects.filter(pk__in=set(ids)).values_list("pk", "title"))


def _quote(title: str) -> str:
    return _("“%(title)s”") % {"title": title}


def cycle_text(cycle: Sequence[int], titles: dict[int, str]) -> str:
    return " → ".join(_quote(titles.get(i, f"#{i}")) for i in cycle)


def check_path_order(item_ids: Sequence[int]) -> None:
    """Refuse an order that puts an item before (or without) one of its prerequisite items, or
    items whose prerequisites loop; the message names the items."""
    edges = list(
        Prerequisite.objects.filter(requires_item__isnull=False).values_list(
            "item_id", "requires_item_id"
        )
    )
    try:
        problems = an.order_problems(item_ids, edges)  # type: ignore[arg-type]
    except an.PrerequisiteCycle as exc:
        titles = _item_titles(exc.cycle)
        raise ServiceError(
            _(
                "The prerequisites of these items go round in a circle, so no order can work: "
                "%(cycle)s. Remove one of these prerequisites in the catalogue first."
            )
            % {"cycle": cycle_text(exc.cycle, titles)},
            field="items",
        ) from None
    if not problems:
        return
    titles = _item_titles([x for p in problems for x in (p.item, p.prerequisite)])
    messages = [
        (
            _("%(item)s needs %(first)s first: add it to the path before %(item)s.")
            if p.missing
            else _("%(item)s needs %(first)s first: move %(first)s before %(item)s.")
        )
        % {"item": _quote(titles[p.item]), "first": _quote(titles[p.prerequisite])}
        for p in problems
    ]
    raise ServiceError(" ".join(messages), field="items")


@transaction.atomic
def set_path_steps(
    *, actor: User, path: LearningPath, items: Sequence[LearningItem]
) -> LearningPath:
    """Replace the path's steps by ``items`` in this order (admins). Archived items may stay
    on a path but cannot be added to one."""
    _check_admin(actor)
    ids = [it.pk for it in items]
    if len(ids) > MAX_PATH_STEPS:
        raise ServiceError(
            _("A path has at most %(n)s steps.") % {"n": MAX_PATH_STEPS}, field="items"
        )
    seen: set[int] = set()
    for it in items:
        if it.pk in seen:
            raise ServiceError(
                _("%(item)s is on the path twice.") % {"item": _quote(it.title)}, field="items"
            )
        seen.add(it.pk)
    current = list(path.steps.order_by("position").values_list("item_id", flat=True))
    archived = [it.title for it in items if not it.is_active and it.pk not in current]
    if archived:
        raise ServiceError(
            _("%(items)s is archived and cannot be added to a path.")
            % {"items": ", ".join(_quote(t) for t in archived)},
            field="items",
        )
    if ids == current:
        return path
    check_path_order(ids)
    path.steps.all().delete()
    PathStep.objects.bulk_create(
        PathStep(path=path, item=it, position=pos) for pos, it in enumerate(items, start=1)
    )
    audit(
        actor=actor,
        action="learning.path.steps",
        obj=path,
        summary=f"Path '{path.name}': {len(ids)} steps",
        changes={"items": [current, ids]},
    )
    return path


@dataclass(frozen=True)
class PathStepRow:
    position: int
    item: LearningItem
    needs_items: list[LearningItem]
    needs_skills: list[tuple[str, int]]
    completed: bool | None  # None: no person chosen


@dataclass(frozen=True)
class PathView:
    path: LearningPath
    steps: list[PathStepRow]
    total_hours: Decimal
    total_cost: Decimal
    person: Person | None
    completed: int


def path_view(path: LearningPath, person: Person | None = None) -> PathView:
    """The path's steps with prerequisites, totals, and (for ``person``, already scoped by the
    caller) which steps they have completed. Three queries, four with a person."""
    steps = list(path.steps.select_related("item").order_by("position"))
    item_ids = [s.item_id for s in steps]
    prereqs = list(
        Prerequisite.objects.filter(item_id__in=item_ids)
        .select_related("requires_item", "requires_skill")
        .order_by("id")
    )
    by_item: dict[int, list[Prerequisite]] = {}
    for pre in prereqs:
        by_item.setdefault(pre.item_id, []).append(pre)
    done: set[int] = set()
    if person is not None:
        done = set(
            Enrolment.objects.filter(
                person=person, item_id__in=item_ids, status=EnrolmentStatus.COMPLETED
            ).values_list("item_id", flat=True)
        )
    rows = [
        PathStepRow(
            position=s.position,
            item=s.item,
            needs_items=[
                p.requires_item for p in by_item.get(s.item_id, []) if p.requires_item is not None
            ],
            needs_skills=[
                (p.requires_skill.name, p.requires_level or 0)
                for p in by_item.get(s.item_id, [])
                if p.requires_skill is not None
            ],
            completed=(s.item_id in done) if person is not None else None,
        )
        for s in steps
    ]
    return PathView(
        path=path,
        steps=rows,
        total_hours=sum((s.item.duration_hours for s in steps), Decimal(0)),
        total_cost=sum((s.item.cost for s in steps), Decimal(0)),
        person=person,
        completed=len(done),
    )


# --- personal paths: input -----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What to plan towards: the person's current role, their target role, or chosen skill
    levels (``skills``: (skill, level) pairs)."""

    kind: TargetKind
    skills: tuple[tuple[Skill, int], ...] = ()


@dataclass(frozen=True)
class GapRow:
    skill_id: int
    skill_name: str
    current: int | None
    target: int
    importance: int


def resolve_target(
    person: Person, target: Target
) -> tuple[Role | None, list[GapRow], dict[int, int]]:
    """The role planned for (None for chosen skills), the gaps (most important first) and the
    person's current levels. Two queries (three with a role)."""
    levels = dict(PersonSkill.objects.filter(person=person).values_list("skill_id", "level"))
    if target.kind not in TARGET_KINDS:
        raise ServiceError(_("Choose what to plan towards."), field="target")
    role: Role | None = None
    wanted: list[tuple[int, str, int, int]] = []  # skill id, name, level, importance
    if target.kind == "skills":
        if not target.skills:
            raise ServiceError(_("Choose at least one skill and level."), field="skills")
        if len(target.skills) > MAX_TARGET_SKILLS:
            raise ServiceError(
                _("Choose at most %(n)s skills.") % {"n": MAX_TARGET_SKILLS}, field="skills"
            )
        seen: set[int] = set()
        for skill, level in target.skills:
            if skill.pk in seen:
                raise ServiceError(
                    _("%(skill)s is chosen twice.") % {"skill": skill.name}, field="skills"
                )
            seen.add(skill.pk)
            if not skill.is_active:
                raise ServiceError(
                    _("%(skill)s is retired.") % {"skill": skill.name}, field="skills"
                )
            try:
                check_level(skill, level)
            except ServiceError as exc:
                raise ServiceError(exc.message, field="skills") from None
            wanted.append((skill.pk, skill.name, level, 2))
    else:
        role = person.role if target.kind == "current_role" else person.target_role
        if role is None:
            message = (
                _("%(name)s has no current role yet.")
                if target.kind == "current_role"
                else _("%(name)s has no target role yet.")
            )
            raise ServiceError(message % {"name": person.full_name}, field="target")
        wanted = [
            (sid, name, lvl, imp)
            for sid, name, lvl, imp in RoleRequirement.objects.filter(role=role).values_list(
                "skill_id", "skill__name", "required_level", "importance"
            )
        ]
    gaps = [
        GapRow(sid, name, levels.get(sid), lvl, imp)
        for sid, name, lvl, imp in wanted
        if max(levels.get(sid, 0), 0) < lvl
    ]
    # Most important first: the biggest weighted gap (as on the readiness page), then by name.
    gaps.sort(key=lambda g: (-(g.target - max(g.current or 0, 0)) * g.importance, g.skill_name))
    return role, gaps, levels


def person_languages(person: Person) -> frozenset[str]:
    """The languages learning may be in: the person's, else the organisation's default."""
    langs = person.language_list or [OrgSettings.load().default_language]
    return frozenset(an.primary_language(x) for x in langs)


def load_catalogue() -> an.Catalogue:
    """Every active item with the skills it brings and its prerequisites, as arrays: three
    queries, hours in tenths and costs in cents computed by the database (exact integers, and
    no Decimal per row in Python). Rows of inactive items are dropped by the analysis."""
    items = list(
        LearningItem.objects.filter(is_active=True).values_list(
            "id",
            Cast(Round(F("duration_hours") * 10), BigIntegerField()),
            Cast(Round(F("cost") * 100), BigIntegerField()),
            "language",
            "format",
        )
    )
    brings = list(ItemSkill.objects.values_list("item_id", "skill_id", "level"))
    prereqs = list(
        Prerequisite.objects.values_list(
            "item_id", "requires_item_id", "requires_skill_id", "requires_level"
        )
    )
    ids, hours, cost, language, fmt = zip(*items, strict=True) if items else ((),) * 5
    return an.Catalogue.build(
        ids=ids,
        hours=hours,
        cost=cost,
        language=language,
        format=fmt,
        brings=brings,
        needs_item=[(i, j) for i, j, _s, _l in prereqs if j is not None],
        needs_skill=[(i, s, lv or 0) for i, _j, s, lv in prereqs if s is not None],
    )


# --- personal paths: output ----------------------------------------------------------------


def _from(level: int) -> str:
    return "–" if level == an.NONE else str(level)


def describe_step(
    step: an.Step, *, skill_names: dict[int, str], item_titles: dict[int, str]
) -> str:
    """Why this item, in one line: "covers Kubernetes 2→4; needs Docker 3 first (covered by
    Docker basics)"."""
    parts: list[str] = []
    if step.covers:
        covered = []
        for gap, level in step.covers:
            text = _("%(skill)s %(from)s→%(to)s") % {
                "skill": skill_names.get(gap.skill, f"#{gap.skill}"),
                "from": _from(gap.current),
                "to": level,
            }
            if level > gap.target:
                text += " " + _("(%(target)s needed)") % {"target": gap.target}
            covered.append(text)
        parts.append(_("covers %(skills)s") % {"skills": ", ".join(covered)})
    for need in step.needs_skills:
        what = {"skill": skill_names.get(need.skill, f"#{need.skill}"), "level": need.level}
        if need.by_item is None:
            parts.append(_("needs %(skill)s %(level)s first (already held)") % what)
        else:
            parts.append(
                _("needs %(skill)s %(level)s first (covered by %(item)s)")
                % {**what, "item": item_titles.get(need.by_item, f"#{need.by_item}")}
            )
    for required, completed in step.needs_items:
        title = item_titles.get(required, f"#{required}")
        parts.append(
            _("needs %(item)s first (completed)") % {"item": title}
            if completed
            else _("needs %(item)s first") % {"item": title}
        )
    if step.enables and not step.covers:
        parts.append(
            _("needed first by %(items)s")
            % {"items": ", ".join(item_titles.get(i, f"#{i}") for i in step.enables)}
        )
    return "; ".join(parts)


UNCOVERED_TEXT = {
    an.Uncoverable.NO_ITEM: gettext_noop("No active item in the catalogue reaches this level."),
    an.Uncoverable.PREFERENCES: gettext_noop(
        "Only items in other languages or formats reach this level."
    ),
    an.Uncoverable.COMPLETED: gettext_noop(
        "Every item that reaches this level is already completed: "
        "ask the manager to confirm the level."
    ),
    an.Uncoverable.PREREQUISITES: gettext_noop(
        "The items that reach this level need prerequisites no "
        "available item or current level meets."
    ),
    an.Uncoverable.BUDGET: gettext_noop("Not within the budget together with the rest."),
}


def uncovered_text(reason: str) -> str:
    try:
        return _(UNCOVERED_TEXT[an.Uncoverable(reason)])
    except ValueError:
        return ""


@dataclass(frozen=True)
class ProposedStep:
    position: int
    item: LearningItem
    reason: str


@dataclass(frozen=True)
class UncoveredGap:
    skill_id: int
    skill_name: str
    current: int | None
    target: int
    reason: str

    @property
    def reason_text(self) -> str:
        return uncovered_text(self.reason)

    def as_json(self) -> dict[str, Any]:
        return {
            "skill_id": self.skill_id,
            "skill_name": self.skill_name,
            "from": self.current,
            "to": self.target,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ProposalResult:
    person: Person
    target: Target
    role: Role | None
    objective: an.Objective
    budget: Decimal | None
    languages: frozenset[str]
    formats: frozenset[str] | None
    gaps: list[GapRow]
    steps: list[ProposedStep]
    uncovered: list[UncoveredGap]
    total_hours: Decimal
    total_cost: Decimal
    considered: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _budget_cents(budget: Decimal | None) -> int | None:
    if budget is None:
        return None
    if not budget.is_finite() or budget < 0 or budget > MAX_BUDGET:
        raise ServiceError(_("The budget must be a positive amount."), field="budget")
    if budget != budget.quantize(CENT):
        raise ServiceError(_("Give the budget to the cent at most."), field="budget")
    return int(budget / CENT)


def build_proposal(
    *,
    actor: User,
    person: Person,
    target: Target,
    objective: an.Objective = "time",
    budget: Decimal | None = None,
    formats: Sequence[str] | None = None,
) -> ProposalResult:
    """The optimal learning path for ``person`` towards ``target`` (nothing is saved). About
    eight queries whatever the catalogue's size."""
    _check_may_plan(actor, person)
    if objective not in ("time", "cost"):
        raise ServiceError(_("Choose least time or least cost."), field="objective")
    cents = _budget_cents(budget)
    chosen_formats: frozenset[str] | None = None
    if formats is not None:
        chosen_formats = frozenset(formats)
        bad = chosen_formats - set(Format.values)
        if bad or not chosen_formats:
            raise ServiceError(_("Choose at least one format from the list."), field="formats")
        if chosen_formats == set(Format.values):
            chosen_formats = None
    role, gaps, levels = resolve_target(person, target)
    languages = person_languages(person)
    completed = set(
        Enrolment.objects.filter(person=person, status=EnrolmentStatus.COMPLETED).values_list(
            "item_id", flat=True
        )
    )
    names = {g.skill_id: g.skill_name for g in gaps}
    steps: list[ProposedStep] = []
    uncovered: list[UncoveredGap] = []
    considered = 0
    if gaps:
        cat = load_catalogue()
        try:
            proposal = an.propose(
                cat,
                levels=levels,
                gaps=[
                    an.Gap(g.skill_id, an.NONE if g.current is None else g.current, g.target)
                    for g in gaps
                ],
                prefs=an.Preferences(
                    objective=objective,
                    budget=cents,
                    languages=languages,
                    formats=chosen_formats,
                ),
                completed=completed,
            )
        except an.PrerequisiteCycle as exc:
            raise ServiceError(
                _(
                    "The catalogue's prerequisites go round in a circle, so no plan can be "
                    "made: %(cycle)s. Ask HR to remove one of these prerequisites."
                )
                % {"cycle": cycle_text(exc.cycle, _item_titles(exc.cycle))}
            ) from None
        considered = proposal.considered
        mentioned = {
            *proposal.item_ids,
            *(n.by_item for s in proposal.steps for n in s.needs_skills if n.by_item),
            *(i for s in proposal.steps for i, _done in s.needs_items),
        }
        items = LearningItem.objects.in_bulk(mentioned)
        need_skills = {n.skill for s in proposal.steps for n in s.needs_skills} - set(names)
        names |= dict(Skill.objects.filter(pk__in=need_skills).values_list("pk", "name"))
        titles = {pk: it.title for pk, it in items.items()}
        steps = [
            ProposedStep(
                position=pos,
                item=items[s.item],
                reason=describe_step(s, skill_names=names, item_titles=titles),
            )
            for pos, s in enumerate(proposal.steps, start=1)
        ]
        uncovered = [
            UncoveredGap(
                u.gap.skill,
                names[u.gap.skill],
                None if u.gap.current == an.NONE else u.gap.current,
                u.gap.target,
                str(u.reason),
            )
            for u in proposal.uncovered
        ]
    return ProposalResult(
        person=person,
        target=target,
        role=role,
        objective=objective,
        budget=budget,
        languages=languages,
        formats=chosen_formats,
        gaps=gaps,
        steps=steps,
        uncovered=uncovered,
        total_hours=sum((s.item.duration_hours for s in steps), Decimal(0)),
        total_cost=sum((s.item.cost for s in steps), Decimal(0)),
        considered=considered,
    )


@transaction.atomic
def create_proposal(
    *,
    actor: User,
    person: Person,
    target: Target,
    objective: an.Objective = "time",
    budget: Decimal | None = None,
    formats: Sequence[str] | None = None,
) -> LearningPlan:
    """Build the proposal and save it as a *proposed* plan (replacing the person's earlier
    proposals that nobody accepted), with the reason for each item."""
    result = build_proposal(
        actor=actor,
        person=person,
        target=target,
        objective=objective,
        budget=budget,
        formats=formats,
    )
    if not result.gaps:
        what = result.role.name if result.role else _("the chosen levels")
        raise ServiceError(
            _("Nothing to plan: %(name)s already reaches every level of %(what)s.")
            % {"name": person.full_name, "what": what},
            field="target",
        )
    LearningPlan.objects.filter(person=person, status=PlanStatus.PROPOSED).delete()
    plan = LearningPlan.objects.create(
        person=person,
        target_role=result.role,
        target_skills=[{"skill_id": s.pk, "level": lvl} for s, lvl in target.skills],
        objective=objective,
        budget=budget,
        status=PlanStatus.PROPOSED,
        uncovered=[u.as_json() for u in result.uncovered],
        total_hours=result.total_hours,
        total_cost=result.total_cost,
        created_by=actor,
    )
    PlanItem.objects.bulk_create(
        PlanItem(plan=plan, item=s.item, position=s.position, reason=s.reason) for s in result.steps
    )
    audit(
        actor=actor,
        action="learning.plan.propose",
        obj=plan,
        summary=f"Learning plan proposed for {person.full_name}: {len(result.steps)} items, "
        f"{len(result.uncovered)} gaps uncovered",
    )
    return plan


@dataclass(frozen=True)
class Acceptance:
    plan: LearningPlan
    enrolled: list[LearningItem]
    not_enrolled: list[tuple[LearningItem, str]]  # item, why


@transaction.atomic
def accept_plan(*, actor: User, plan: LearningPlan) -> Acceptance:
    """Make a proposed plan the person's plan (the person, their managers, HR) and enrol them
    in each item through the enrolment service, so its approval rules apply. An item the
    service refuses (already enrolled, a session to choose, …) is reported, not fatal."""
    from seedbed.learning.services.enrolments import enrol

    person = Person.objects.select_for_update().get(pk=plan.person_id)
    _check_may_plan(actor, person)
    plan = LearningPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.PROPOSED:
        raise Conflict(
            _("This plan is already %(status)s.") % {"status": plan.get_status_display().lower()}
        )
    if not plan.items.exists():
        raise ServiceError(
            _(
                "This plan has no items to take: no item closes these gaps within the choices "
                "made. Look for a mentor for them, or propose again with other choices."
            )
        )
    plan.status = PlanStatus.ACCEPTED
    plan.accepted_by = actor
    plan.accepted_at = timezone.now()
    plan.save(update_fields=["status", "accepted_by", "accepted_at"])
    audit(
        actor=actor,
        action="learning.plan.accept",
        obj=plan,
        summary=f"Learning plan {plan.pk} of {person.full_name} accepted",
    )
    enrolled: list[LearningItem] = []
    skipped: list[tuple[LearningItem, str]] = []
    for pi in plan.items.select_related("item").order_by("position"):
        try:
            enrol(actor=actor, person=person, item=pi.item, plan=plan)
        except ServiceError as exc:
            skipped.append((pi.item, exc.message))
        else:
            enrolled.append(pi.item)
    return Acceptance(plan, enrolled, skipped)


# --- plan pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mentor:
    person_id: int
    name: str
    level: int


def suggest_mentors(
    *, actor: User, person: Person, gaps: Sequence[tuple[int, int]]
) -> dict[int, list[Mentor]]:
    """Per skill id: active colleagues who hold it at the target level or above (highest first,
    at most five), among the people whose levels ``actor`` may see. One query."""
    if not gaps:
        return {}
    wanted = Q()
    for skill_id, level in gaps:
        wanted |= Q(skill_id=skill_id, level__gte=level)
    rows = (
        PersonSkill.objects.visible_to(actor)
        .filter(wanted, person__is_active=True)
        .exclude(person=person)
        .order_by("skill_id", "-level", "person__full_name")
        .values_list("skill_id", "person_id", "person__full_name", "level")
    )
    out: dict[int, list[Mentor]] = {}
    for skill_id, pid, name, level in rows:
        found = out.setdefault(skill_id, [])
        if len(found) < MENTORS_PER_GAP:
            found.append(Mentor(pid, name, level))
    return out


@dataclass(frozen=True)
class PlanRow:
    position: int
    item: LearningItem
    reason: str
    enrolment: Enrolment | None


@dataclass(frozen=True)
class PlanView:
    plan: LearningPlan
    rows: list[PlanRow]
    uncovered: list[UncoveredGap]
    mentors: dict[int, list[Mentor]]
    target_skills: list[tuple[str, int]]
    can_accept: bool


def get_plan(actor: User, plan_id: int) -> LearningPlan:
    plan = (
        plans_visible_to(actor)
        .select_related("person", "target_role", "accepted_by", "created_by")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise NotFound(_("No learning plan with id %(id)s.") % {"id": plan_id})
    return plan


def plan_view(plan: LearningPlan, *, actor: User) -> PlanView:
    """A plan (already scoped by the caller) with each item's latest enrolment, the uncovered
    gaps and mentors the viewer may see. Four queries."""
    items = list(plan.items.select_related("item").order_by("position"))
    latest: dict[int, Enrolment] = {}
    for e in Enrolment.objects.filter(
        person_id=plan.person_id, item_id__in=[pi.item_id for pi in items]
    ).order_by("created_at", "id"):
        latest[e.item_id] = e
    uncovered = [
        UncoveredGap(
            int(u["skill_id"]),
            str(u.get("skill_name", "")),
            u.get("from"),
            int(u["to"]),
            str(u.get("reason", "")),
        )
        for u in plan.uncovered
    ]
    skill_names = (
        dict(
            Skill.objects.filter(
                pk__in=[int(t["skill_id"]) for t in plan.target_skills]
            ).values_list("pk", "name")
        )
        if plan.target_skills
        else {}
    )
    return PlanView(
        plan=plan,
        rows=[PlanRow(pi.position, pi.item, pi.reason, latest.get(pi.item_id)) for pi in items],
        uncovered=uncovered,
        mentors=suggest_mentors(
            actor=actor,
            person=plan.person,
            gaps=[(u.skill_id, u.target) for u in uncovered],
        ),
        target_skills=[
            (skill_names.get(int(t["skill_id"]), "?"), int(t["level"])) for t in plan.target_skills
        ],
        can_accept=plan.status == PlanStatus.PROPOSED and bool(items),
    )
