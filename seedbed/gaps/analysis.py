"""Gap maths on matrices: pure functions of NumPy arrays, no ORM (see selectors.py for loading).

Shapes and conventions (P people in rows, S skills in columns):

- ``levels``   int (P, S): current level, ``NONE`` (-1) where the person has no level.
- ``required`` int (P, S): level the person's role requires, ``NONE`` where not required.
- ``weight``   int (P, S): importance of that requirement (1 nice to have, 2 important,
  3 essential), 0 where not required.
- ``active``   bool (P,): people who count (have not left).

Definitions shown to users (each figure in the UI links to these words):

- **gap** of a requirement: ``max(required − level, 0)``; no level counts as 0.
- **coverage**: share of requirements whose level is reached, in %.
- **weighted gap score** of a person: ``Σ gap·weight / Σ required·weight`` in %: 0 means every
  required level is reached, 100 means none of it is.
- **readiness** for a role: ``Σ weight·min(level, required)/required / Σ weight`` in % (a
  requirement of level 0 counts as reached).
- **bench strength** of a skill: how many active people reach the level the organisation asks
  for it (the highest level any role or strategic need requires).
- **holder**: an active person at ``PROFICIENT`` (4) or above.
- **knowledge at risk**: a skill that matters (required by a role or a strategic need, or marked
  critical) with at most one holder.
- **departure impact** of a person: the demanded skills nobody else reaches the demanded level
  in, i.e. the capability coverage the organisation would lose if they left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

NONE = -1
PROFICIENT = 4

IntArray = npt.NDArray[np.integer]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.floating]


def held(levels: IntArray) -> IntArray:
    """Levels with "no level" counted as 0."""
    return np.maximum(levels, 0)


def gaps(levels: IntArray, required: IntArray) -> IntArray:
    """Per-cell gap: how many levels short of the requirement (0 where met or not required)."""
    return np.where(required >= 0, np.maximum(required - held(levels), 0), 0)


def met(levels: IntArray, required: IntArray) -> BoolArray:
    """Cells where a requirement exists and is reached."""
    return (required >= 0) & (held(levels) >= required)


def coverage(levels: IntArray, required: IntArray) -> float | None:
    """Share of requirements met, in %; None when there are no requirements."""
    total = int((required >= 0).sum())
    if total == 0:
        return None
    return 100.0 * int(met(levels, required).sum()) / total


def coverage_by_group(
    levels: IntArray, required: IntArray, groups: IntArray, n_groups: int
) -> tuple[IntArray, IntArray]:
    """Requirements met and requirements in total per group (``groups[p]`` is the group index
    of person p, -1 for none). Divide to get each group's coverage."""
    in_group = groups >= 0
    met_rows = met(levels, required).sum(axis=1)
    req_rows = (required >= 0).sum(axis=1)
    met_n = np.bincount(groups[in_group], weights=met_rows[in_group], minlength=n_groups)
    req_n = np.bincount(groups[in_group], weights=req_rows[in_group], minlength=n_groups)
    return met_n.astype(np.int64), req_n.astype(np.int64)


def weighted_gap_scores(levels: IntArray, required: IntArray, weight: IntArray) -> FloatArray:
    """Per person: weighted share of required levels not reached, in % (NaN without
    requirements)."""
    req = np.where(required >= 0, required, 0) * weight
    missing = gaps(levels, required) * weight
    total = req.sum(axis=1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 100.0 * missing.sum(axis=1) / total, np.nan)


def readiness(levels: IntArray, required: IntArray, weight: IntArray) -> FloatArray:
    """Per person: readiness for the requirements given (their role's, or a target role's
    broadcast to the row), in % (NaN without requirements)."""
    has = required >= 0
    w = np.where(has, np.maximum(weight, 1), 0).astype(float)
    safe_req = np.where(required > 0, required, 1)
    score = np.where(required > 0, np.minimum(held(levels), required) / safe_req, 1.0)
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 100.0 * (w * score).sum(axis=1) / total, np.nan)


