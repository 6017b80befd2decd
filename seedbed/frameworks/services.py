"""Role operations: job profiles and their skill requirements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.timezone import localdate
from django.utils.translation import gettext as _

from seedbed.accounts.models import AccessLevel, User
from seedbed.accounts.services import audit, diff_fields
from seedbed.frameworks import sector_templates
from seedbed.frameworks.models import Importance, Priority, Role, RoleRequirement, StrategicNeed
from seedbed.frameworks.sector_templates import SectorTemplate, TemplateSkill
from seedbed.lib.errors import NotAllowed, NotFound, ServiceError
from seedbed.search.index import schedule_index
from seedbed.skills.models import Criticality, Skill, SkillCategory
from seedbed.skills.services import (
    check_level,
    level_bounds_by_category,
    save_category,
    save_skill,
)

if TYPE_CHECKING:
    from seedbed.people.models import Person


def _check_admin(actor: User) -> None:
    if not (actor.is_active and actor.access_level == AccessLevel.ADMIN):
        raise NotAllowed(_("Only admins can change roles."))


@transaction.atomic
def save_role(*, actor: User, role: Role | None = None, data: dict[str, Any]) -> Role:
    _check_admin(actor)
    name = " ".join(str(data.get("name", role.name if role else "")).split())
    if not name:
        raise ServiceError(_("A role needs a name."), field="name")
    data = {**data, "name": name}
    clash = Role.objects.filter(name__iexact=name)
    if role is not None:
        clash = clash.exclude(pk=role.pk)
    if clash.exists():
        raise ServiceError(
            _("A role named %(name)s already exists.") % {"name": name}, field="name"
        )
    if role is None:
        role = Role.objects.create(**data)
        audit(actor=actor, action="role.create", obj=role, summary=f"Role '{name}' created")
        return role
    changes = diff_fields(role, data)
    for field, value in data.items():
        setattr(role, field, value)
    role.save()
    if changes:
        audit(
            actor=actor,
            action="role.update",
            obj=role,
            summary=f"Role '{name}' changed",
            changes=changes,
        )
    if "name" in changes:  # people are found by their role's name
        schedule_index("person", list(role.people.values_list("id", flat=True)))
    return role


@transaction.atomic
def set_requirement(
    *,
    actor: User,
    role: Role,
    skill: Skill,
    required_level: int,
    importance: int = Importance.IMPORTANT,
) -> RoleRequirement:
    """Require ``skill`` at ``required_level`` for ``role`` (creates or updates)."""
    _check_admin(actor)
    check_level(skill, required_level)
    if importance not in Importance.values:
        raise ServiceError(_("Importance must be 1, 2 or 3."), field="importance")
    req, created = RoleRequirement.objects.update_or_create(
        role=role,
        skill=skill,
        defaults={"required_level": required_level, "importance": importance},
    )
    audit(
        actor=actor,
        action="role.requirement",
        obj=role,
        summary=f"{role.name}: {skill.name} ≥ {required_level} ({'added' if created else 'changed'})",
    )
    return req


@transaction.atomic
def remove_requirement(*, actor: User, role: Role, skill: Skill) -> None:
    _check_admin(actor)
    deleted, _n = RoleRequirement.objects.filter(role=role, skill=skill).delete()
    if deleted:
        audit(
            actor=actor,
            action="role.requirement.remove",
            obj=role,
            summary=f"{role.name}: {skill.name} no longer required",
        )


# --- career paths ------------------------------------------------------------------------


@transaction.atomic
def set_next_roles(*, actor: User, role: Role, next_roles: Iterable[Role]) -> Role:
    """Replace the roles that follow ``role`` on the career path (admins). A role cannot lead
    to itself; retired roles may stay on a path but cannot be added to one."""
    _check_admin(actor)
    wanted = {r.pk: r for r in next_roles}
    if role.pk in wanted:
        raise ServiceError(_("A role cannot be its own next role."), field="next_roles")
    current = set(role.next_roles.values_list("pk", flat=True))
    added = [r for pk, r in wanted.items() if pk not in current]
    retired = [r.name for r in added if not r.is_active]
    if retired:
        raise ServiceError(
            _("%(names)s is retired and cannot be added to a career path.")
            % {"names": ", ".join(sorted(retired))},
            field="next_roles",
        )
    removed = current - set(wanted)
    if not added and not removed:
        return role
    role.next_roles.set(list(wanted.values()))
    audit(
        actor=actor,
        action="role.next_roles",
        obj=role,
        summary=f"{role.name}: next roles {', '.join(sorted(r.name for r in wanted.values())) or '—'}",
        changes={"next_roles": [sorted(current), sorted(wanted)]},
    )
    return role


@transaction.atomic
def set_target_role(*, actor: User, person: Person, role: Role | None) -> Person:
    """Set (or clear, with ``role`` None) the role ``person`` is working towards. People set
    their own; admins anyone's. Only active roles can be a target."""
    if not actor.is_active or not (
        person.user_id == actor.pk or actor.access_level == AccessLevel.ADMIN
    ):
        raise NotAllowed(_("Only the person themselves or an admin can set a target role."))
    if role is not None and not role.is_active:
        raise ServiceError(
            _("%(role)s is retired; choose an active role.") % {"role": role.name}, field="role"
        )
    old = person.target_role_id
    new = role.pk if role is not None else None
    if old == new:
        return person
    person.target_role = role
    person.save(update_fields=["target_role"])
    audit(
        actor=actor,
        action="person.target_role",
        obj=person,
        summary=f"{person.full_name}: target role {role.name if role else '—'}",
        changes={"target_role": [old, new]},
    )
    return person


