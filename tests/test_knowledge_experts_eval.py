"""Expert-finder quality on the test collection (tests/data/expert_eval): our ranking must
beat the "declared skills only" baseline on MAP and P@5. The figures are computed here from
the rankings, not stored; benchmarks/eval_experts.py prints the same figures."""

from __future__ import annotations

import json

import pytest

from benchmarks.eval_experts import (
    COLLECTION,
    RELEVANT,
    average_precision,
    evaluate,
    load_collection,
    ndcg_at,
    precision_at,
    reciprocal_rank,
)

pytestmark = pytest.mark.django_db


def test_the_collection_is_big_enough_and_graded() -> None:
    topics = json.loads((COLLECTION / "topics.json").read_text(encoding="utf-8"))
    assert len(topics) >= 40
    for topic in topics:
        grades = set(topic["judgements"].values())
        assert grades <= {1, 2, 3}
        assert any(g >= RELEVANT for g in grades), topic["skill"]
    assert {t["form"] for t in topics} == {"skill", "name", "alias", "typo"}


def test_the_collection_is_what_the_generator_writes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.data.expert_eval.generate import generate, write

    write(generate(), tmp_path)
    for path in COLLECTION.iterdir():
        if path.suffix in (".json", ".csv"):
            assert (tmp_path / path.name).read_text() == path.read_text(), path.name


def test_metrics_on_a_known_ranking() -> None:
    grades = {1: 3, 2: 2, 3: 1, 4: 2}
    ranked = [3, 1, 5, 2, 9]  # relevant (>= 2): 1, 2, 4
    assert average_precision(ranked, grades) == pytest.approx((1 / 2 + 2 / 4) / 3)
    assert reciprocal_rank(ranked, grades) == 0.5
    assert precision_at(ranked, grades, 5) == pytest.approx(2 / 5)
    assert ndcg_at([1, 2, 4, 3], grades) == pytest.approx(1.0)
    assert ndcg_at([], grades) == 0.0


def test_our_ranking_beats_declared_skills_only() -> None:
    report = evaluate(load_collection())
    assert report.leavers_shown == 0
    assert report.ours["MAP"] > report.baseline["MAP"]
    assert report.ours["P@5"] > report.baseline["P@5"]
    # Not just better on average: every kind of query form resolves to the right experts.
    by_form: dict[str, list[float]] = {}
    for row in report.per_topic:
        by_form.setdefault(row["form"], []).append(row["ours P@5"])
    for form, values in by_form.items():
        assert sum(values) / len(values) >= 0.6, form
