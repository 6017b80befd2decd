"""Read models for role pages: strategic needs a user may see (with their status), comparing two
roles, and a person's readiness along their career path. Gap maths comes from
``seedbed.gaps.selectors``; nothing here computes a gap itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from seedbed.accounts.models import AccessLevel
from seedbed.frameworks.models import Role, RoleRequirement, StrategicNeed
from seedbed.gaps.selectors import NeedStatus, Readiness, needs_status, person_readiness

if TYPE_CHECKING:
    from seedbed.accounts.models import User
    from seedbed.people.models import Person


# --- strategic needs -----------------------------------------------------------------------

NEED_STATUSES = ("open", "overdue", "met", "archived", "all")


def visible_needs(user: User) -> QuerySet[StrategicNeed]:
    """Needs ``user`` may see: admins all of them; anyone else the needs they own."""
    if not (user.is_authenticated and user.is_active):
        return StrategicNeed.objects.none()
    if user.access_level == AccessLevel.ADMIN:
        return StrategicNeed.objects.all()
    return StrategicNeed.objects.filter(owner__user=user)


def need_rows(
    user: User,
    *,
    status: str = "open",
    priority: int | None = None,
    skill_text: str = "",
    owner_id: int | None = None,
) -> list[NeedStatus]:
    """Visible needs with have / close / shortfall, filtered. ``status``: open (active), overdue
    (active, past the date and still short), met (active, no shortfall), archived, all. Two
    queries whatever the number of needs."""
    qs = visible_needs(user)
    if status in ("open", "overdue", "met"):
        qs = qs.filter(is_active=True)
    elif status == "archived":
        qs = qs.filter(is_active=False)
    if priority is not None:
        qs = qs.filter(priority=priority)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    for word in skill_text.lower().split()[:8]:
        qs = qs.filter(skill__search_text__contains=word)
    rows = needs_status(needs=qs.order_by("due_date", "-priority", "id"))
    if status == "overdue":
        rows = [r for r in rows if r.overdue]
    elif status == "met":
        rows = [r for r in rows if r.shortfall == 0]
    return rows


def need_row(need: StrategicNeed) -> NeedStatus:
    """One need with its status figures (two queries)."""
    return needs_status(needs=StrategicNeed.objects.filter(pk=need.pk))[0]


# --- comparing two roles -------------------------------------------------------------------


@dataclass(frozen=True)
class CompareRow:
    skill_id: int
    skill_name: str
    category: str
    level_a: int | None
    importance_a: int | None
    level_b: int | None
    importance_b: int | None

    @property
    def where(self) -> str:
        """ "both", "a" (only the first role requires it) or "b"."""
        if self.level_a is not None and self.level_b is not None:
            return "both"
        return "a" if self.level_a is not None else "b"

    @property
    def difference(self) -> int | None:
        """Required level in B minus in A, where both require the skill."""
        if self.level_a is None or self.level_b is None:
            return None
        return self.level_b - self.level_a


@dataclass(frozen=True)
class RoleComparison:
    a: Role
    b: Role
    rows: list[CompareRow]

    def _count(self, where: str) -> int:
        return sum(1 for r in self.rows if r.where == where)

    @property
    def both(self) -> int:
        return self._count("both")

    @property
    def only_a(self) -> int:
        return self._count("a")

    @property
    def only_b(self) -> int:
        return self._count("b")

    @property
    def higher_in_b(self) -> int:
        return sum(1 for r in self.rows if (r.difference or 0) > 0)

    @property
    def higher_in_a(self) -> int:
        return sum(1 for r in self.rows if (r.difference or 0) < 0)


def compare_roles(a: Role, b: Role) -> RoleComparison:
    """The skills either role requires, side by side, by category and name (one query)."""
    reqs = RoleRequirement.objects.filter(role__in=[a, b]).select_related("skill__category")
    names: dict[int, tuple[str, str]] = {}
    sides: dict[int, dict[str, tuple[int | None, int | None]]] = {}
    for req in reqs:
        names[req.skill_id] = (req.skill.name, req.skill.category.name)
        side = "a" if req.role_id == a.pk else "b"
        sides.setdefault(req.skill_id, {})[side] = (req.required_level, req.importance)
    rows = []
    for sid, (name, category) in names.items():
        got = sides[sid]
        la, ia = got.get("a", (None, None))
        lb, ib = got.get("b", (None, None))
        rows.append(CompareRow(sid, name, category, la, ia, lb, ib))
    rows.sort(key=lambda r: (r.category.lower(), r.skill_name.lower()))
    return RoleComparison(a, b, rows)


# --- career paths --------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleReadiness:
    role: Role
    readiness: Readiness
    kinds: tuple[str, ...]  # "current", "target", "next"


def career_readiness(person: Person) -> list[RoleReadiness]:
    """Readiness of ``person`` for their current role, their target role and each role after
    their current one on the career path. The caller has checked that it may see levels."""
    kinds: dict[int, list[str]] = {}
    roles: dict[int, Role] = {}

    def add(role: Role | None, kind: str) -> None:
        if role is not None:
            roles.setdefault(role.pk, role)
            kinds.setdefault(role.pk, []).append(kind)

    add(person.role, "current")
    add(person.target_role, "target")
    if person.role_id is not None:
        for nxt in Role.objects.filter(previous_roles=person.role_id, is_active=True).order_by(
            "name"
        ):
            add(nxt, "next")
    return [
        RoleReadiness(role, person_readiness(person, role), tuple(kinds[pk]))
        for pk, role in roles.items()
    ]