# --- strategic capability needs ----------------------------------------------------------

NEED_FIELDS = ("skill", "level", "headcount", "due_date", "priority", "owner", "goal", "is_active")
MAX_HEADCOUNT = 10_000


def _check_need_admin(actor: User) -> None:
    if not (actor.is_active and actor.access_level == AccessLevel.ADMIN):
        raise NotAllowed(_("Only admins can change strategic needs."))


@transaction.atomic
def save_need(
    *, actor: User, need: StrategicNeed | None = None, data: dict[str, Any]
) -> StrategicNeed:
    """Create (``need`` None) or change a strategic capability need (admins): "by ``due_date``
    we need ``headcount`` people at ``level`` in ``skill``". A new need cannot be due in the
    past; the level must fit the skill's scale."""
    _check_need_admin(actor)
    unknown = set(data) - set(NEED_FIELDS)
    if unknown:
        raise ServiceError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    merged: dict[str, Any] = (
        {f: getattr(need, f) for f in NEED_FIELDS} if need is not None else {}
    ) | data
    skill = merged.get("skill")
    if skill is None:
        raise ServiceError(_("Choose the skill that is needed."), field="skill")
    if not skill.is_active and (need is None or "skill" in data):
        raise ServiceError(_("%(skill)s is archived.") % {"skill": skill.name}, field="skill")
    level = merged.get("level")
    if level is None:
        raise ServiceError(_("Say which level is needed."), field="level")
    check_level(skill, level)
    headcount = merged.get("headcount")
    if not isinstance(headcount, int) or not 1 <= headcount <= MAX_HEADCOUNT:
        raise ServiceError(
            _("The number of people needed must be between 1 and %(max)s.")
            % {"max": MAX_HEADCOUNT},
            field="headcount",
        )
    due = merged.get("due_date")
    if due is None:
        raise ServiceError(_("Say by when the capability is needed."), field="due_date")
    due_changed = need is None or ("due_date" in data and due != need.due_date)
    if due_changed and due < localdate():
        raise ServiceError(_("The date it is needed by cannot be in the past."), field="due_date")
    if merged.get("priority", Priority.MEDIUM) not in Priority.values:
        raise ServiceError(_("Priority must be 1 (low), 2 (medium) or 3 (high)."), field="priority")
    owner = merged.get("owner")
    if owner is not None and not owner.is_active and (need is None or "owner" in data):
        raise ServiceError(
            _("%(name)s has left and cannot own a need.") % {"name": owner.full_name},
            field="owner",
        )
    merged["goal"] = " ".join(str(merged.get("goal") or "").split())[:300]
    if need is None:
        need = StrategicNeed.objects.create(**merged)
        audit(actor=actor, action="need.create", obj=need, summary=_need_summary(need))
        return need
    changes = diff_fields(need, merged)
    if not changes:
        return need
    for field, value in merged.items():
        setattr(need, field, value)
    need.save(update_fields=list(changes))
    audit(
        actor=actor,
        action="need.archive" if changes.get("is_active") == [True, False] else "need.update",
        obj=need,
        summary=_need_summary(need),
        changes=changes,
    )
    return need


