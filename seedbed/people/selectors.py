"""Read models for people pages: the team skills matrix (shared by page, export and CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from seedbed.frameworks.models import RoleRequirement
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill, Skill
from seedbed.skills.selectors import review_interval_months, stale_cutoff

if TYPE_CHECKING:
    from seedbed.accounts.models import User

NONE = -1  # "no level" / "not required" in the matrix arrays


@dataclass
class Matrix:
    """People × skills. ``levels[i, j]`` is person i's current level in skill j (NONE if none);
    ``required[i, j]`` the level person i's role requires (NONE if not required);
    ``pending[i, j]`` whether a self-rating awaits validation; ``stale[i, j]`` whether the
    level's newest evidence is older than the review interval (``review_months``)."""

    people: list[dict[str, Any]]
    skills: list[dict[str, Any]]
    levels: np.ndarray
    required: np.ndarray
    pending: np.ndarray
    categories: list[tuple[int, str]] = field(default_factory=list)
    stale: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    review_months: int = 12

    @property
    def below(self) -> np.ndarray:
        """Cells where a requirement exists and the level is under it (no level counts as 0)."""
        return (self.required != NONE) & (np.maximum(self.levels, 0) < self.required)


def team_matrix(
    user: User,
    *,
    team_id: int | None = None,
    category_id: int | None = None,
    sort: str = "name",
    q: str = "",
    people_limit: int = 500,
) -> Matrix:
    """The matrix of people ``user`` may see levels of (a manager: their reporting subtree; an
    admin: everyone, or one team). Skills: those the people's roles require plus those they hold,
    optionally one category. Sort: "name", "gap" (most cells below requirement first) or
    "skill:<id>" (highest level first). Five queries (six with a category filter) whatever
    the size."""
    if team_id is None and user.access_level != "admin":
        people_qs = Person.objects.reporting_line_of(user).active()
    else:
        people_qs = Person.objects.levels_visible_to(user).active()
        if team_id is not None:
            people_qs = people_qs.filter(team_id=team_id)
    if q:
        people_qs = people_qs.filter(full_name__icontains=q)
    # Query 1: people.
    people = list(
        people_qs.order_by("full_name").values(
            "id", "full_name", "email", "role_id", "role__name", "team__name"
        )[:people_limit]
    )
    pids = [p["id"] for p in people]
    role_ids = {p["role_id"] for p in people if p["role_id"]}
    # Query 2: requirements of their roles.
    reqs = list(
        RoleRequirement.objects.filter(role_id__in=role_ids).values_list(
            "role_id", "skill_id", "required_level"
        )
    )
    # Query 3: current levels, with their newest evidence (staleness).
    held = list(
        PersonSkill.objects.filter(person_id__in=pids).values_list(
            "person_id", "skill_id", "level", "pending_validation", "last_evidence_at"
        )
    )
    # Query 4: the review interval (OrgSettings).
    review_months = review_interval_months()
    cutoff = stale_cutoff(months=review_months)
    skill_ids = {s for _r, s, _l in reqs} | {s for _p, s, _l, _pv, _at in held}
    # Query 5: the skills themselves (filtered by category).
    skills_qs = Skill.objects.filter(pk__in=skill_ids, is_active=True)
    if category_id is not None:
        skills_qs = skills_qs.filter(category_id=category_id)
    skills = list(
        skills_qs.order_by("category__name", "name").values(
            "id", "name", "category_id", "category__name"
        )
    )
    # Categories present, for the filter: from the skills already loaded, unless a category
    # filter hid the others (then query 6).
    source = (
        skills
        if category_id is None
        else (
            Skill.objects.filter(pk__in=skill_ids, is_active=True).values(
                "category_id", "category__name"
            )
        )
    )
    categories = sorted(
        {(s["category_id"], s["category__name"]) for s in source}, key=lambda c: c[1]
    )
    p_index = {pid: i for i, pid in enumerate(pids)}
    s_index = {s["id"]: j for j, s in enumerate(skills)}
    levels = np.full((len(people), len(skills)), NONE, dtype=np.int16)
    pending = np.zeros((len(people), len(skills)), dtype=bool)
    stale = np.zeros((len(people), len(skills)), dtype=bool)
    required = np.full((len(people), len(skills)), NONE, dtype=np.int16)
    for pid, sid, level, pend, evidence_at in held:
        j = s_index.get(sid)
        if j is not None:
            levels[p_index[pid], j] = level
            pending[p_index[pid], j] = pend
            stale[p_index[pid], j] = evidence_at is not None and evidence_at < cutoff
    role_req: dict[int, list[tuple[int, int]]] = {}
    for rid, sid, lvl in reqs:
        if sid in s_index:
            role_req.setdefault(rid, []).append((s_index[sid], lvl))
    for i, person in enumerate(people):
        for j, lvl in role_req.get(person["role_id"], []):
            required[i, j] = lvl
    matrix = Matrix(
        people,  # type: ignore[arg-type]
        skills,  # type: ignore[arg-type]
        levels,
        required,
        pending,
        categories,
        stale=stale,
        review_months=review_months,
    )
    order = _row_order(matrix, sort)
    if order is not None:
        matrix.people = [people[i] for i in order]
        matrix.levels, matrix.required, matrix.pending, matrix.stale = (
            levels[order],
            required[order],
            pending[order],
            stale[order],
        )
    return matrix


def _row_order(m: Matrix, sort: str) -> np.ndarray | None:
    if not m.people:
        return None
    if sort == "gap":
        # most cells below requirement first; stable so names stay alphabetical within ties
        return np.argsort(-m.below.sum(axis=1), kind="stable")
    if sort.startswith("skill:"):
        try:
            sid = int(sort.split(":", 1)[1])
        except ValueError:
            return None
        j = next((j for j, s in enumerate(m.skills) if s["id"] == sid), None)
        if j is None:
            return None
        return np.argsort(-m.levels[:, j], kind="stable")
    return None


def matrix_table(m: Matrix) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows for CSV/XLSX export: one row per person, one column per skill. The
    layout is the wide skills import's (email first; name, team and role are ignored there),
    so an exported matrix can be edited and imported back."""
    headers = ["email", "name", "team", "role", *[s["name"] for s in m.skills]]
    rows = []
    for i, p in enumerate(m.people):
        levels = [(int(v) if v != NONE else None) for v in m.levels[i].tolist()]
        rows.append(
            [p["email"], p["full_name"], p["team__name"] or "", p["role__name"] or "", *levels]
        )
    return headers, rows
