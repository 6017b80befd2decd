"""The matcher's maths (``seedbed.mentoring.analysis``) on random small instances: the optimum
is exact (checked against ``scipy.optimize.milp``), hard rules hold, the objectives order as
promised, kept pairs stay; the factor matrices equal their plain per-pair definitions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from seedbed.mentoring import analysis as an

# --- random instances ----------------------------------------------------------------------


@dataclass
class Instance:
    score: np.ndarray
    allowed: np.ndarray
    capacity: np.ndarray
    kept: list[tuple[int, int]]


@st.composite
def instances(draw: st.DrawFn, max_m: int = 7, max_n: int = 4) -> Instance:
    m = draw(st.integers(0, max_m))
    n = draw(st.integers(0, max_n))
    # Few distinct values, so ties (where the tie-breaks matter) are common.
    values = st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.5, 0.75, 0.9, 1.0, 0.333333, 0.123456789])
    score = np.array(
        draw(st.lists(st.lists(values, min_size=n, max_size=n), min_size=m, max_size=m)),
        dtype=np.float64,
    ).reshape(m, n)
    allowed = np.array(
        draw(st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=m, max_size=m)),
        dtype=bool,
    ).reshape(m, n)
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.int64)
    kept: list[tuple[int, int]] = []
    if m and n:
        rows = draw(st.lists(st.integers(0, m - 1), unique=True, max_size=m))
        for i in rows:
            # A kept pair may name a mentor who is not matched here (-1), and may even exceed
            # a capacity lowered since.
            kept.append((i, draw(st.integers(-1, n - 1))))
    return Instance(score, allowed, capacity, kept)


def usable(inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    left, placed = an.remaining(inst.capacity, inst.score.shape[0], inst.kept)
    ok = inst.allowed & ~placed[:, None] & (left > 0)[None, :]
    return ok, left


def milp_best(
    inst: Instance, first: np.ndarray, second: np.ndarray | None = None
) -> tuple[float, float]:
    """Lexicographic maximum with MILP: the best value of Σ first·x, then of Σ second·x among
    the solutions reaching it (first and second are per-cell integer gains)."""
    ok, left = usable(inst)
    cells = np.argwhere(ok)
    if len(cells) == 0:
        return 0.0, 0.0
    m, n = inst.score.shape
    rows = np.zeros((m, len(cells)))
    cols = np.zeros((n, len(cells)))
    rows[cells[:, 0], np.arange(len(cells))] = 1
    cols[cells[:, 1], np.arange(len(cells))] = 1
    cons = [LinearConstraint(rows, 0, 1), LinearConstraint(cols, 0, left)]
    g1 = first[cells[:, 0], cells[:, 1]].astype(np.float64)
    kw = {"integrality": np.ones(len(cells)), "bounds": Bounds(0, 1)}
    r1 = milp(-g1, constraints=cons, **kw)
    assert r1.success
    best1 = round(-r1.fun)
    if second is None:
        return float(best1), 0.0
    g2 = second[cells[:, 0], cells[:, 1]].astype(np.float64)
    r2 = milp(-g2, constraints=[*cons, LinearConstraint(g1[None, :], best1 - 0.5, np.inf)], **kw)
    assert r2.success
    return float(best1), float(round(-r2.fun))


def assert_rules(inst: Instance, result: an.Matching) -> None:
    ok, left = usable(inst)
    mentees = [i for i, _j in result.pairs]
    assert len(mentees) == len(set(mentees)), "a mentee matched twice"
    for i, j in result.pairs:
        assert ok[i, j], "a forbidden, kept or full cell was used"
    used = np.bincount(np.array([j for _i, j in result.pairs], dtype=np.int64), minlength=len(left))
    assert (used <= left).all(), "a mentor over capacity (kept pairs count)"


# --- the optimum ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_quality_is_the_exact_optimum_then_the_most_pairs(inst: Instance) -> None:
    result = an.solve(inst.score, inst.allowed, inst.capacity, objective="quality", kept=inst.kept)
    assert_rules(inst, result)
    q = an.quantised(inst.score)
    best_total, best_count = milp_best(inst, q, np.ones_like(q))
    got = sum(int(q[p]) for p in result.pairs)
    assert got == best_total
    assert result.count == best_count
    assert result.total == pytest.approx(sum(inst.score[p] for p in result.pairs))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_coverage_matches_the_most_mentees_then_the_best_total(inst: Instance) -> None:
    result = an.solve(inst.score, inst.allowed, inst.capacity, objective="coverage", kept=inst.kept)
    assert_rules(inst, result)
    q = an.quantised(inst.score)
    best_count, best_total = milp_best(inst, np.ones_like(q), q)
    assert result.count == best_count
    assert sum(int(q[p]) for p in result.pairs) == best_total


@settings(max_examples=200, deadline=None)
@given(instances())
def test_coverage_never_matches_fewer_and_quality_never_scores_less(inst: Instance) -> None:
    args = (inst.score, inst.allowed, inst.capacity)
    quality = an.solve(*args, objective="quality", kept=inst.kept)
    coverage = an.solve(*args, objective="coverage", kept=inst.kept)
    greedy = an.greedy(*args, kept=inst.kept)
    assert_rules(inst, greedy)
    assert coverage.count >= quality.count
    assert quality.total >= coverage.total - 1e-9
    assert quality.total >= greedy.total - 1e-9


@settings(max_examples=200, deadline=None)
@given(instances())
def test_kept_pairs_stay_out_and_use_their_mentors_capacity(inst: Instance) -> None:
    result = an.solve(inst.score, inst.allowed, inst.capacity, kept=inst.kept)
    kept_mentees = {i for i, _j in inst.kept}
    assert not kept_mentees & {i for i, _j in result.pairs}
    for j in range(len(inst.capacity)):
        taken = sum(1 for _i, jj in inst.kept if jj == j) + sum(
            1 for _i, jj in result.pairs if jj == j
        )
        # A mentor never takes more than their capacity (unless kept pairs alone already did).
        assert taken <= max(int(inst.capacity[j]), sum(1 for _i, jj in inst.kept if jj == j))


def test_a_better_pair_gives_way_when_two_good_pairs_beat_it() -> None:
    # Greedy takes (0, 0) = 0.9 and leaves mentee 1 without a mentor: total 0.9. The optimum
    # pairs 0 with 1 and 1 with 0: 0.8 + 0.8 = 1.6.
    score = np.array([[0.9, 0.8], [0.8, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    capacity = np.array([1, 1])
    best = an.solve(score, allowed, capacity)
    assert sorted(best.pairs) == [(0, 1), (1, 0)]
    assert best.total == pytest.approx(1.6)
    assert an.greedy(score, allowed, capacity).total == pytest.approx(0.9)


def test_coverage_trades_score_for_one_more_mentee() -> None:
    # One mentor with room for one... and one for one: quality gives mentor 0 to the 1.0 pair
    # and nothing else fits; coverage matches both with 0.2 + 0.3.
    score = np.array([[1.0, 0.0], [0.3, 0.2]])
    allowed = np.array([[True, False], [True, True]])
    capacity = np.array([1, 1])
    quality = an.solve(score, allowed, capacity, objective="quality")
    coverage = an.solve(score, allowed, capacity, objective="coverage")
    assert sorted(quality.pairs) == [(0, 0), (1, 1)]
    assert quality.total == pytest.approx(1.2)
    assert coverage.count == 2
    score[1, 1] = 0.0
    allowed[1, 1] = False
    assert an.solve(score, allowed, capacity, objective="quality").pairs == [(0, 0)]
    assert an.solve(score, allowed, capacity, objective="coverage").count == 1


def test_empty_and_fully_forbidden_programmes() -> None:
    assert an.solve(np.zeros((0, 0)), np.zeros((0, 0), bool), np.zeros(0, int)).pairs == []
    none = an.solve(np.ones((3, 2)), np.zeros((3, 2), bool), np.array([2, 2]))
    assert none.pairs == [] and none.total == 0


# --- factors -------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_skill_complementarity_equals_the_per_pair_definition(data: st.DataObject) -> None:
    m, n, k = (
        data.draw(st.integers(1, 5)),
        data.draw(st.integers(1, 4)),
        data.draw(st.integers(1, 6)),
    )
    lv = st.integers(-1, 5)
    need = np.array(data.draw(st.lists(lv, min_size=m * k, max_size=m * k))).reshape(m, k)
    cur = np.array(data.draw(st.lists(lv, min_size=m * k, max_size=m * k))).reshape(m, k)
    weight = np.array(
        data.draw(st.lists(st.integers(0, 4), min_size=m * k, max_size=m * k)), dtype=float
    ).reshape(m, k)
    levels = np.array(data.draw(st.lists(lv, min_size=n * k, max_size=n * k))).reshape(n, k)
    got = an.skill_complementarity(need, cur, weight, levels)
    for i in range(m):
        for j in range(n):
            num = den = 0.0
            for s in range(k):
                if need[i, s] < 0:
                    continue
                den += weight[i, s]
                c, lvl = max(cur[i, s], 0), max(levels[j, s], 0)
                if need[i, s] > c:
                    num += weight[i, s] * min(max((lvl - c) / (need[i, s] - c), 0.0), 1.0)
            want = num / den if den > 0 else 0.0
            assert got[i, j] == pytest.approx(want)
            contrib = an.pair_skill_contributions(need[i], cur[i], weight[i], levels[j])
            assert contrib.sum() == pytest.approx(num)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-1, 9), min_size=1, max_size=10), st.data())
def test_reporting_line_is_any_manager_above_either_side(
    managers: list[int], data: st.DataObject
) -> None:
    p = len(managers)
    parent = np.array([m if m < p else -1 for m in managers], dtype=np.int64)  # cycles allowed
    rows = np.array(
        data.draw(st.lists(st.integers(0, p - 1), unique=True, max_size=5)), dtype=np.int64
    )
    cols = np.array(
        data.draw(st.lists(st.integers(0, p - 1), unique=True, max_size=5)), dtype=np.int64
    )

    def chain(x: int) -> tuple[set[int], bool]:
        seen: set[int] = set()
        cur = int(parent[x])
        while cur >= 0 and cur not in seen:
            seen.add(cur)
            cur = int(parent[cur])
        return seen, cur < 0

    def above(x: int) -> set[int]:
        return chain(x)[0]

    got = an.reporting_line(rows, cols, parent)
    for i, a in enumerate(rows):
        for j, b in enumerate(cols):
            assert got[i, j] == (int(b) in above(int(a)) or int(a) in above(int(b)))
    depth = an.depths(parent)
    for x in range(p):
        managers_above, reaches_top = chain(x)
        if reaches_top:  # no cycle on the way up: the plain count of managers above
            assert depth[x] == len(managers_above)


def test_time_zones_are_clock_distance_and_unknown_is_neutral() -> None:
    fit = an.timezone_fit(np.array([12.0, 0.0, np.nan]), np.array([-11.0, 5.5, 8.0]))
    assert fit[0, 0] == pytest.approx(1 - 1 / 8)  # +12 and −11: 1 h apart on the clock
    assert fit[1, 1] == pytest.approx(1 - 5.5 / 8)
    assert fit[1, 2] == 0.0  # 8 h or more: no shared working hours
    assert (fit[2] == 0.5).all()


def test_language_team_and_seniority_factors() -> None:
    lang, shared = an.language_fit(
        np.array([[True, False], [False, False]]), np.array([[True, True], [False, True]])
    )
    assert lang.tolist() == [[1.0, 0.0], [0.5, 0.5]]
    assert shared.tolist() == [[True, False], [False, False]]
    teams = np.array([1, 2, 0])
    assert an.team_fit(teams, np.array([1]), "cross")[:, 0].tolist() == [0.0, 1.0, 0.5]
    assert an.team_fit(teams, np.array([1]), "same")[:, 0].tolist() == [1.0, 0.0, 0.5]
    sen = an.seniority(np.array([0, 1, 1]), np.array([5, 0, 0]), np.array([10.0, 0.0, 20.0]))
    assert sen[0] > sen[2] > sen[1]  # a reporting level outweighs tenure
    normal = an.seniority_fit(np.array([-1.0]), np.array([0.0, -2.0]), reverse=False)
    reverse = an.seniority_fit(np.array([-1.0]), np.array([0.0, -2.0]), reverse=True)
    assert normal.tolist() == [[1.0, 0.0]] and reverse.tolist() == [[0.0, 1.0]]


def test_goal_fit_averages_wanted_and_named_skills() -> None:
    wants = np.array([[True, True, False, False], [False, False, False, False]])
    named = np.array([[False, False, True, False], [False, False, False, False]])
    offers = np.array([[True, False, False, False]])
    teach = np.array([[True, False, True, False]])
    value, hits = an.goal_fit(wants, named, offers, teach)
    assert value[0, 0] == pytest.approx((1 / 2 + 1 / 1) / 2)
    assert hits[0, 0] == 2
    assert value[1, 0] == 0.0


def test_weights_are_normalised_and_neutral_teams_drop_out() -> None:
    w = an.normalised_weights(
        {"skills": 2, "teams": 2, "goals": -1, "x": 5}, team_preference="neutral"
    )
    assert w["skills"] == pytest.approx(1.0) and w["teams"] == 0 and w["goals"] == 0
    equal = an.normalised_weights({}, team_preference="cross")
    assert sum(equal.values()) == pytest.approx(1.0) and len(set(equal.values())) == 1
    assert an.normalised_weights({"skills": "a lot"}, team_preference="cross")["skills"] > 0


def test_why_unmatched_picks_the_rule_that_alone_blocks_most() -> None:
    t, f = True, False
    cand = np.array([t, t, t, t])
    blocked = {
        "no_shared_language": np.array([t, t, f, f]),
        "reporting_line": np.array([t, f, t, t]),
        "excluded": np.zeros(4, bool),
        "below_min_score": np.zeros(4, bool),
    }
    code, detail = an.why_unmatched(blocked, cand, np.zeros(4, bool), np.ones(4, bool))
    assert code == "reporting_line"  # alone on 2 mentors; language alone on 1
    assert detail == {"candidates": 4, "blocked": {"no_shared_language": 2, "reporting_line": 3}}
    none = {c: np.zeros(4, bool) for c in an.BLOCKERS}
    allowed = np.array([f, t, f, f])
    assert an.why_unmatched(none, cand, allowed, np.array([t, f, t, t]))[0] == "capacity"
    assert an.why_unmatched(none, cand, allowed, np.ones(4, bool))[0] == "outcompeted"
    assert an.why_unmatched(none, np.zeros(4, bool), allowed, cand)[0] == "no_candidate"