def skill_gap_totals(
    levels: IntArray, required: IntArray, weight: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Per skill: total weighted gap, people below their requirement, people required."""
    g = gaps(levels, required)
    return (
        (g * weight).sum(axis=0),
        (g > 0).sum(axis=0),
        (required >= 0).sum(axis=0),
    )


def bench_strength(levels: IntArray, active: BoolArray, demand: IntArray) -> IntArray:
    """Per skill: active people at or above the demanded level (0 where nothing is demanded)."""
    reaches = (held(levels) >= demand[None, :]) & active[:, None] & (demand[None, :] >= 0)
    return reaches.sum(axis=0)


def holders(levels: IntArray, active: BoolArray, threshold: int = PROFICIENT) -> IntArray:
    """Per skill: active people at ``threshold`` or above."""
    return ((levels >= threshold) & active[:, None]).sum(axis=0)


def at_risk(
    levels: IntArray, active: BoolArray, matters: BoolArray, threshold: int = PROFICIENT
) -> BoolArray:
    """Per skill: it matters and at most one active person holds it."""
    return matters & (holders(levels, active, threshold) <= 1)


@dataclass(frozen=True)
class Departures:
    """For every person: which demanded skills only they reach (``sole``, P×S), how many, and
    the capability coverage (share of demanded skills someone reaches) with them and without."""

    sole: BoolArray
    lost: IntArray
    coverage_now: float | None
    coverage_without: FloatArray


def departure_impacts(levels: IntArray, active: BoolArray, demand: IntArray) -> Departures:
    """What the organisation would lose if each person left (vectorised over all people)."""
    demanded = demand >= 0
    reaches = (held(levels) >= demand[None, :]) & active[:, None] & demanded[None, :]
    count = reaches.sum(axis=0)
    covered = int(((count > 0) & demanded).sum())
    n = int(demanded.sum())
    sole = reaches & (count == 1)[None, :]
    lost = sole.sum(axis=1)
    if n == 0:
        return Departures(sole, lost, None, np.full(levels.shape[0], np.nan))
    return Departures(sole, lost, 100.0 * covered / n, 100.0 * (covered - lost) / n)


def need_status(
    levels: IntArray, active: BoolArray, skill_col: IntArray, level: IntArray, headcount: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """For strategic needs (each: skill column, level, headcount): people who reach the level
    today, people one level short ("close"), and the shortfall ``max(headcount − have, 0)``.
    A need whose skill nobody holds has ``skill_col`` -1."""
    if len(skill_col) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    cols = np.where(skill_col >= 0, skill_col, 0)
    lv = held(levels)[:, cols] if levels.shape[1] else np.zeros((levels.shape[0], len(cols)), int)
    valid = (skill_col >= 0)[None, :] & active[:, None]
    have = ((lv >= level[None, :]) & valid).sum(axis=0)
    close = ((lv == level[None, :] - 1) & valid & (level[None, :] > 0)).sum(axis=0)
    return have, close, np.maximum(headcount - have, 0)


def levels_at(
    person_idx: IntArray,
    skill_idx: IntArray,
    level: IntArray,
    tier: IntArray,
    at: FloatArray,
    seq: IntArray,
    when: float,
    shape: tuple[int, int],
) -> tuple[IntArray, FloatArray]:
    """Current levels as they were at time ``when`` from the assertion history, by the same rule
    as ``seedbed.skills.rules`` (highest tier, then newest, then latest recorded). Inputs are
    parallel arrays, one entry per assertion (``at`` and ``when`` in seconds, ``seq`` the
    assertion id). Returns the (P, S) levels and the newest evidence time per cell (NaN none)."""
    out = np.full(shape, NONE, dtype=np.int16)
    last = np.full(shape, np.nan)
    keep = at <= when
    if not keep.any():
        return out, last
    p, s, lv, tr, t, q = (a[keep] for a in (person_idx, skill_idx, level, tier, at, seq))
    pair = p.astype(np.int64) * shape[1] + s
    order = np.lexsort((q, t, tr, pair))  # last key sorts first: by pair, then tier, time, id
    pair_sorted = pair[order]
    ends = np.flatnonzero(np.r_[pair_sorted[1:] != pair_sorted[:-1], True])
    winners = order[ends]
    out[p[winners], s[winners]] = lv[winners]
    newest = np.full(shape[0] * shape[1], -np.inf)
    np.maximum.at(newest, pair, t)  # type: ignore[arg-type]
    newest = newest.reshape(shape)
    last = np.where(np.isfinite(newest), newest, np.nan)
    return out, last


# --- dashboards: freshness, grouping, per-skill figures for comparisons ------------------------


def stale(levels: IntArray, last_evidence: FloatArray, cutoff: float) -> BoolArray:
    """Cells with a level whose newest evidence is older than ``cutoff`` (seconds since the
    epoch). A level without a known evidence time counts as stale: nothing says it is fresh."""
    return (levels >= 0) & ~(last_evidence >= cutoff)


def sum_by_group(values: IntArray, groups: IntArray, n_groups: int) -> IntArray:
    """Per group: the sum of ``values`` (one per person) over its people (``groups[p]`` is the
    group index of person p, -1 for none)."""
    in_group = groups >= 0
    return np.bincount(groups[in_group], weights=values[in_group], minlength=n_groups).astype(
        np.int64
    )


def skill_coverage(levels: IntArray, required: IntArray) -> tuple[IntArray, IntArray]:
    """Per skill: requirements met and requirements in total (divide for the skill's coverage)."""
    return met(levels, required).sum(axis=0), (required >= 0).sum(axis=0)


def mean_levels(levels: IntArray, active: BoolArray) -> FloatArray:
    """Per skill: the mean level of the active people who have one (NaN where nobody has)."""
    has = (levels >= 0) & active[:, None]
    n = has.sum(axis=0)
    total = np.where(has, levels, 0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def percent(part: IntArray, whole: IntArray) -> FloatArray:
    """``100·part/whole`` element-wise, NaN where ``whole`` is 0."""
    part_f = np.asarray(part, dtype=float)
    whole_f = np.asarray(whole, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(whole_f > 0, 100.0 * part_f / np.where(whole_f > 0, whole_f, 1), np.nan)


def sole_holder(levels: IntArray, active: BoolArray, threshold: int = PROFICIENT) -> IntArray:
    """Per skill: the row of its only holder (see ``holders``), -1 where it has none or several."""
    is_holder = (levels >= threshold) & active[:, None]
    first = is_holder.argmax(axis=0) if levels.shape[0] else np.zeros(levels.shape[1], np.int64)
    return np.where(is_holder.sum(axis=0) == 1, first, -1)
