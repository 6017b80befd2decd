"""Matching maths: pure functions on NumPy arrays, no ORM (``seedbed.mentoring.matching`` loads them).

Shapes and conventions (M mentees in rows, N mentors in columns, K skills):

- ``need``      int (M, K): the level a mentee needs in a skill, ``NONE`` (-1) where the skill
  is no need of theirs (see ``matching`` for what counts as a need).
- ``current``   int (M, K): the mentee's own level, ``NONE`` where they have none (counts as 0).
- ``weight``    float (M, K): how much a need counts (importance or criticality), 0 where none.
- ``levels``    int (N, K): the mentors' current levels, ``NONE`` where none.
- ``allowed``   bool (M, N): the hard rules let this mentee be paired with this mentor.
- ``capacity``  int (N,): mentees each mentor can still take.

Pair-score factors, each in 0..1 (the score is their weighted mean, see ``combine``):

- **skills** (complementarity): for every need of the mentee, the share of their gap the mentor's
  level covers, ``clip((mentor − current) / (need − current), 0, 1)``; averaged with the needs'
  weights. A mentor at or above the needed level covers it fully, one at or below the mentee's
  own level not at all. No needs: 0.
- **goals**: the share of the skills the mentee wants that the mentor offers, and the share of
  the skills the mentee's goal text names that the mentor offers or holds at ``TEACHES`` or
  above; the mean of the parts the mentee has. Neither: 0. (Which skills a text names does not
  depend on who else takes part: ``matching`` reads it against the skills in scope.)
- **language**: 1 with a language in common, 0 without, 0.5 when a side lists none (unknown).
- **timezone**: ``1 − hours apart / 8`` (clock distance, so +12 and −11 are 1 h apart), at
  least 0; 0.5 when a zone is unknown.
- **teams**: "cross" 1 across teams, 0 within one; "same" the reverse; 0.5 when a side has no
  team. "neutral" leaves the factor out (its weight counts as 0).
- **seniority**: ``clip(0.5 + (mentor − mentee) / 2, 0, 1)`` of the seniority values
  (``seniority``): 1 when the mentor is a reporting level above, 0.5 at the same seniority. In
  reverse mentoring the sign flips: the more junior mentor scores high.

``solve`` is exact: ``scipy.optimize.linear_sum_assignment`` over mentees × mentor capacity
slots, forbidden cells weighing nothing (see ``solve``). Scores are quantised to 1e-6 and the
gains are integers (below 2⁵³ in total for up to about 90,000 mentees), so the lexicographic
objectives below are exact in floating point:

- "quality": the highest total score; among equal totals, the most pairs;
- "coverage": the most mentees matched; among those, the highest total score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import linear_sum_assignment

NONE = -1
TEACHES = 3  # a mentor holding a skill at this level or above can help with it
FACTORS = ("skills", "goals", "language", "timezone", "teams", "seniority")
QUALITY = "quality"
COVERAGE = "coverage"
SCALE = 1_000_000  # scores are quantised to 1e-6 for the solver
FAR_HOURS = 8.0  # time zones this far apart share no working hours

# Reason codes for people left unmatched, in the order ties are broken.
NO_CANDIDATE = "no_candidate"
CAPACITY = "capacity"
OUTCOMPETED = "outcompeted"
BLOCKERS = ("no_shared_language", "reporting_line", "excluded", "below_min_score")

IntArray = npt.NDArray[np.integer[Any]]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.floating[Any]]


# --- factors ---------------------------------------------------------------------------------


def skill_complementarity(
    need: IntArray, current: IntArray, weight: FloatArray, levels: IntArray
) -> FloatArray:
    """The skills factor (M, N). Levels are small integers, so the covered share is a sum over
    the distinct levels ``v`` of ``(weight · share at v) @ [mentor level == v]ᵀ``: one sparse
    matrix product built from the needs (a mentee has a few) and the mentors' levels (a
    mentor holds a few), instead of an (M, N, K) tensor."""
    m, n, k = need.shape[0], levels.shape[0], need.shape[1]
    ii, kk = np.nonzero(need >= 0)
    w = np.asarray(weight, dtype=np.float64)[ii, kk]
    total = np.bincount(ii, weights=w, minlength=m)
    cur = np.maximum(current[ii, kk], 0).astype(np.float64)
    span = need[ii, kk].astype(np.float64) - cur
    useful = (span > 0) & (w > 0)
    ii, kk, w, cur, span = ii[useful], kk[useful], w[useful], cur[useful], span[useful]
    jj, kl = np.nonzero(levels > 0)  # no level covers nothing
    held = levels[jj, kl]
    values = np.unique(held)
    if len(values) == 0 or len(ii) == 0:
        return np.zeros((m, n))
    # Column v·K + k of both sides stands for "skill k at the v-th level value".
    a_rows, a_cols, a_data = [], [], []
    for t, v in enumerate(values):
        share = np.clip((float(v) - cur) / span, 0.0, 1.0)
        keep = share > 0
        a_rows.append(ii[keep])
        a_cols.append(kk[keep] + t * k)
        a_data.append(w[keep] * share[keep])
    shape = (m, len(values) * k)
    left = sparse.csr_array(
        (np.concatenate(a_data), (np.concatenate(a_rows), np.concatenate(a_cols))), shape=shape
    )
    t_of = np.searchsorted(values, held)
    right = sparse.csr_array((np.ones(len(jj)), (jj, kl + t_of * k)), shape=(n, len(values) * k))
    covered = np.asarray((left @ right.T).toarray(), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total[:, None] > 0, covered / total[:, None], 0.0)


def sparse_product(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> FloatArray:
    """``a @ b.T`` as a dense float array, computed on sparse copies (both are mostly 0)."""
    if a.shape[1] == 0:
        return np.zeros((a.shape[0], b.shape[0]))
    prod = sparse.csr_array(a.astype(np.float64)) @ sparse.csr_array(b.astype(np.float64)).T
    return np.asarray(prod.toarray(), dtype=np.float64)


def pair_skill_contributions(
    need: IntArray, current: IntArray, weight: FloatArray, mentor_levels: IntArray
) -> FloatArray:
    """Per skill (K,) for one mentee (rows of ``need`` etc. of length K) and one mentor: the
    weighted share of the need the mentor covers (they sum to the skills factor × Σ weight)."""
    cur = np.maximum(current, 0).astype(np.float64)
    span = need.astype(np.float64) - cur
    held = np.maximum(mentor_levels, 0).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.clip((held - cur) / span, 0.0, 1.0)
    return np.where((need >= 0) & (span > 0), share * weight, 0.0)


def goal_fit(
    wants: BoolArray, mentioned: BoolArray, offers: BoolArray, teachable: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """The goals factor (M, N) and the number of goal skills the mentor matches (M, N).
    ``wants``/``mentioned`` (M, K): skills the mentee asked for / their goal text names;
    ``offers`` (N, K): skills the mentor offers; ``teachable`` (N, K): offered or held at
    ``TEACHES`` or above."""
    w, t = wants.astype(np.float64), mentioned.astype(np.float64)
    hits_w = sparse_product(wants, offers)
    hits_t = sparse_product(mentioned, teachable)
    n_w, n_t = w.sum(axis=1)[:, None], t.sum(axis=1)[:, None]
    parts = (n_w > 0).astype(np.float64) + (n_t > 0).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n_w > 0, hits_w / n_w, 0.0) + np.where(n_t > 0, hits_t / n_t, 0.0)
        value = np.where(parts > 0, share / parts, 0.0)
    return value, hits_w + hits_t


def language_fit(mentee_langs: BoolArray, mentor_langs: BoolArray) -> tuple[FloatArray, BoolArray]:
    """The language factor (M, N) and where a language is shared, from (M, L) and (N, L)
    indicator matrices over the L languages anyone listed."""
    shared = (mentee_langs.astype(np.float64) @ mentor_langs.T.astype(np.float64)) > 0
    unknown = ~mentee_langs.any(axis=1)[:, None] | ~mentor_langs.any(axis=1)[None, :]
    return np.where(shared, 1.0, np.where(unknown, 0.5, 0.0)), shared


def clock_distance(a: FloatArray, b: FloatArray) -> FloatArray:
    """Hours between UTC offsets on the clock, element by element (NaN: unknown zone)."""
    d = np.abs(a - b) % 24.0
    return np.minimum(d, 24.0 - d)


def hours_apart(mentee_offsets: FloatArray, mentor_offsets: FloatArray) -> FloatArray:
    """Clock distance in hours (M, N) between UTC offsets (NaN stays NaN: unknown zone)."""
    return clock_distance(mentee_offsets[:, None], mentor_offsets[None, :])


def timezone_fit(mentee_offsets: FloatArray, mentor_offsets: FloatArray) -> FloatArray:
    d = hours_apart(mentee_offsets, mentor_offsets)
    return np.where(np.isnan(d), 0.5, np.clip(1.0 - d / FAR_HOURS, 0.0, 1.0))


def team_fit(mentee_teams: IntArray, mentor_teams: IntArray, preference: str) -> FloatArray:
    """Teams are ids, 0 for none. ``preference``: "cross", "same" or "neutral"."""
    same = mentee_teams[:, None] == mentor_teams[None, :]
    unknown = (mentee_teams[:, None] == 0) | (mentor_teams[None, :] == 0)
    value = same.astype(np.float64) if preference == "same" else (~same).astype(np.float64)
    return np.where(unknown, 0.5, value)


def seniority(depth: IntArray, reports: IntArray, tenure_years: FloatArray) -> FloatArray:
    """A person's seniority: minus their depth in the reporting lines (0 at the top), plus up to
    0.4 for direct reports (5 or more count fully) and up to 0.4 for tenure (10 years or more),
    so one reporting level outweighs both."""
    return (
        -depth.astype(np.float64)
        + 0.4 * np.minimum(reports, 5) / 5.0
        + 0.4 * np.clip(tenure_years, 0.0, 10.0) / 10.0
    )


def seniority_fit(mentee_sen: FloatArray, mentor_sen: FloatArray, *, reverse: bool) -> FloatArray:
    diff = mentor_sen[None, :] - mentee_sen[:, None]
    return np.clip(0.5 + (-diff if reverse else diff) / 2.0, 0.0, 1.0)


def normalised_weights(weights: dict[str, Any], *, team_preference: str) -> dict[str, float]:
    """Weights per factor, negatives and unknown values as 0, teams 0 when neutral, scaled to
    sum to 1 (all zero: equal weights)."""
    out: dict[str, float] = {}
    for f in FACTORS:
        try:
            out[f] = max(float(weights.get(f, 0.0)), 0.0)
        except (TypeError, ValueError):
            out[f] = 0.0
        if not np.isfinite(out[f]):
            out[f] = 0.0
    if team_preference == "neutral":
        out["teams"] = 0.0
    total = sum(out.values())
    if total <= 0:
        keep = [f for f in FACTORS if f != "teams" or team_preference != "neutral"]
        return {f: (1.0 / len(keep) if f in keep else 0.0) for f in FACTORS}
    return {f: v / total for f, v in out.items()}


def combine(factors: dict[str, FloatArray], weights: dict[str, float]) -> FloatArray:
    """The pair score: the weighted sum of the factors (weights from ``normalised_weights``)."""
    shape = next(iter(factors.values())).shape
    score = np.zeros(shape)
    for f, w in weights.items():
        if w > 0:
            score += w * factors[f]
    return np.clip(score, 0.0, 1.0)


# --- hard rules --------------------------------------------------------------------------------


def ancestors_hit(rows_person: IntArray, cols_person: IntArray, parent: IntArray) -> BoolArray:
    """(R, C) mask: the person of column c is above the person of row r in the reporting lines.
    People are indices into ``parent`` (each person's manager index, -1 for none). Every row
    walks up at once, one step per level; a cycle stops after ``len(parent)`` steps."""
    col_of = np.full(len(parent) + 1, -1, dtype=np.int64)  # last slot: "no person"
    # A person may appear in several columns (never in this app); keep the last.
    col_of[cols_person] = np.arange(len(cols_person))
    hit = np.zeros((len(rows_person), len(cols_person)), dtype=bool)
    safe = np.clip(rows_person, 0, max(len(parent) - 1, 0))
    cur = (
        np.where(rows_person >= 0, parent[safe], -1) if len(parent) else -np.ones_like(rows_person)
    )
    rows = np.arange(len(rows_person))
    for _step in range(len(parent)):
        live = cur >= 0
        if not live.any():
            break
        rows, cur = rows[live], cur[live]
        c = col_of[cur]
        found = c >= 0
        hit[rows[found], c[found]] = True
        cur = parent[cur]
    return hit


def reporting_line(mentee_person: IntArray, mentor_person: IntArray, parent: IntArray) -> BoolArray:
    """(M, N) mask of pairs where one is above the other in the reporting lines."""
    return (
        ancestors_hit(mentee_person, mentor_person, parent)
        | ancestors_hit(mentor_person, mentee_person, parent).T
    )


def depths(parent: IntArray) -> IntArray:
    """Number of managers above each person (a cycle counts as at most ``len(parent)``)."""
    depth = np.zeros(len(parent), dtype=np.int64)
    cur = parent.copy()
    for _step in range(len(parent)):
        live = cur >= 0
        if not live.any():
            break
        depth += live
        cur = np.where(live, parent[np.maximum(cur, 0)], -1)
    return depth


# --- the assignment -------------------------------------------------------------------------


@dataclass(frozen=True)
class Matching:
    """The result of ``solve`` or ``greedy``: new pairs as (mentee row, mentor column), best
    first, and their total score (kept pairs are not included)."""

    pairs: list[tuple[int, int]]
    total: float
    objective: str

    @property
    def count(self) -> int:
        return len(self.pairs)


def remaining(
    capacity: IntArray, n_mentees: int, kept: Iterable[tuple[int, int]]
) -> tuple[IntArray, BoolArray]:
    """Capacity left after the kept pairs, and the mentees the kept pairs already place."""
    left = np.asarray(capacity, dtype=np.int64).copy()
    placed = np.zeros(n_mentees, dtype=bool)
    for i, j in kept:
        if 0 <= j < len(left):
            left[j] -= 1
        if 0 <= i < n_mentees:
            placed[i] = True
    return np.maximum(left, 0), placed


def quantised(score: FloatArray) -> IntArray:
    return np.rint(np.clip(score, 0.0, 1.0) * SCALE).astype(np.int64)


def solve(
    score: FloatArray,
    allowed: BoolArray,
    capacity: IntArray,
    *,
    objective: str = QUALITY,
    kept: Sequence[tuple[int, int]] = (),
) -> Matching:
    """The exact optimum for ``objective`` (see the module docstring). ``kept`` pairs
    (mentee row, mentor column) stay: they use their mentor's capacity and their mentee is not
    matched again. Each mentor takes at most ``capacity`` mentees in all, each mentee at most
    one mentor, and only ``allowed`` cells."""
    m = score.shape[0]
    left, placed = remaining(capacity, m, kept)
    ok = allowed & ~placed[:, None] & (left > 0)[None, :]
    rows = np.flatnonzero(ok.any(axis=1))
    cols = np.flatnonzero(ok.any(axis=0))
    if len(rows) == 0:
        return Matching([], 0.0, objective)
    sub_ok = ok[np.ix_(rows, cols)]
    q = quantised(score[np.ix_(rows, cols)]).astype(np.float64)
    if objective == COVERAGE:
        gain = q + float(SCALE * len(rows) + 1)  # one more pair beats any total of scores
    else:
        gain = q * float(len(rows) + 1) + 1.0  # the score first, then one more pair
    # A mentor is never worth more slots than the mentees they may take.
    slots = np.minimum(left[cols], sub_ok.sum(axis=0))
    slot_col = np.repeat(np.arange(len(cols)), slots)
    # Maximum-weight matching as an assignment without dummy columns: a forbidden cell weighs
    # 0, so a full assignment of the smaller side (what linear_sum_assignment finds on a
    # rectangular matrix) that uses one means "left unmatched". Every allowed gain is
    # positive, so the best full assignment is the best matching plus zero-weight filler.
    weight = np.where(sub_ok, gain, 0.0)[:, slot_col]
    r, c = linear_sum_assignment(weight, maximize=True)
    real = sub_ok[r, slot_col[c]]
    pairs = [(int(rows[i]), int(cols[slot_col[k]])) for i, k in zip(r[real], c[real], strict=True)]
    return _finish(pairs, score, objective)


def greedy(
    score: FloatArray,
    allowed: BoolArray,
    capacity: IntArray,
    *,
    kept: Sequence[tuple[int, int]] = (),
) -> Matching:
    """A baseline for comparison: the best remaining allowed pair first, under the same rules."""
    m, _n = score.shape
    left, placed = remaining(capacity, m, kept)
    cells = np.argwhere(allowed)
    order = np.argsort(-score[cells[:, 0], cells[:, 1]], kind="stable")
    taken, room = placed.tolist(), left.tolist()
    pairs: list[tuple[int, int]] = []
    for i, j in cells[order].tolist():
        if not taken[i] and room[j] > 0:
            taken[i] = True
            room[j] -= 1
            pairs.append((i, j))
    return _finish(pairs, score, "greedy")


def _finish(pairs: list[tuple[int, int]], score: FloatArray, objective: str) -> Matching:
    pairs.sort(key=lambda p: (-score[p], p))
    total = float(sum(float(score[p]) for p in pairs))
    return Matching(pairs, total, objective)


# --- why someone stays unmatched ------------------------------------------------------------


def why_unmatched(
    blocked: dict[str, BoolArray],
    candidate: BoolArray,
    allowed: BoolArray,
    free: BoolArray,
) -> tuple[str, dict[str, Any]]:
    """The most informative reason one person (a row of the masks below) stays unmatched.

    ``candidate`` (C,): the people on the other side who could in principle be theirs (not
    themselves, with capacity / still to be matched); ``blocked[code]`` (C,): where each hard
    rule forbids the pair; ``allowed`` (C,): no rule forbids it; ``free`` (C,): the other side
    had room left before this run (a mentor's capacity not used up by kept pairs).

    No candidate at all: ``no_candidate``. Some allowed, but all full from kept pairs:
    ``capacity``; some allowed with room: ``outcompeted`` (the optimum gave them to others).
    Otherwise the rule that alone blocks the most candidates (else the one that blocks the
    most), with the count per rule."""
    n = int(candidate.sum())
    if n == 0:
        return NO_CANDIDATE, {"candidates": 0}
    ok = allowed & candidate
    if ok.any():
        if not (ok & free).any():
            return CAPACITY, {"candidates": n, "suitable": int(ok.sum())}
        return OUTCOMPETED, {"candidates": n, "suitable": int(ok.sum())}
    counts = {code: int((blocked[code] & candidate).sum()) for code in BLOCKERS}
    n_rules = np.sum([blocked[c] for c in BLOCKERS], axis=0)
    alone = {c: int((blocked[c] & candidate & (n_rules == 1)).sum()) for c in BLOCKERS}
    key = alone if any(alone.values()) else counts
    code = max(BLOCKERS, key=lambda c: (key[c], -BLOCKERS.index(c)))
    detail: dict[str, Any] = {"candidates": n, "blocked": {c: v for c, v in counts.items() if v}}
    return code, detail