def archive_need(*, actor: User, need: StrategicNeed) -> StrategicNeed:
    """Archive a need (it leaves the open list and the gap figures; its history stays)."""
    return save_need(actor=actor, need=need, data={"is_active": False})


def _need_summary(need: StrategicNeed) -> str:
    return (
        f"Need: {need.headcount} × {need.skill.name} ≥ {need.level} by {need.due_date.isoformat()}"
    )


# --- sector templates --------------------------------------------------------------------
#
# Applying a template merges it into whatever the organisation already has; it never
# duplicates and never lowers anything:
# - a template skill is the existing skill with the same name (ignoring case), else the one
#   that has the template name as an alias, else the one named like one of the template's
#   aliases; only unmatched skills are created (with their category, created if needed);
# - a matched skill keeps its name, aliases, category and criticality; it is reactivated if
#   archived, marked as requiring certification if the template says so, and gets the
#   template's description only if it has none;
# - roles match by name; a missing requirement is added, an existing one is raised to the
#   template's level and importance where those are higher, never lowered; next roles are added;
# - levels are clamped to the scale the skill uses.
# So applying the same template twice changes nothing the second time.


@dataclass(frozen=True)
class CategoryPlan:
    name: str
    parent: str | None
    description: str
    existing_id: int | None  # None: will be created


@dataclass(frozen=True)
class SkillPlan:
    template_name: str
    category: str
    description: str
    aliases: tuple[str, ...]
    criticality: str
    requires_certification: bool
    existing_id: int | None = None  # None: will be created
    existing_name: str = ""
    matched_by: str = ""  # "name" or "alias"
    matched_text: str = ""
    reactivate: bool = False
    set_certification: bool = False
    fill_description: bool = False

    @property
    def name(self) -> str:
        return self.existing_name or self.template_name

    @property
    def criticality_label(self) -> str:
        return str(Criticality(self.criticality).label)

    @property
    def changes(self) -> list[str]:
        """What merging changes on the existing skill (empty: nothing)."""
        out = []
        if self.reactivate:
            out.append(str(_("reactivated")))
        if self.set_certification:
            out.append(str(_("marked as requiring certification")))
        if self.fill_description:
            out.append(str(_("description added")))
        return out


@dataclass(frozen=True)
class RequirementPlan:
    skill: str  # name shown: the existing skill's name, or the new skill's
    skill_key: str  # lower-case template skill name
    level: int
    importance: int
    old_level: int | None = None
    old_importance: int | None = None

    @property
    def status(self) -> str:
        if self.old_level is None:
            return "new"
        if self.level > self.old_level or self.importance > (self.old_importance or 0):
            return "raised"
        return "unchanged"


@dataclass(frozen=True)
class RolePlan:
    name: str
    description: str
    requirements: tuple[RequirementPlan, ...]
    next_roles_added: tuple[str, ...]
    existing_id: int | None = None
    is_active: bool = True

    def _count(self, status: str) -> int:
        return sum(1 for r in self.requirements if r.status == status)

    @property
    def added(self) -> int:
        return self._count("new")

    @property
    def raised(self) -> int:
        return self._count("raised")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def changed_requirements(self) -> list[RequirementPlan]:
        return [r for r in self.requirements if r.status != "unchanged"]

    @property
    def change_count(self) -> int:
        return (
            (1 if self.existing_id is None else 0)
            + len(self.changed_requirements)
            + len(self.next_roles_added)
        )


@dataclass(frozen=True)
class TemplatePreview:
    """What applying a template would create and what it would merge into existing data."""

    template: SectorTemplate
    categories: tuple[CategoryPlan, ...]  # only those the new skills need
    skills: tuple[SkillPlan, ...]
    roles: tuple[RolePlan, ...]

    @property
    def new_categories(self) -> list[CategoryPlan]:
        return [c for c in self.categories if c.existing_id is None]

    @property
    def existing_categories(self) -> list[CategoryPlan]:
        return [c for c in self.categories if c.existing_id is not None]

    @property
    def new_skills(self) -> list[SkillPlan]:
        return [s for s in self.skills if s.existing_id is None]

    @property
    def merged_skills(self) -> list[SkillPlan]:
        return [s for s in self.skills if s.existing_id is not None]

    @property
    def new_roles(self) -> list[RolePlan]:
        return [r for r in self.roles if r.existing_id is None]

    @property
    def merged_roles(self) -> list[RolePlan]:
        return [r for r in self.roles if r.existing_id is not None]

    @property
    def change_count(self) -> int:
        """Rows that applying would create or change; 0 means it is already applied."""
        return (
            len(self.new_categories)
            + len(self.new_skills)
            + sum(1 for s in self.merged_skills if s.changes)
            + sum(r.change_count for r in self.roles)
        )


