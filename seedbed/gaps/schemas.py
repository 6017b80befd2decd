"""API schemas of the gap analysis: every field explicit; percentages are 0–100 with one
decimal, null where there is nothing to divide by. Definitions of the figures are in
``seedbed.gaps.analysis`` (and in the API description of each operation)."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field

from seedbed.lib.schemas import Id, In


class GapFigureOut(Schema):
    count: int = Field(description="Requirements met (or stale levels).")
    of: int = Field(description="Requirements (or levels recorded).")
    percent: float | None


class GapSkillRefOut(Schema):
    id: int
    name: str
    category_id: int
    category: str
    criticality: str


class GapTeamRefOut(Schema):
    id: int
    name: str


class GapTeamCoverageOut(Schema):
    team_id: int | None = Field(description="null: people without a team.")
    name: str
    people: int
    coverage: GapFigureOut
    stale: GapFigureOut


class GapOut(Schema):
    skill: GapSkillRefOut
    weighted_gap: int
    people_below: int
    people_required: int
    coverage_percent: float | None


class GapBenchOut(Schema):
    skill: GapSkillRefOut
    demanded_level: int
    bench_strength: int


class GapRiskOut(Schema):
    skill: GapSkillRefOut
    holders: int = Field(description="Active people at proficient level (4) or above: 0 or 1.")
    holder_id: int | None = Field(
        description="null when nobody holds it or the holder is outside what you may see."
    )
    holder_name: str | None
    demanded_level: int | None
    required_by_role: bool
    strategic_need: bool
    critical: bool


class GapCrossTrainingOut(Schema):
    pair_id: int
    mentor: str
    mentee: str
    state: str = Field(description="The pair's state, in the reader's language.")
    target_level: int | None


class GapHandoverOut(Schema):
    interview_id: int
    state: str = Field(description="open or done")
    prompts_done: int
    prompts_total: int


class GapRiskActionOut(GapRiskOut):
    """A risk with what is being done about it."""

    cross_training: list[GapCrossTrainingOut] = Field(
        description="Live cross-training pairs (proposed, waiting or active) for the skill."
    )
    handover: GapHandoverOut | None = Field(
        description="The sole holder's latest handover interview, if any."
    )
    holder_leaving_on: date | None = Field(description="The sole holder's announced leaving day.")


class GapNeedOut(Schema):
    id: int
    skill: GapSkillRefOut
    level: int
    people_needed: int
    due_date: date
    priority: int
    goal: str
    owner_id: int | None
    have: int
    close: int
    shortfall: int
    overdue: bool
    have_in_scope: int | None = Field(
        description="Of the people who reach the level, those in your scope (null: everyone)."
    )


class GapFreshnessOut(Schema):
    stale: GapFigureOut
    review_interval_months: int


class GapPersonGapRowOut(Schema):
    person_id: int
    name: str
    role: str
    weighted_gap_score: float | None
    readiness: float | None
    gaps: int
    requirements: int


class GapDashboardOut(Schema):
    at: date | None = Field(description="null: now.")
    scope: str = Field(description="organisation, reporting_line or team")
    people: int
    coverage: GapFigureOut
    teams: list[GapTeamCoverageOut]
    top_gaps: list[GapOut]
    knowledge_at_risk: list[GapRiskOut]
    knowledge_at_risk_total: int
    bench: list[GapBenchOut]
    needs: list[GapNeedOut]
    freshness: GapFreshnessOut


class GapTeamDashboardOut(GapDashboardOut):
    team: GapTeamRefOut
    people_rows: list[GapPersonGapRowOut]


class GapRequirementGapOut(Schema):
    skill_id: int
    skill_name: str
    required_level: int
    level: int | None
    gap: int
    importance: int


class GapRoleGapsOut(Schema):
    role_id: int
    role_name: str
    weighted_gap_score: float | None
    readiness: float | None
    met: int
    requirements: list[GapRequirementGapOut]


class GapPersonDepartureOut(Schema):
    person_id: int
    skills_only_they_reach: list[GapSkillRefOut]
    capability_coverage_now: float | None
    capability_coverage_without: float | None
    coverage_lost: float | None


class GapPersonGapsOut(Schema):
    person_id: int
    name: str
    current_role: GapRoleGapsOut | None
    target_role: GapRoleGapsOut | None
    departure: GapPersonDepartureOut | None = Field(
        description="Admins and the person's managers only; null for others."
    )


class GapSideOut(Schema):
    day: date
    people: int
    coverage: GapFigureOut
    mean_weighted_gap_score: float | None
    mean_readiness: float | None
    levels: int
    stale: GapFigureOut


class GapTeamChangeOut(Schema):
    team_id: int | None
    name: str
    coverage_a: GapFigureOut
    coverage_b: GapFigureOut


class GapSkillChangeOut(Schema):
    skill: GapSkillRefOut
    coverage_a: float | None
    coverage_b: float | None
    coverage_change: float | None
    mean_level_a: float | None
    mean_level_b: float | None
    mean_level_change: float | None


class GapCompareOut(Schema):
    a: GapSideOut
    b: GapSideOut
    teams: list[GapTeamChangeOut]
    improvements: list[GapSkillChangeOut]
    declines: list[GapSkillChangeOut]
    skills: list[GapSkillChangeOut]


class GapDepartureOut(Schema):
    person_id: int
    name: str
    team: str
    skills_only_they_reach: int
    capability_coverage_without: float | None
    skills: list[GapSkillRefOut]


class GapRiskPageOut(Schema):
    items: list[GapRiskActionOut]
    count: int


class GapDeparturePageOut(Schema):
    items: list[GapDepartureOut]
    count: int
    capability_coverage_now: float | None


# --- inputs (query strings) ------------------------------------------------------------------


class GapAtFilter(In):
    at: date | None = Field(None, description="Figures as at the end of this day (default now).")
    top: int = Field(10, ge=1, le=500, description="Rows of each top list.")


class GapCompareFilter(In):
    a: date = Field(description="First day (figures as at its end).")
    b: date | None = Field(None, description="Second day (default today).")
    team: Id | None = None
    category: Id | None = None
    top: int = Field(10, ge=1, le=500)


class GapRiskFilter(In):
    category: Id | None = None
    criticality: str | None = Field(None, pattern="^(low|medium|high|critical)$")
    team: Id | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


class GapDepartureFilter(In):
    team: Id | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)
