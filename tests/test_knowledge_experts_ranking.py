"""Expert-finder scoring on arrays (``seedbed.knowledge.ranking``): no database."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedbed.knowledge import ranking
from seedbed.knowledge.models import default_finder_weights

W = default_finder_weights()
K = ranking.KIND_INDEX


def ev(*rows: tuple[int, str, int, bool, float, float]) -> ranking.Evidence:
    return ranking.Evidence.from_rows([(p, K[k], s, r, v, a) for p, k, s, r, v, a in rows])


def test_decay_halves_every_half_life() -> None:
    assert ranking.decay(np.array([0.0, 365.0, 730.0, -5.0]), 365.0).tolist() == [
        1.0,
        0.5,
        0.25,
        1.0,
    ]


def test_validated_beats_self_rated_at_the_same_level() -> None:
    scores = ranking.score(
        ev((0, "validated", 1, False, 0.8, 0), (1, "self_rated", 1, False, 0.8, 0)), 2, W
    )
    assert scores.total[0] == pytest.approx(0.8 * W["validated"])
    assert scores.total[1] == pytest.approx(0.8 * W["self_rated"])


def test_counts_have_diminishing_returns_and_a_ceiling() -> None:
    one = ranking.score(ev((0, "articles", 1, False, 1.0, 0)), 1, W).total[0]
    three = ranking.score(ev(*[(0, "articles", 1, False, 1.0, 0)] * 3), 1, W).total[0]
    fifty = ranking.score(ev(*[(0, "articles", 1, False, 1.0, 0)] * 50), 1, W).total[0]
    assert one < three < fifty <= W["articles"]
    assert three - one < 2 * one  # the second and third add less than the first
    assert fifty == pytest.approx(W["articles"], rel=1e-6)


def test_only_the_best_related_skill_counts() -> None:
    # Person 0: a little on three related skills; person 1: one strong related skill.
    scattered = [(0, "self_rated", s, True, 0.4, 0) for s in (5, 6, 7)] + [
        (0, "articles", s, True, 1.0, 0) for s in (5, 6, 7)
    ]
    focused = [(1, "validated", 9, True, 1.0, 0), (1, "articles", 9, True, 1.0, 0)]
    scores = ranking.score(ev(*scattered, *focused), 2, W)
    assert scores.related_skill.tolist()[1] == 9
    assert scores.total[1] > scores.total[0]
    one_skill = W["self_rated"] * 0.4 + W["articles"] * (1 - np.exp(-1 / 3))
    assert scores.total[0] == pytest.approx(W["related"] * one_skill)


def test_related_evidence_counts_at_the_related_weight() -> None:
    direct = ranking.score(ev((0, "validated", 1, False, 1.0, 0)), 1, W).total[0]
    related = ranking.score(ev((0, "validated", 2, True, 1.0, 0)), 1, W).total[0]
    assert related == pytest.approx(W["related"] * direct)


def test_no_evidence_scores_zero_and_order_breaks_ties() -> None:
    scores = ranking.score(ranking.Evidence.empty(), 3, W)
    assert scores.total.tolist() == [0.0, 0.0, 0.0]
    assert ranking.order(np.array([0.5, 0.9, 0.5]), np.array([2, 0, 1])).tolist() == [1, 2, 0]


kinds = st.sampled_from(ranking.KINDS)
rows = st.lists(
    st.tuples(
        st.integers(0, 4),
        kinds,
        st.integers(0, 3),
        st.booleans(),
        st.floats(0, 1),
        st.floats(0, 3000),
    ),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(
    rows,
    st.tuples(
        st.integers(0, 4),
        kinds,
        st.integers(0, 3),
        st.booleans(),
        st.floats(0, 1),
        st.floats(0, 3000),
    ),
)
def test_more_evidence_never_lowers_a_score(
    base: list[tuple[int, str, int, bool, float, float]],
    extra: tuple[int, str, int, bool, float, float],
) -> None:
    before = ranking.score(ev(*base), 5, W).total
    after = ranking.score(ev(*base, extra), 5, W).total
    assert np.all(after >= before - 1e-12)


@settings(max_examples=150, deadline=None)
@given(rows)
def test_scores_are_bounded_by_the_weights(
    base: list[tuple[int, str, int, bool, float, float]],
) -> None:
    total = ranking.score(ev(*base), 5, W).total
    ceiling = sum(W[k] for k in ranking.KINDS) * (1 + W["related"])
    assert np.all(total >= 0) and np.all(total <= ceiling + 1e-9)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"articles": -1}, {"articles": "out_of_range"}),
        ({"articles": 11}, {"articles": "out_of_range"}),
        ({"articles": float("nan")}, {"articles": "not_a_number"}),
        ({"articles": float("inf")}, {"articles": "not_a_number"}),
        ({"articles": "3"}, {"articles": "not_a_number"}),
        ({"articles": True}, {"articles": "not_a_number"}),
        ({"articles": None}, {"articles": "missing"}),
        ({"half_life_days": 3}, {"half_life_days": "out_of_range"}),
        ({"half_life_days": 4000}, {"half_life_days": "out_of_range"}),
        ({"charisma": 1}, {"charisma": "unknown"}),
        ({k: 0 for k in ranking.KINDS}, {"validated": "all_zero"}),
    ],
)
def test_check_weights_names_each_problem(change: dict, problem: dict) -> None:
    assert ranking.check_weights({**W, **change}) == problem


def test_default_weights_are_valid() -> None:
    assert ranking.check_weights(dict(W)) == {}
