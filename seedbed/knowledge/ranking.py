"""Expert-finder scoring: pure functions of NumPy arrays, no ORM (``experts.py`` loads them).

**Evidence items.** Every piece of evidence about one person is a row: which person (an index
into the candidate list), which *kind*, which skill (an index), whether that skill is one the
query asked for (*direct*) or a *related* one (same category, or sharing a name or alias), a
*value*, and its age in days.

=================  ==========================================  ====================
kind               one item is                                 value
=================  ==========================================  ====================
validated          a current level set by a manager,           level / top level
                   an assessment or a certification
self_rated         a current level the person gave themselves  level / top level
                   (or from a peer or a completed course)
certification      a certificate on the skill, not expired     1
articles           a published article they own or wrote       1
accepted_answers   an answer of theirs the asker accepted      1
votes              net up-votes on their answers (if > 0)      the net votes
mentoring          a mentee they mentor or mentored on it      1
=================  ==========================================  ====================

**Recency.** Each item counts ``0.5 ** (age / half_life)``: evidence loses half its weight every
``half_life_days`` (a level by the date it was set, an article by its last change, an answer by
when it was written, mentoring by its last activity).

**Strength per kind**, between 0 and 1:

- levels: the highest decayed value (one current level per skill; with several skills, the
  best one counts), so level 5 of 5 set today is 1.0 and level 3 is 0.6;
- everything else: ``1 − exp(−Σ decayed values / SATURATION[kind])`` — diminishing returns, so
  that the tenth article adds less than the first and no single kind can outweigh the others
  without bound.

**Score** ``= Σ_kind weight[kind] · direct[kind] + weight["related"] · Σ_kind weight[kind] ·
related[kind]``, where ``direct`` pools the evidence on every skill asked for and ``related`` is
the person's *single best related skill* (the one whose weighted strengths sum highest):
knowing four neighbouring skills a little does not add up to knowing the one asked for. A kind
can thus add at most its weight; the admin's weights are the whole story.

(Levels count linearly: in the evaluation collection, squaring them — to let an expert's level
weigh more — let over-confident self-ratings of 5 outrank validated 3s and lowered MAP from
0.757 to 0.718; see docs/benchmarks.md.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

KINDS: tuple[str, ...] = (
    "validated",
    "self_rated",
    "certification",
    "articles",
    "accepted_answers",
    "votes",
    "mentoring",
)
KIND_INDEX: dict[str, int] = {kind: i for i, kind in enumerate(KINDS)}
LEVEL_KINDS = frozenset({"validated", "self_rated"})

# How many (decayed) items make a kind's strength reach 1 − 1/e ≈ 63 %.
SATURATION: dict[str, float] = {
    "certification": 1.0,
    "articles": 3.0,
    "accepted_answers": 3.0,
    "votes": 10.0,
    "mentoring": 2.0,
}

# The weights an admin may set, with their bounds (validated by the settings service).
WEIGHT_KEYS: tuple[str, ...] = (*KINDS, "related")
MAX_WEIGHT = 10.0
TIE_DECIMALS = 12  # scores equal to this many decimals are ties
MIN_HALF_LIFE_DAYS = 7.0
MAX_HALF_LIFE_DAYS = 3650.0


@dataclass(frozen=True)
class Evidence:
    """Evidence rows as parallel arrays (length N)."""

    person: IntArray  # index into the candidate list
    kind: IntArray  # index into KINDS
    skill: IntArray  # index of the skill (any numbering; groups related evidence)
    related: BoolArray  # on a related skill, not on one asked for
    value: FloatArray
    age_days: FloatArray

    @classmethod
    def empty(cls) -> Evidence:
        return cls(
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.bool_),
            np.zeros(0, dtype=np.float64),
            np.zeros(0, dtype=np.float64),
        )

    @classmethod
    def from_rows(cls, rows: list[tuple[int, int, int, bool, float, float]]) -> Evidence:
        """Rows of (person index, kind index, skill index, related, value, age in days)."""
        if not rows:
            return cls.empty()
        person, kind, skill, related, value, age = zip(*rows, strict=True)
        return cls(
            np.asarray(person, dtype=np.int64),
            np.asarray(kind, dtype=np.int64),
            np.asarray(skill, dtype=np.int64),
            np.asarray(related, dtype=np.bool_),
            np.asarray(value, dtype=np.float64),
            np.asarray(age, dtype=np.float64),
        )

    def __len__(self) -> int:
        return int(self.person.shape[0])


@dataclass(frozen=True)
class Scores:
    """``total`` (P,) and the strengths behind it, (P, K) each: ``direct`` and ``related`` (of
    the best related skill, whose index is in ``related_skill``, -1 where there is none)."""

    total: FloatArray
    direct: FloatArray
    related: FloatArray
    related_skill: IntArray


def decay(age_days: FloatArray, half_life_days: float) -> FloatArray:
    """``0.5 ** (age / half_life)``; evidence dated in the future counts as new."""
    age = np.maximum(np.asarray(age_days, dtype=np.float64), 0.0)
    return np.power(0.5, age / float(half_life_days))


def strengths(group: IntArray, kind: IntArray, worth: FloatArray, n_groups: int) -> FloatArray:
    """(G, K) strengths in [0, 1] of items already decayed (``worth``), per group index."""
    out = np.zeros((n_groups, len(KINDS)), dtype=np.float64)
    if n_groups == 0 or group.shape[0] == 0:
        return out
    for name in KINDS:
        k = KIND_INDEX[name]
        sel = kind == k
        if not sel.any():
            continue
        if name in LEVEL_KINDS:
            best = np.zeros(n_groups, dtype=np.float64)
            np.maximum.at(best, group[sel], np.clip(worth[sel], 0.0, 1.0))
            out[:, k] = best
        else:
            total = np.bincount(group[sel], weights=worth[sel], minlength=n_groups)
            out[:, k] = 1.0 - np.exp(-np.maximum(total, 0.0) / SATURATION[name])
    return out


def weight_vector(weights: dict[str, float]) -> FloatArray:
    return np.asarray([float(weights[name]) for name in KINDS], dtype=np.float64)


def score(ev: Evidence, n_people: int, weights: dict[str, float]) -> Scores:
    """Scores of ``n_people`` candidates from their evidence (see the module docstring)."""
    w = weight_vector(weights)
    worth = ev.value * decay(ev.age_days, float(weights["half_life_days"]))
    direct_mask = ~ev.related
    direct = strengths(ev.person[direct_mask], ev.kind[direct_mask], worth[direct_mask], n_people)
    related = np.zeros((n_people, len(KINDS)), dtype=np.float64)
    related_skill = np.full(n_people, -1, dtype=np.int64)
    rel_mask = ev.related
    if n_people and rel_mask.any():
        person, skill = ev.person[rel_mask], ev.skill[rel_mask]
        # One group per (person, related skill) present.
        # (Keys of person and skill in one integer: a 1-d unique is much faster than rows,
        # and sorts the same way.)
        low = int(skill.min())
        span = int(skill.max()) - low + 1
        keys, group = np.unique(person * span + (skill - low), return_inverse=True)
        group = group.reshape(-1)
        unique = np.stack([keys // span, keys % span + low], axis=1)
        per_group = strengths(group, ev.kind[rel_mask], worth[rel_mask], unique.shape[0])
        group_score = per_group @ w
        # The best group per person: sort by person, then score descending; first of each.
        # Scores equal to 12 decimals tie (then the lower skill index wins): sums of the same
        # items added in another order may differ in the last bits.
        order_ = np.lexsort((-np.round(group_score, TIE_DECIMALS), unique[:, 0]))
        first = np.ones(order_.shape[0], dtype=np.bool_)
        first[1:] = unique[order_[1:], 0] != unique[order_[:-1], 0]
        best = order_[first]
        related[unique[best, 0]] = per_group[best]
        related_skill[unique[best, 0]] = unique[best, 1]
    total = direct @ w + float(weights["related"]) * (related @ w)
    return Scores(total=total, direct=direct, related=related, related_skill=related_skill)


def order(total: FloatArray, tiebreak: IntArray) -> IntArray:
    """Indices by score, highest first; ties (equal to ``TIE_DECIMALS``) by ``tiebreak``
    ascending (e.g. name rank)."""
    return np.lexsort((tiebreak, -np.round(total, TIE_DECIMALS))).astype(np.int64)


def check_weights(weights: dict[str, object]) -> dict[str, str]:
    """Problems with a set of weights as {key: code}; codes: ``missing``, ``not_a_number``,
    ``out_of_range``, ``unknown``, ``all_zero``. Empty when the weights are usable."""
    problems: dict[str, str] = {}
    for key in (*WEIGHT_KEYS, "half_life_days"):
        raw = weights.get(key)
        if raw is None:
            problems[key] = "missing"
            continue
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            problems[key] = "not_a_number"
            continue
        value = float(raw)
        if not np.isfinite(value):
            problems[key] = "not_a_number"
        elif key == "half_life_days":
            if not MIN_HALF_LIFE_DAYS <= value <= MAX_HALF_LIFE_DAYS:
                problems[key] = "out_of_range"
        elif not 0.0 <= value <= MAX_WEIGHT:
            problems[key] = "out_of_range"
    for key in sorted(set(weights) - {*WEIGHT_KEYS, "half_life_days"}):
        problems[key] = "unknown"
    if not problems and not any(float(weights[k]) > 0 for k in KINDS):  # type: ignore[arg-type]
        problems[KINDS[0]] = "all_zero"
    return problems