@dataclass(frozen=True)
class TemplateSummary:
    template: SectorTemplate
    skills_present: int
    roles_present: int


@dataclass
class _Existing:
    """The organisation's categories, skills and roles, indexed for matching (3 queries)."""

    categories: dict[str, list[tuple[int, int | None]]]  # lower name -> [(id, parent id)]
    category_names: dict[int, str]
    # skill id -> (name, category id, active, requires certification, description)
    skills: dict[int, tuple[str, int, bool, bool, str]]
    skill_by_name: dict[str, int]
    skill_by_alias: dict[str, int]  # lower alias -> lowest id of a skill having it
    roles: dict[str, tuple[int, str, bool]]  # lower name -> (id, name, active)

    @classmethod
    def load(cls) -> _Existing:
        categories: dict[str, list[tuple[int, int | None]]] = {}
        names: dict[int, str] = {}
        for cid, name, parent in SkillCategory.objects.order_by("id").values_list(
            "id", "name", "parent_id"
        ):
            categories.setdefault(name.lower(), []).append((cid, parent))
            names[cid] = name
        skills: dict[int, tuple[str, int, bool, bool, str]] = {}
        by_name: dict[str, int] = {}
        by_alias: dict[str, int] = {}
        rows = Skill.objects.order_by("id").values_list(
            "id", "name", "category_id", "aliases", "is_active", "requires_certification",
            "description",
        )  # fmt: skip
        for sid, name, cat, aliases, active, certified, desc in rows.iterator(chunk_size=5000):
            skills[sid] = (name, cat, active, certified, desc)
            by_name[name.lower()] = sid
            for alias in aliases or ():
                by_alias.setdefault(str(alias).lower(), sid)
        roles = {
            name.lower(): (rid, name, active)
            for rid, name, active in Role.objects.values_list("id", "name", "is_active")
        }
        return cls(categories, names, skills, by_name, by_alias, roles)

    def match_skill(self, skill: TemplateSkill) -> tuple[int, str, str] | None:
        """(existing id, "name" | "alias", the text that matched) or None."""
        key = skill.name.lower()
        if key in self.skill_by_name:
            return self.skill_by_name[key], "name", skill.name
        if key in self.skill_by_alias:
            return self.skill_by_alias[key], "alias", skill.name
        for alias in skill.aliases:
            if alias.lower() in self.skill_by_name:
                return self.skill_by_name[alias.lower()], "alias", alias
        return None

    def match_category(self, name: str, parent_name: str | None) -> int | None:
        """An existing category of that name (ignoring case), preferring one under a parent
        named like the template's parent."""
        found = self.categories.get(name.lower(), [])
        for cid, parent in found:
            parent_label = self.category_names.get(parent, "") if parent is not None else ""
            if parent_name is not None and parent_label.lower() == parent_name.lower():
                return cid
        return found[0][0] if found else None


def _check_template_admin(actor: User) -> None:
    if not (actor.is_active and actor.access_level == AccessLevel.ADMIN):
        raise NotAllowed(_("Only admins can use sector templates."))


def _template(name: str) -> SectorTemplate:
    try:
        return sector_templates.load(name)
    except sector_templates.UnknownTemplate:
        raise NotFound(
            _("No sector template named %(name)s. Choose one of: %(names)s.")
            % {"name": name, "names": ", ".join(sector_templates.TEMPLATE_NAMES)}
        ) from None


def template_summaries(*, actor: User) -> list[TemplateSummary]:
    """The templates with how many of their skills and roles already exist (3 queries)."""
    _check_template_admin(actor)
    existing = _Existing.load()
    return [
        TemplateSummary(
            template=t,
            skills_present=sum(1 for s in t.skills if existing.match_skill(s) is not None),
            roles_present=sum(1 for r in t.roles if r.name.lower() in existing.roles),
        )
        for t in sector_templates.all_templates()
    ]


def preview_template(name: str, *, actor: User) -> TemplatePreview:
    """What applying template ``name`` would create and merge (admins; writes nothing)."""
    _check_template_admin(actor)
    return _plan(_template(name))


