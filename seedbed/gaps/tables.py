"""The gap pages' tables as spreadsheet rows (``?format=csv|xlsx&table=<name>``): headers are
stable machine names, figures stay numbers. Written through ``seedbed.lib.spreadsheet``, which
neutralises formula-like text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from seedbed.gaps import comparison as cmp
from seedbed.gaps import dashboards as d
from seedbed.gaps.protection import CapturedRisk

Table = tuple[list[str], list[Sequence[Any]]]


def teams(rows: list[d.TeamRow]) -> Table:
    return (
        [
            "team",
            "people",
            "requirements_met",
            "requirements",
            "coverage_percent",
            "stale_levels",
            "levels",
            "stale_percent",
        ],
        [
            [
                r.name,
                r.people,
                r.coverage.part,
                r.coverage.whole,
                r.coverage.percent,
                r.stale.part,
                r.stale.whole,
                r.stale.percent,
            ]
            for r in rows
        ],
    )


def gaps(rows: list[d.GapRow]) -> Table:
    return (
        [
            "skill",
            "category",
            "weighted_gap",
            "people_below",
            "people_required",
            "coverage_percent",
        ],
        [
            [r.skill.name, r.skill.category, r.weighted_gap, r.below, r.required, r.coverage]
            for r in rows
        ],
    )


def bench(rows: list[d.BenchRow]) -> Table:
    return (
        ["skill", "category", "demanded_level", "bench_strength"],
        [[r.skill.name, r.skill.category, r.demand, r.bench] for r in rows],
    )


def risks(rows: list[CapturedRisk]) -> Table:
    return (
        [
            "skill",
            "category",
            "criticality",
            "holders",
            "holder",
            "demanded_level",
            "required_by_role",
            "strategic_need",
            "critical",
            "holder_leaving_on",
            "cross_training",
            "handover_prompts_done",
            "handover_prompts_total",
        ],
        [
            [
                r.skill.name,
                r.skill.category,
                r.skill.criticality,
                r.holders,
                r.holder_name or "",
                r.demand,
                r.required_by_role,
                r.strategic_need,
                r.critical,
                r.leaving_on,
                "; ".join(f"{p.mentor} → {p.mentee} ({p.state})" for p in r.pairs),
                r.handover.done if r.handover else None,
                r.handover.total if r.handover else None,
            ]
            for r in rows
        ],
    )


def needs(rows: list[d.NeedRow]) -> Table:
    return (
        [
            "skill",
            "level",
            "people_needed",
            "due_date",
            "priority",
            "goal",
            "owner",
            "have",
            "close",
            "shortfall",
            "overdue",
            "have_in_scope",
        ],
        [
            [
                r.need.skill.name,
                r.need.level,
                r.need.headcount,
                r.need.due_date,
                r.need.get_priority_display(),
                r.need.goal,
                r.need.owner.full_name if r.need.owner else "",
                r.status.have,
                r.status.close,
                r.status.shortfall,
                r.status.overdue,
                r.here,
            ]
            for r in rows
        ],
    )


def trend(t: d.Trend) -> Table:
    return (
        [
            "team",
            "since",
            "met_then",
            "requirements_then",
            "coverage_then_percent",
            "met_now",
            "requirements_now",
            "coverage_now_percent",
        ],
        [
            [
                name,
                t.since.day,
                then.part,
                then.whole,
                then.percent,
                now.part,
                now.whole,
                now.percent,
            ]
            for name, then, now in [
                ("(all)", t.then, t.now),
                *((r.name, r.then, r.now) for r in t.teams),
            ]
        ],
    )


def people(rows: list[d.PersonRow]) -> Table:
    return (
        [
            "person",
            "role",
            "weighted_gap_score_percent",
            "readiness_percent",
            "gaps",
            "requirements",
        ],
        [[r.name, r.role, r.gap_score, r.readiness, r.gaps, r.requirements] for r in rows],
    )


def departures(rows: list[d.DepartureRow]) -> Table:
    return (
        ["person", "team", "skills_only_they_reach", "coverage_without_percent", "skills"],
        [
            [r.name, r.team, r.lost, r.coverage_without, "; ".join(s.name for s in r.skills)]
            for r in rows
        ],
    )


def skill_people(rows: list[d.SkillPersonRow]) -> Table:
    return (
        ["person", "team", "level", "required_level", "gap"],
        [[r.name, r.team, r.level, r.required, r.gap] for r in rows],
    )


def role_gaps(g: d.RoleGaps | None) -> Table:
    rows = g.rows if g else []
    return (
        ["skill", "required_level", "level", "gap", "importance"],
        [[r.skill_name, r.required, r.level, r.gap, r.importance] for r in rows],
    )


def compare_summary(c: cmp.Comparison) -> Table:
    figures = [
        ("people", c.side_a.people, c.side_b.people),
        ("requirements", c.side_a.coverage.whole, c.side_b.coverage.whole),
        ("requirements_met", c.side_a.coverage.part, c.side_b.coverage.part),
        ("coverage_percent", c.side_a.coverage.percent, c.side_b.coverage.percent),
        ("mean_weighted_gap_score_percent", c.side_a.gap_score, c.side_b.gap_score),
        ("mean_readiness_percent", c.side_a.readiness, c.side_b.readiness),
        ("levels", c.side_a.levels, c.side_b.levels),
        ("stale_levels", c.side_a.stale.part, c.side_b.stale.part),
        ("stale_percent", c.side_a.stale.percent, c.side_b.stale.percent),
    ]
    return (["figure", str(c.a), str(c.b)], [list(f) for f in figures])


def compare_teams(c: cmp.Comparison) -> Table:
    return (
        ["team", "coverage_a_percent", "coverage_b_percent", "requirements_a", "requirements_b"],
        [[t.name, t.then.percent, t.now.percent, t.then.whole, t.now.whole] for t in c.teams],
    )


def compare_skills(changes: list[cmp.SkillChange]) -> Table:
    return (
        [
            "skill",
            "category",
            "coverage_a_percent",
            "coverage_b_percent",
            "coverage_change",
            "mean_level_a",
            "mean_level_b",
            "mean_level_change",
        ],
        [
            [
                c.skill.name,
                c.skill.category,
                c.coverage_a,
                c.coverage_b,
                c.coverage_change,
                c.mean_a,
                c.mean_b,
                c.mean_change,
            ]
            for c in changes
        ],
    )
