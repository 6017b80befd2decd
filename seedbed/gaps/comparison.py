"""Compare two dates: the scope's figures at the end of each day side by side, per team, and
per skill (coverage of its requirements, mean level) with the biggest improvements and
declines. Both sides come from the rating history (``load_org_matrix(at=...)``), so nothing
recorded after the first day changes its figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from seedbed.gaps import analysis as an
from seedbed.gaps.dashboards import (
    Figure,
    SkillInfo,
    TeamTrend,
    align,
    category_subtree_ids,
    rounded,
    skill_info,
)
from seedbed.gaps.selectors import OrgMatrix, load_org_matrix
from seedbed.people.models import Person, Team
from seedbed.skills.selectors import months_before, review_interval_months


@dataclass(frozen=True)
class Side:
    """The figures of one date."""

    people: int
    coverage: Figure
    gap_score: float | None  # mean over people with requirements
    readiness: float | None
    levels: int
    stale: Figure


@dataclass(frozen=True)
class SkillChange:
    """One skill at both dates; changes come from the exact figures, then are rounded."""

    skill: SkillInfo
    coverage_a: float | None
    coverage_b: float | None
    coverage_change: float | None
    mean_a: float | None
    mean_b: float | None
    mean_change: float | None


@dataclass(frozen=True)
class Comparison:
    a: date
    b: date
    side_a: Side
    side_b: Side
    teams: list[TeamTrend]  # "then" is date a, "now" date b
    improvements: list[SkillChange]
    declines: list[SkillChange]
    skills: list[SkillChange]  # every skill with a figure at either date, by name


def _side(m: OrgMatrix, day: date, months: int, cols: np.ndarray) -> Side:
    levels, required, weight = m.levels[:, cols], m.required[:, cols], m.weight[:, cols]
    cutoff = months_before(timezone.make_aware(datetime.combine(day, time.max)), months)
    score = an.weighted_gap_scores(levels, required, weight)
    ready = an.readiness(levels, required, weight)
    return Side(
        len(m.person_ids),
        Figure(int(an.met(levels, required).sum()), int((required >= 0).sum())),
        rounded(np.nanmean(score)) if (~np.isnan(score)).any() else None,
        rounded(np.nanmean(ready)) if (~np.isnan(ready)).any() else None,
        int((levels >= 0).sum()),
        Figure(
            int(an.stale(levels, m.last_evidence[:, cols], cutoff.timestamp()).sum()),
            int((levels >= 0).sum()),
        ),
    )


def compare(
    people: QuerySet[Person], *, a: date, b: date, category_id: int | None = None, top: int = 10
) -> Comparison:
    """The scope's figures at the end of day ``a`` and of day ``b`` (both from the rating
    history, so nothing recorded after ``a`` changes ``a``'s side), per team, and per skill
    (coverage of its requirements, mean level) with the biggest improvements and declines.
    Fourteen queries (fifteen with a category)."""
    ma = load_org_matrix(at=a, people=people)
    mb = load_org_matrix(at=b, people=people)
    months = review_interval_months()
    skills = np.union1d(ma.skill_ids, mb.skill_ids).astype(np.int64)
    info = skill_info(skills)
    if category_id is not None:
        categories = category_subtree_ids(category_id)
        skills = np.array(
            [s for s in skills if int(s) in info and info[int(s)].category_id in categories],
            dtype=np.int64,
        )
    ca, oka = align(skills, ma.skill_ids)
    cb, okb = align(skills, mb.skill_ids)
    side_a, side_b = _side(ma, a, months, ca[oka]), _side(mb, b, months, cb[okb])

    def per_skill(m: OrgMatrix, c: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        met_n, req_n = an.skill_coverage(m.levels, m.required)
        cov = an.percent(met_n, req_n)
        mean = an.mean_levels(m.levels, m.active)
        return (
            np.where(ok, cov[c] if len(cov) else np.nan, np.nan),
            np.where(ok, mean[c] if len(mean) else np.nan, np.nan),
        )

    cov_a, mean_a = per_skill(ma, ca, oka)
    cov_b, mean_b = per_skill(mb, cb, okb)
    figures = np.vstack([cov_a, cov_b, mean_a, mean_b])
    changes = [
        SkillChange(
            info[int(s)],
            rounded(cov_a[k]),
            rounded(cov_b[k]),
            rounded(cov_b[k] - cov_a[k]),
            rounded(mean_a[k]),
            rounded(mean_b[k]),
            rounded(mean_b[k] - mean_a[k]),
        )
        for k, s in enumerate(skills)
        if int(s) in info and not np.isnan(figures[:, k]).all()
    ]

    def key(c: SkillChange) -> tuple[float, float]:
        return (c.coverage_change or 0.0, c.mean_change or 0.0)

    moved = [c for c in changes if key(c) != (0.0, 0.0)]
    improvements = sorted((c for c in moved if key(c) > (0.0, 0.0)), key=key, reverse=True)
    declines = sorted((c for c in moved if key(c) < (0.0, 0.0)), key=key)
    team_a = _team_figures(ma, ca[oka])
    team_b = _team_figures(mb, cb[okb])
    team_ids = sorted(set(team_a) | set(team_b))
    names = dict(Team.objects.filter(pk__in=[t for t in team_ids if t]).values_list("id", "name"))
    teams = sorted(
        (
            TeamTrend(
                t,
                names.get(t, _("No team")),
                team_a.get(t, Figure(0, 0)),
                team_b.get(t, Figure(0, 0)),
            )
            for t in team_ids
        ),
        key=lambda r: r.name,
    )
    return Comparison(
        a,
        b,
        side_a,
        side_b,
        teams,
        improvements[:top],
        declines[:top],
        sorted(changes, key=lambda c: (c.skill.name.casefold(), c.skill.id)),
    )


def _team_figures(m: OrgMatrix, cols: np.ndarray) -> dict[int, Figure]:
    ids, groups = np.unique(m.team_ids, return_inverse=True)
    met_n, req_n = an.coverage_by_group(
        m.levels[:, cols], m.required[:, cols], groups.astype(np.int64), len(ids)
    )
    return {int(t): Figure(int(met_n[k]), int(req_n[k])) for k, t in enumerate(ids)}