def _plan(template: SectorTemplate) -> TemplatePreview:
    """Match the template against the organisation (a fixed number of queries)."""
    existing = _Existing.load()
    bounds = level_bounds_by_category()
    tcats = {c.name.lower(): c for c in template.categories}

    skills: dict[str, SkillPlan] = {}
    for ts in template.skills:
        plan = SkillPlan(
            template_name=ts.name,
            category=tcats[ts.category.lower()].name,
            description=ts.description,
            aliases=ts.aliases,
            criticality=str(ts.criticality),
            requires_certification=ts.requires_certification,
        )
        match = existing.match_skill(ts)
        if match is not None:
            sid, how, text = match
            name, _cat, active, certified, description = existing.skills[sid]
            plan = replace(
                plan,
                existing_id=sid,
                existing_name=name,
                matched_by=how,
                matched_text=text,
                reactivate=not active,
                set_certification=ts.requires_certification and not certified,
                fill_description=not description.strip(),
            )
        skills[ts.name.lower()] = plan

    # Categories: only those that new skills go into, and their ancestors (parents first).
    categories: dict[str, CategoryPlan] = {}

    def add_category(key: str) -> None:
        if key in categories:
            return
        tc = tcats[key]
        if tc.parent is not None:
            add_category(tc.parent.lower())
        categories[key] = CategoryPlan(
            tc.name, tc.parent, tc.description, existing.match_category(tc.name, tc.parent)
        )

    for sp in skills.values():
        if sp.existing_id is None:
            add_category(sp.category.lower())

    def scale_bounds(sp: SkillPlan) -> tuple[int, int]:
        """Bounds of the scale the skill uses (or will use once created)."""
        if sp.existing_id is not None:
            return bounds.get(existing.skills[sp.existing_id][1], bounds[None])
        key: str | None = sp.category.lower()
        while key is not None:  # the category or its nearest existing ancestor
            cid = categories[key].existing_id
            if cid is not None:
                return bounds.get(cid, bounds[None])
            parent = tcats[key].parent
            key = parent.lower() if parent else None
        return bounds[None]

    # Roles: requirements (several template skills may merge into one existing skill: the
    # higher level and importance win) and next roles.
    matched_roles = {r.name.lower(): existing.roles.get(r.name.lower()) for r in template.roles}
    matched_ids = [m[0] for m in matched_roles.values() if m is not None]
    old_reqs = {
        (rid, sid): (lvl, imp)
        for rid, sid, lvl, imp in RoleRequirement.objects.filter(role_id__in=matched_ids)
        .values_list("role_id", "skill_id", "required_level", "importance")
        .iterator()
    }
    old_links = set(
        Role.next_roles.through.objects.filter(from_role_id__in=matched_ids).values_list(
            "from_role_id", "to_role_id"
        )
    )
    roles: list[RolePlan] = []
    for tr in template.roles:
        found = matched_roles[tr.name.lower()]
        merged: dict[str, tuple[SkillPlan, int, int]] = {}
        for skill_name, level, importance in tr.requirements:
            sp = skills[skill_name.lower()]
            lo, hi = scale_bounds(sp)
            level = min(max(level, lo), hi)
            key = f"#{sp.existing_id}" if sp.existing_id is not None else sp.template_name.lower()
            if key in merged:
                _sp, lvl0, imp0 = merged[key]
                level, importance = max(level, lvl0), max(importance, imp0)
            merged[key] = (sp, level, importance)
        reqs = []
        for key, (sp, level, importance) in merged.items():
            old = (
                old_reqs.get((found[0], sp.existing_id))
                if found is not None and sp.existing_id is not None
                else None
            )
            reqs.append(
                RequirementPlan(
                    skill=sp.name,
                    skill_key=key,
                    level=max(level, old[0]) if old else level,
                    importance=max(importance, old[1]) if old else importance,
                    old_level=old[0] if old else None,
                    old_importance=old[1] if old else None,
                )
            )
        added_links = []
        for nxt in tr.next_roles:
            target = matched_roles[nxt.lower()]
            if found is None or target is None or (found[0], target[0]) not in old_links:
                added_links.append(target[1] if target else nxt)
        roles.append(
            RolePlan(
                name=found[1] if found else tr.name,
                description=tr.description,
                requirements=tuple(sorted(reqs, key=lambda r: (-r.importance, r.skill.lower()))),
                next_roles_added=tuple(added_links),
                existing_id=found[0] if found else None,
                is_active=found[2] if found else True,
            )
        )
    return TemplatePreview(
        template, tuple(categories.values()), tuple(skills.values()), tuple(roles)
    )


