"""What every figure of the gap pages means, in words an HR lead can repeat: shown as a
tooltip next to each figure and as footnotes (the maths is in ``seedbed.gaps.analysis``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

DEFINITIONS: dict[str, Any] = {
    "coverage": gettext_lazy(
        "Coverage: the share of role requirements that are met. A requirement is one person and "
        "one skill their role asks for at a level; it is met when the person's current level is "
        "at least that level (no rating counts as level 0)."
    ),
    "weighted_gap": gettext_lazy(
        "Weighted gap of a skill: for every person whose role requires it, the levels missing "
        "below the required level, times the requirement's importance (1 nice to have, "
        "2 important, 3 essential), added up."
    ),
    "gap_score": gettext_lazy(
        "Weighted gap score of a person: the required levels they do not reach, weighted by "
        "importance, as a share of all the levels their role requires. 0 % means every "
        "requirement is met, 100 % that none is."
    ),
    "readiness": gettext_lazy(
        "Readiness for a role: how much of each required level the person reaches (level 2 of a "
        "required 4 counts half, anything above counts as fully reached), averaged with the "
        "requirements' importance as weights."
    ),
    "bench": gettext_lazy(
        "Bench strength of a skill: how many active people reach the level the organisation "
        "asks for it, which is the highest level any role or strategic need requires."
    ),
    "at_risk": gettext_lazy(
        "Knowledge at risk: a skill that matters (a role or a strategic need requires it, or it "
        "is marked critical) that at most one active person holds at proficient level (4) or "
        "above."
    ),
    "departure": gettext_lazy(
        "Departure impact of a person: the demanded skills in which nobody else reaches the "
        "demanded level, and the capability coverage (share of demanded skills that someone "
        "reaches) the organisation would have without them."
    ),
    "needs": gettext_lazy(
        "Strategic need: how many active people reach the level today (have), how many are one "
        "level short (close), and the shortfall: people needed minus people who have it. "
        "Overdue: the due date has passed with a shortfall."
    ),
    "stale": gettext_lazy(
        "Stale level: its newest evidence (any rating, validation, certificate…) is older than "
        "the organisation's review interval. Levels without a known evidence date count as "
        "stale."
    ),
    "trend": gettext_lazy(
        "Trend: the same figures computed from the rating history as it stood at the end of the "
        "comparison date, for the people who were there then, against today's role "
        "requirements."
    ),
    "mean_level": gettext_lazy(
        "Mean level: the average current level of the active people who have a level in the skill."
    ),
}