@transaction.atomic
def apply_template(*, actor: User, name: str) -> TemplatePreview:
    """Merge template ``name`` into the organisation (admins): create what is missing, raise
    what is lower, never duplicate or lower anything. Returns the plan that was carried out;
    applying it again finds nothing to do and writes nothing."""
    _check_template_admin(actor)
    template = _template(name)
    plan = _plan(template)
    if plan.change_count == 0:
        return plan

    cats: dict[str, SkillCategory] = {
        c.name.lower(): c
        for c in SkillCategory.objects.filter(
            pk__in=[cp.existing_id for cp in plan.existing_categories]
        )
    }
    # An existing category is keyed by its template name (they match ignoring case).
    for cp in plan.categories:
        if cp.existing_id is None:
            cats[cp.name.lower()] = save_category(
                actor=actor,
                data={
                    "name": cp.name,
                    "parent": cats[cp.parent.lower()] if cp.parent else None,
                    "description": cp.description,
                },
            )

    skill_ids: dict[str, int] = {}
    for sp in plan.skills:
        if sp.existing_id is None:
            created = save_skill(
                actor=actor,
                data={
                    "name": sp.template_name,
                    "category": cats[sp.category.lower()],
                    "description": sp.description,
                    "aliases": list(sp.aliases),
                    "criticality": sp.criticality,
                    "requires_certification": sp.requires_certification,
                },
            )
            skill_ids[sp.template_name.lower()] = created.pk
            continue
        if sp.changes:
            data: dict[str, Any] = {}
            if sp.reactivate:
                data["is_active"] = True
            if sp.set_certification:
                data["requires_certification"] = True
            if sp.fill_description:
                data["description"] = sp.description
            save_skill(actor=actor, skill=Skill.objects.get(pk=sp.existing_id), data=data)

    role_objs: dict[str, Role] = {}
    for rp in plan.roles:
        if rp.existing_id is None:
            role_objs[rp.name.lower()] = save_role(
                actor=actor, data={"name": rp.name, "description": rp.description}
            )
        else:
            role_objs[rp.name.lower()] = Role.objects.get(pk=rp.existing_id)
    roles_by_template_name = {
        tr.name.lower(): role_objs[rp.name.lower()]
        for tr, rp in zip(template.roles, plan.roles, strict=True)
    }

    def skill_id(req: RequirementPlan) -> int:
        return int(req.skill_key[1:]) if req.skill_key.startswith("#") else skill_ids[req.skill_key]

    for tr, rp in zip(template.roles, plan.roles, strict=True):
        role = role_objs[rp.name.lower()]
        changed = rp.changed_requirements
        RoleRequirement.objects.bulk_create(
            [
                RoleRequirement(
                    role=role,
                    skill_id=skill_id(r),
                    required_level=r.level,
                    importance=r.importance,
                )
                for r in changed
                if r.status == "new"
            ]
        )
        for r in changed:
            if r.status == "raised":
                RoleRequirement.objects.filter(role=role, skill_id=skill_id(r)).update(
                    required_level=r.level, importance=r.importance
                )
        new_next = [roles_by_template_name[n.lower()] for n in tr.next_roles]
        if new_next:
            role.next_roles.add(*new_next)
        if changed or rp.next_roles_added:
            audit(
                actor=actor,
                action="role.template",
                obj=role,
                summary=(
                    f"{role.name}: template '{template.name}': {rp.added} requirements added, "
                    f"{rp.raised} raised, next roles added: "
                    f"{', '.join(rp.next_roles_added) or '—'}"
                ),
            )
    audit(
        actor=actor,
        action="template.apply",
        summary=f"Sector template '{template.name}' applied",
        changes={
            "categories_created": len(plan.new_categories),
            "skills_created": len(plan.new_skills),
            "skills_merged": len(plan.merged_skills),
            "roles_created": len(plan.new_roles),
            "roles_merged": len(plan.merged_roles),
            "requirements_added": sum(r.added for r in plan.roles),
            "requirements_raised": sum(r.raised for r in plan.roles),
        },
    )
    return plan
