"""Learning-path maths: prerequisite graphs and the personal path optimiser. Pure functions on
NumPy arrays and SciPy's MILP solver, no ORM (``seedbed.learning.services.paths`` loads the data,
words the reasons and finds mentors).

**The personal path optimiser** (``propose``) picks the set of catalogue items that closes a
person's skill gaps, exactly, as an integer program solved by ``scipy.optimize.milp``:

- A gap is a skill ``s`` the person holds below a target level ``t``. An item **covers** the gap
  when it brings ``s`` to a level ``≥ t``. Partial progress does not count: an item that brings
  Kubernetes to 3 does not close a gap to 4 (levels are not added up across items).
- One binary ``x_i`` per item. Items in a language the person does not speak, in a format they
  did not allow, or already completed are never chosen.
- Prerequisites: ``x_i ≤ x_j`` for a prerequisite item ``j`` of ``i`` (none when the person
  completed ``j``); a prerequisite skill level ``(s', L)`` of ``i`` holds when the person already
  has ``s' ≥ L``, else ``x_i ≤ Σ x_k`` over the other items ``k`` that bring ``s'`` to ``≥ L``.
  Those disjunctions could still close a loop (A needs what only B teaches and B needs what
  only A teaches); such a choice has no valid order and is cut off by a lazy constraint (see
  ``_stuck``) and solved again, so every proposal can be taken in the order given.
- Budget: ``Σ cost_i x_i ≤ B``.
- **Objective**, lexicographic: (1) cover every gap that can be covered at all; if the budget
  does not allow that, cover *as many gaps as possible* (a count; each gap counts once, whatever
  its importance); (2) least total hours (or least total cost); (3) least of the other. Each
  level is its own MILP, the next one fixing the optimum of the previous, so ties are broken
  exactly. Hours are tenths and costs cents (integers), so the optimum is exact (no tolerance).
- Speed: before building the MILP, items are filtered to those allowed, *derivable* (their
  prerequisites can be met at all, by the person's levels or by other allowed items, computed
  as a fixpoint), relevant (they reach a gap's level, or are in the prerequisite closure of one
  that does) and not *dominated* (another item is no longer, no dearer, reaches every level
  that matters and needs no more first; see ``_relevant`` for why the optimum survives). On the
  benchmark's 5,000 items about 100 remain.

**Order**: chosen items are placed one at a time, each once its prerequisites are met (by the
person's levels, completed items or items placed before it); among the items that could come
next, the one serving the most important gap first (a prerequisite serves what it unlocks),
then by item id.

**Uncovered gaps** carry a reason: no active item reaches the level; none in the person's
languages and formats; only items already completed; none whose prerequisites can be met; or
the budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

NONE = -1
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Objective = Literal["time", "cost"]

# Enough for any real catalogue: each cut removes one impossible combination, and they are rare.
MAX_CUTS = 200
SOLVER_OPTIONS = {"mip_rel_gap": 0.0, "time_limit": 30.0, "presolve": True}

# Language names people type instead of codes (Person.languages is free text).
_LANGUAGE_NAMES = {
    "english": "en",
    "german": "de",
    "deutsch": "de",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "italian": "it",
    "italiano": "it",
    "dutch": "nl",
    "nederlands": "nl",
    "portuguese": "pt",
    "português": "pt",
    "polish": "pl",
    "polski": "pl",
}


def primary_language(code: str) -> str:
    """``"en-GB"`` → ``"en"``, ``"English"`` → ``"en"``: what two language labels must share to
    count as the same language."""
    text = code.strip().lower()
    text = _LANGUAGE_NAMES.get(text, text)
    return text.replace("_", "-").split("-", 1)[0]


def _primary_languages(codes: Sequence[str]) -> npt.NDArray[np.str_]:
    unique, inverse = np.unique(np.asarray(list(codes), dtype=np.str_), return_inverse=True)
    mapped = np.array([primary_language(str(x)) for x in unique], dtype=np.str_)
    return mapped[inverse].reshape(-1) if len(unique) else np.zeros(0, dtype=np.str_)


# --- prerequisite graphs ---------------------------------------------------------------------


class PrerequisiteCycle(ValueError):
    """Item prerequisites that loop back on themselves; ``cycle`` lists the item ids in order,
    the first repeated at the end (``[a, b, c, a]``: a needs b, b needs c, c needs a)."""

    def __init__(self, cycle: list[int]) -> None:
        super().__init__("prerequisite cycle: " + " → ".join(str(i) for i in cycle))
        self.cycle = cycle


def find_cycle(edges: Iterable[tuple[int, int]], start: Iterable[int] | None = None) -> list[int]:
    """A cycle in the graph of ``(item, required item)`` edges, as ``[a, b, …, a]``, or ``[]``.
    With ``start``, only the part of the graph reachable from those nodes is searched."""
    graph: dict[int, list[int]] = {}
    for a, b in edges:
        graph.setdefault(int(a), []).append(int(b))
    for targets in graph.values():
        targets.sort()
    roots = sorted(graph) if start is None else sorted({int(s) for s in start})
    state: dict[int, int] = {}  # 1 on the current path, 2 finished
    for root in roots:
        if state.get(root):
            continue
        path: list[int] = [root]
        iters = [iter(graph.get(root, ()))]
        state[root] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
                continue
            seen = state.get(nxt)
            if seen == 1:
                return [*path[path.index(nxt) :], nxt]
            if seen is None:
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(graph.get(nxt, ())))
    return []


@dataclass(frozen=True)
class OrderProblem:
    """``item`` comes at or before ``prerequisite`` in a path (``missing``: not in it at all)."""

    item: int
    prerequisite: int
    missing: bool


def order_problems(order: Sequence[int], edges: Iterable[tuple[int, int]]) -> list[OrderProblem]:
    """Every prerequisite of an item in ``order`` that is missing from it or comes later, in path
    order. Raises ``PrerequisiteCycle`` first if the prerequisites of these items loop."""
    edge_list = [(int(a), int(b)) for a, b in edges]
    cycle = find_cycle(edge_list, start=order)
    if cycle:
        raise PrerequisiteCycle(cycle)
    position = {int(item): pos for pos, item in enumerate(order)}
    problems = [
        OrderProblem(a, b, b not in position)
        for a, b in edge_list
        if a in position and (b not in position or position[b] >= position[a])
    ]
    problems.sort(key=lambda p: (position[p.item], p.prerequisite))
    return problems


# --- the optimiser: inputs and outputs --------------------------------------------------------


def _rows(data: Iterable[Sequence[int]] | npt.ArrayLike, width: int) -> IntArray:
    arr = np.asarray(data if isinstance(data, np.ndarray) else list(data), dtype=np.int64)  # type: ignore[arg-type]
    return arr.reshape(-1, width) if arr.size else np.zeros((0, width), dtype=np.int64)


@dataclass(frozen=True)
class Catalogue:
    """Learning items as parallel arrays (``N`` items, any order, unique ids). Hours are in
    tenths and costs in cents, so every total is an exact integer."""

    ids: IntArray
    hours: IntArray
    cost: IntArray
    language: npt.NDArray[np.str_]
    format: npt.NDArray[np.str_]
    brings: IntArray  # (B, 3): item id, skill id, level it brings the learner to
    needs_item: IntArray  # (R, 2): item id, id of the item to complete first
    needs_skill: IntArray  # (Q, 3): item id, skill id, level needed first

    @classmethod
    def build(
        cls,
        *,
        ids: Sequence[int] | npt.ArrayLike,
        hours: Sequence[int] | npt.ArrayLike,
        cost: Sequence[int] | npt.ArrayLike,
        language: Sequence[str],
        format: Sequence[str],
        brings: Iterable[Sequence[int]] | npt.ArrayLike = (),
        needs_item: Iterable[Sequence[int]] | npt.ArrayLike = (),
        needs_skill: Iterable[Sequence[int]] | npt.ArrayLike = (),
    ) -> Catalogue:
        ids_a = np.asarray(ids, dtype=np.int64).reshape(-1)
        n = len(ids_a)
        cat = cls(
            ids_a,
            np.asarray(hours, dtype=np.int64).reshape(-1),
            np.asarray(cost, dtype=np.int64).reshape(-1),
            _primary_languages(language),
            np.asarray(list(format), dtype=np.str_).reshape(-1),
            _rows(brings, 3),
            _rows(needs_item, 2),
            _rows(needs_skill, 3),
        )
        if not (len(cat.hours) == len(cat.cost) == len(cat.language) == len(cat.format) == n):
            raise ValueError("every item needs hours, cost, language and format")
        if len(np.unique(ids_a)) != n:
            raise ValueError("item ids must be unique")
        if (cat.hours < 0).any() or (cat.cost < 0).any():
            raise ValueError("hours and costs cannot be negative")
        return cat

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Gap:
    """The person holds ``skill`` at ``current`` (``NONE``: not at all) and should reach
    ``target``."""

    skill: int
    current: int
    target: int


@dataclass(frozen=True)
class Preferences:
    """``languages``/``formats`` None: any. ``budget`` in cents, None: no ceiling."""

    objective: Objective = "time"
    budget: int | None = None
    languages: frozenset[str] | None = None
    formats: frozenset[str] | None = None


@dataclass(frozen=True)
class SkillNeed:
    """A skill level an item needs first, met by the person already (``by_item`` None) or by an
    earlier step."""

    skill: int
    level: int
    by_item: int | None


@dataclass(frozen=True)
class Step:
    """One chosen item and why: the gaps it closes (with the level it brings), what it needs
    first, and which later steps need it."""

    item: int
    covers: tuple[tuple[Gap, int], ...]
    needs_skills: tuple[SkillNeed, ...]
    needs_items: tuple[tuple[int, bool], ...]  # (item id, already completed by the person)
    enables: tuple[int, ...]


class Uncoverable(StrEnum):
    NO_ITEM = "no_item"  # no active item brings the skill to the level
    PREFERENCES = "preferences"  # only items in other languages or formats
    COMPLETED = "completed"  # only items the person has already completed
    PREREQUISITES = "prerequisites"  # only items whose prerequisites cannot be met
    BUDGET = "budget"  # coverable, but not within the budget together with the rest


@dataclass(frozen=True)
class Uncovered:
    gap: Gap
    reason: Uncoverable


@dataclass(frozen=True)
class Proposal:
    steps: tuple[Step, ...]
    uncovered: tuple[Uncovered, ...]
    hours: int  # tenths
    cost: int  # cents
    considered: int  # items left after pre-filtering (the MILP's size)
    solves: int  # MILP solves, including re-solves after cuts

    @property
    def item_ids(self) -> list[int]:
        return [s.item for s in self.steps]


# --- the optimiser ---------------------------------------------------------------------------


def _held(levels: dict[int, int], skill: int) -> int:
    return max(levels.get(skill, NONE), 0)


@dataclass
class _Prepared:
    """The catalogue as indices, with everything the pre-filter and the MILP need."""

    n: int
    allowed: BoolArray  # passes preferences and not completed
    derivable: BoolArray
    edge_i: IntArray  # item prerequisite edges still to do (item index → required index)
    edge_j: IntArray
    need_i: IntArray  # skill prerequisites not met by the person's levels
    need_s: IntArray
    need_l: IntArray
    b_item: IntArray
    b_skill: IntArray
    b_level: IntArray
    blocked: BoolArray  # needs an item that is not in the catalogue and not completed
    met_needs: list[tuple[int, int, int]] = field(default_factory=list)  # (index, skill, level)


def _prepare(
    cat: Catalogue, levels: dict[int, int], prefs: Preferences, completed: frozenset[int]
) -> _Prepared:
    n = len(cat)
    order = np.argsort(cat.ids, kind="stable")
    sorted_ids = cat.ids[order]

    def index(ids: IntArray) -> IntArray:
        if len(ids) == 0 or n == 0:
            return np.full(len(ids), -1, dtype=np.int64)
        pos = np.clip(np.searchsorted(sorted_ids, ids), 0, n - 1)
        return np.where(sorted_ids[pos] == ids, order[pos], -1).astype(np.int64)

    done = np.isin(cat.ids, np.fromiter(completed, dtype=np.int64, count=len(completed)))
    allowed = ~done
    if prefs.languages is not None:
        langs = [primary_language(x) for x in prefs.languages]
        allowed &= np.isin(cat.language, np.array(langs, dtype=np.str_))
    if prefs.formats is not None:
        allowed &= np.isin(cat.format, np.array(sorted(prefs.formats), dtype=np.str_))

    b_item = index(cat.brings[:, 0])
    keep = b_item >= 0
    b_item, b_skill, b_level = b_item[keep], cat.brings[keep, 1], cat.brings[keep, 2]

    e_i, e_j = index(cat.needs_item[:, 0]), index(cat.needs_item[:, 1])
    e_done = np.isin(
        cat.needs_item[:, 1], np.fromiter(completed, dtype=np.int64, count=len(completed))
    )
    keep = (e_i >= 0) & ~e_done
    e_i, e_j = e_i[keep], e_j[keep]
    blocked = np.zeros(n, dtype=bool)
    blocked[e_i[e_j < 0]] = True  # the required item is not offered (inactive or gone)
    e_i, e_j = e_i[e_j >= 0], e_j[e_j >= 0]

    q_i = index(cat.needs_skill[:, 0])
    keep = q_i >= 0
    q_i, q_s, q_l = q_i[keep], cat.needs_skill[keep, 1], cat.needs_skill[keep, 2]
    have = np.fromiter((_held(levels, int(s)) for s in q_s), dtype=np.int64, count=len(q_s))
    met = have >= q_l
    met_needs = [
        (int(i), int(s), int(lv)) for i, s, lv in zip(q_i[met], q_s[met], q_l[met], strict=True)
    ]
    q_i, q_s, q_l = q_i[~met], q_s[~met], q_l[~met]

    prep = _Prepared(
        n,
        allowed,
        np.zeros(n, dtype=bool),
        e_i,
        e_j,
        q_i,
        q_s,
        q_l,
        b_item,
        b_skill,
        b_level,
        blocked,
        met_needs,
    )
    prep.derivable = _derivable(prep)
    return prep


def _skill_columns(skills: IntArray, query: IntArray) -> tuple[IntArray, BoolArray]:
    """Column of each ``query`` skill in the sorted ``skills``, and whether it is there."""
    if len(skills) == 0:
        return np.zeros(len(query), dtype=np.int64), np.zeros(len(query), dtype=bool)
    col = np.minimum(np.searchsorted(skills, query), len(skills) - 1)
    return col.astype(np.int64), skills[col] == query


def _derivable(p: _Prepared) -> BoolArray:
    """Items whose prerequisites can be met at all: the fixpoint of "allowed, and every
    prerequisite item and skill level is met by the person or by items already derivable"."""
    skills, b_col = np.unique(p.b_skill, return_inverse=True)
    need_col, need_known = _skill_columns(skills, p.need_s)
    candidate = p.allowed & ~p.blocked
    derivable = np.zeros(p.n, dtype=bool)
    while True:
        best = np.full(max(len(skills), 1), NONE, dtype=np.int64)
        mask = derivable[p.b_item]
        np.maximum.at(best, b_col[mask], p.b_level[mask])
        need_ok = need_known & (best[need_col] >= p.need_l)
        ok = candidate.copy()
        ok[p.need_i[~need_ok]] = False
        ok[p.edge_i[~derivable[p.edge_j]]] = False
        new = ok & ~derivable
        if not new.any():
            return derivable
        derivable |= new


@dataclass
class _Model:
    items: IntArray  # catalogue indices of the MILP's items
    cover: list[IntArray]  # per coverable gap: positions (into items) of its covering items
    edges: list[tuple[int, int]]  # positions: (item, required item)
    # position, skill, level, positions of the other items that bring the skill to the level
    needs: list[tuple[int, int, int, IntArray]]
    cuts: list[tuple[IntArray, IntArray]] = field(default_factory=list)  # (stuck, rescuers)


def propose(
    cat: Catalogue,
    *,
    levels: dict[int, int],
    gaps: Sequence[Gap],
    prefs: Preferences | None = None,
    completed: Iterable[int] = (),
) -> Proposal:
    """The cheapest (in time or money) set of items that closes as many of ``gaps`` as the budget
    allows, in an order that respects prerequisites, with the reason for each (see the module
    docstring for the exact rules). ``levels``: the person's current level per skill id;
    ``gaps`` most important first; ``completed``: ids of items the person has completed.
    Raises ``PrerequisiteCycle`` when the item prerequisites around the relevant items loop."""
    prefs = prefs or Preferences()
    done = frozenset(int(i) for i in completed)
    open_gaps: list[Gap] = []
    seen_skills: set[int] = set()
    for g in gaps:
        if g.skill not in seen_skills and max(g.current, 0) < g.target:
            seen_skills.add(g.skill)
            open_gaps.append(g)
    p = _prepare(cat, levels, prefs, done)

    # Per gap: the items that reach its target, and why none can be taken if none can.
    reasons: dict[int, Uncoverable] = {}
    any_cover: list[IntArray] = []
    for gi, g in enumerate(open_gaps):
        rows = (p.b_skill == g.skill) & (p.b_level >= g.target)
        items = np.unique(p.b_item[rows])
        any_cover.append(items)
        if p.derivable[items].any():
            continue
        if len(items) == 0:
            reasons[gi] = Uncoverable.NO_ITEM
        elif not p.allowed[items].any():
            in_prefs = _passes_preferences(cat, items, prefs)
            reasons[gi] = Uncoverable.COMPLETED if in_prefs.any() else Uncoverable.PREFERENCES
        else:
            reasons[gi] = Uncoverable.PREREQUISITES
    _check_cycles(cat, np.unique(np.concatenate([np.zeros(0, np.int64), *any_cover])))
    relevant = _relevant(cat, p, open_gaps, any_cover)
    cover_idx = [items[np.isin(items, relevant)] for items in any_cover]
    model = _model(p, relevant, cover_idx)
    budget = prefs.budget
    primary = cat.hours if prefs.objective == "time" else cat.cost
    secondary = cat.cost if prefs.objective == "time" else cat.hours

    solves = 0
    chosen_pos: IntArray = np.zeros(0, dtype=np.int64)
    for _attempt in range(MAX_CUTS + 1):
        chosen_pos, n_solves = _solve_lexicographic(
            model, primary[model.items], secondary[model.items], cat.cost[model.items], budget
        )
        solves += n_solves
        cut = _stuck(p, model, chosen_pos, levels)
        if cut is None:
            break
        model.cuts.append(cut)
    else:  # pragma: no cover - needs a pathological catalogue
        raise RuntimeError("too many prerequisite loops to resolve")

    chosen = [int(i) for i in model.items[chosen_pos]]
    chosen = _prune(cat, p, chosen, open_gaps, levels, done)
    steps = _order(cat, p, chosen, open_gaps, levels, done)
    covered = {
        gi for s in steps for gi, g in enumerate(open_gaps) if any(c[0] == g for c in s.covers)
    }
    uncovered = tuple(
        Uncovered(g, reasons.get(gi, Uncoverable.BUDGET))
        for gi, g in enumerate(open_gaps)
        if gi not in covered
    )
    idx = np.array(chosen, dtype=np.int64)
    return Proposal(
        steps=tuple(steps),
        uncovered=uncovered,
        hours=int(cat.hours[idx].sum()) if len(idx) else 0,
        cost=int(cat.cost[idx].sum()) if len(idx) else 0,
        considered=len(model.items),
        solves=solves,
    )


def _passes_preferences(cat: Catalogue, items: IntArray, prefs: Preferences) -> BoolArray:
    ok = np.ones(len(items), dtype=bool)
    if prefs.languages is not None:
        ok &= np.isin(cat.language[items], [primary_language(x) for x in prefs.languages])
    if prefs.formats is not None:
        ok &= np.isin(cat.format[items], sorted(prefs.formats))
    return ok


def _check_cycles(cat: Catalogue, seeds: IntArray) -> None:
    """Item prerequisites reachable from the items that reach a gap's level must not loop (a
    loop elsewhere in the catalogue does not concern this person)."""
    if len(cat.needs_item) == 0 or len(seeds) == 0:
        return
    cycle = find_cycle(
        ((int(a), int(b)) for a, b in cat.needs_item), start=(int(cat.ids[i]) for i in seeds)
    )
    if cycle:
        raise PrerequisiteCycle(cycle)


def _relevant(
    cat: Catalogue, p: _Prepared, gaps: Sequence[Gap], any_cover: list[IntArray]
) -> IntArray:
    """The items the MILP needs: those that reach a gap's target and, recursively, their
    prerequisite items and the items that can meet their prerequisite levels; minus the items
    another one dominates (``_dominated``) with respect to the levels that matter *in this set*
    (gap targets and the prerequisite levels of its items). Those levels grow with the set, so
    this is a fixpoint: when it is reached, any optimal plan can be rewritten, from its last
    step to its first, into one inside the set that is no worse (each step is a gap cover, a
    named prerequisite of a later step, or a bringer of a level a later step needs, all of which
    are levels that matter), so the optimum over the set is the optimum."""
    need_pairs = np.zeros((0, 2), dtype=np.int64)
    dominated: BoolArray | None = None
    for _round in range(100):
        dominated = _dominated(cat, p, gaps, need_pairs, check=dominated)
        useful = p.derivable & ~dominated
        seeds = np.unique(
            np.concatenate([np.zeros(0, np.int64), *(c[useful[c]] for c in any_cover)])
        )
        relevant = _closure(p, seeds, useful)
        in_set = np.isin(p.need_i, relevant)
        pairs = np.unique(np.stack([p.need_s[in_set], p.need_l[in_set]], axis=1), axis=0)
        merged = np.unique(np.concatenate([need_pairs, pairs.reshape(-1, 2)]), axis=0)
        if len(merged) == len(need_pairs):
            return relevant
        need_pairs = merged
    raise RuntimeError("the relevant items did not settle")  # pragma: no cover


def _dominated(
    cat: Catalogue,
    p: _Prepared,
    gaps: Sequence[Gap],
    need_pairs: IntArray,
    check: BoolArray | None = None,
) -> BoolArray:
    """Items ``k`` another item ``k'`` dominates: both can be taken, ``k'`` takes no more hours
    and costs no more (and is strictly better, or equal with a smaller id), reaches at least
    every level that matters (``gaps``' targets and ``need_pairs``, (skill, level) rows) that
    ``k`` reaches, and needs no more first (its prerequisite items are among ``k``'s, its
    prerequisite levels no higher). Wherever ``k`` serves a plan for those levels, ``k'`` can
    take its place (same spot in the order) at no extra time or cost; an item needed *by name*
    as another's prerequisite is added back by ``_closure`` through that edge. Items that reach
    no level that matters count as dominated. With ``check``, only those items are examined
    (more levels that matter never make an item dominated)."""
    pool = p.derivable
    # An item that reaches no level that matters serves no plan (except by name).
    dominated = pool.copy() if check is None else pool & check
    # Levels that matter per skill: gap targets and prerequisite levels of items in the set.
    th_skill = np.concatenate([[g.skill for g in gaps], need_pairs[:, 0]]).astype(np.int64)
    th_level = np.concatenate([[g.target for g in gaps], need_pairs[:, 1]]).astype(np.int64)
    rows = pool[p.b_item] & np.isin(p.b_skill, th_skill)
    if not rows.any():
        return dominated
    b_item, b_skill, b_level = p.b_item[rows], p.b_skill[rows], p.b_level[rows]
    skills = np.unique(np.concatenate([th_skill, b_skill]))
    top = int(max(th_level.max(initial=0), b_level.max(initial=0))) + 2
    th_key = np.unique(np.searchsorted(skills, th_skill) * top + th_level)
    b_col = np.searchsorted(skills, b_skill)
    # contribution: how many of the skill's thresholds the level reaches
    contrib = np.searchsorted(th_key, b_col * top + b_level, side="right") - np.searchsorted(
        th_key, b_col * top, side="left"
    )
    keep = contrib > 0
    b_item, b_col, contrib = b_item[keep], b_col[keep], contrib[keep]
    reach: dict[int, dict[int, int]] = {}
    for i, c, v in zip(b_item.tolist(), b_col.tolist(), contrib.tolist(), strict=True):
        reach.setdefault(i, {})[c] = v
    dominated[b_item] = False
    item_needs: dict[int, set[int]] = {}
    for i, j in zip(p.edge_i.tolist(), p.edge_j.tolist(), strict=True):
        item_needs.setdefault(i, set()).add(j)
    skill_needs: dict[int, dict[int, int]] = {}
    for i, s, lv in zip(p.need_i.tolist(), p.need_s.tolist(), p.need_l.tolist(), strict=True):
        d = skill_needs.setdefault(i, {})
        d[s] = max(d.get(s, 0), lv)

    def weaker(a: int, b: int) -> bool:  # a needs no more than b
        if not item_needs.get(a, set()) <= item_needs.get(b, set()):
            return False
        need_b = skill_needs.get(b, {})
        return all(need_b.get(s, -1) >= lv for s, lv in skill_needs.get(a, {}).items())

    # Compare each item only with the bringers of its least common useful skill.
    bringers = {int(c): np.flatnonzero(b_col == c) for c in np.unique(b_col)}
    pivot: dict[int, list[int]] = {}
    for i, cols in reach.items():
        if check is None or check[i]:
            pivot.setdefault(min(cols, key=lambda c: len(bringers[c])), []).append(i)
    free = np.ones(p.n, dtype=bool)  # nothing to do first
    free[p.need_i] = False
    free[p.edge_i] = False
    hours, cost, ids = cat.hours, cat.cost, cat.ids
    for col, members in pivot.items():
        rows_c = bringers[col]
        cand, cand_v = b_item[rows_c], contrib[rows_c]
        k = np.array(members, dtype=np.int64)
        k_v = np.array([reach[i][col] for i in members], dtype=np.int64)
        better = (
            (cand_v[None, :] >= k_v[:, None])
            & (hours[cand][None, :] <= hours[k][:, None])
            & (cost[cand][None, :] <= cost[k][:, None])
            & (
                (hours[cand][None, :] < hours[k][:, None])
                | (cost[cand][None, :] < cost[k][:, None])
                | (ids[cand][None, :] < ids[k][:, None])
            )
        )
        # The common case in one step: an item with one useful skill and nothing to do first
        # is dominated by any better bringer of that skill with nothing to do first.
        simple = np.array([len(reach[i]) == 1 for i in members], dtype=bool) & free[k]
        dominated[k[simple & (better & free[cand][None, :]).any(axis=1)]] = True
        for row in np.flatnonzero(~simple).tolist():
            i = members[row]
            for j in cand[better[row]].tolist():
                if (
                    (not free[i] or free[j])
                    and all(reach[j].get(c, 0) >= v for c, v in reach[i].items())
                    and weaker(j, i)
                ):
                    dominated[i] = True
                    break
    return dominated


def _closure(p: _Prepared, seeds: IntArray, useful: BoolArray) -> IntArray:
    """``seeds`` plus, repeatedly, the useful items that can meet their prerequisites (every
    prerequisite item, and every useful item that brings a needed skill far enough)."""
    relevant = np.zeros(p.n, dtype=bool)
    relevant[seeds] = True
    skills, b_col = np.unique(p.b_skill, return_inverse=True)
    b_ok = useful[p.b_item]
    while True:
        add = np.zeros(p.n, dtype=bool)
        add[p.edge_j[relevant[p.edge_i]]] = True
        rows = relevant[p.need_i]
        if rows.any() and len(skills):
            # The lowest level any relevant item needs per skill: every derivable item bringing
            # at least that much may be the best way to meet one of those needs.
            min_need = np.full(len(skills), np.iinfo(np.int64).max, dtype=np.int64)
            col, known = _skill_columns(skills, p.need_s[rows])
            np.minimum.at(min_need, col[known], p.need_l[rows][known])
            bringers = b_ok & (p.b_level >= min_need[b_col])
            add[p.b_item[bringers]] = True
        # A prerequisite item is needed as such even when dominated (it is derivable, since the
        # item that needs it is).
        add &= p.derivable & ~relevant
        if not add.any():
            return np.flatnonzero(relevant)
        relevant |= add


def _model(p: _Prepared, relevant: IntArray, cover_idx: list[IntArray]) -> _Model:
    pos = np.full(p.n, -1, dtype=np.int64)
    pos[relevant] = np.arange(len(relevant))
    cover = [pos[c] for c in cover_idx if len(c)]
    mask = (pos[p.edge_i] >= 0) & (pos[p.edge_j] >= 0)
    edges = list(zip(pos[p.edge_i[mask]].tolist(), pos[p.edge_j[mask]].tolist(), strict=True))
    rel_b = pos[p.b_item] >= 0
    by_skill: dict[int, tuple[IntArray, IntArray]] = {}
    bs, bl, bi = p.b_skill[rel_b], p.b_level[rel_b], pos[p.b_item[rel_b]]
    for s in np.unique(bs):
        m = bs == s
        by_skill[int(s)] = (bl[m], bi[m])
    needs: list[tuple[int, int, int, IntArray]] = []
    for i, s, lv in zip(p.need_i.tolist(), p.need_s.tolist(), p.need_l.tolist(), strict=True):
        if pos[i] < 0:
            continue
        lvls, items = by_skill.get(s, (np.zeros(0, np.int64), np.zeros(0, np.int64)))
        bringers = np.unique(items[(lvls >= lv) & (items != pos[i])])
        needs.append((int(pos[i]), s, lv, bringers))
    return _Model(relevant, cover, edges, needs)


def _solve_lexicographic(
    model: _Model, primary: IntArray, secondary: IntArray, cost: IntArray, budget: int | None
) -> tuple[IntArray, int]:
    """Positions of the chosen items, and the number of MILP solves: cover everything coverable
    (else as many gaps as possible), then least ``primary``, then least ``secondary``."""
    n, m = len(model.items), len(model.cover)
    if n == 0:
        return np.zeros(0, dtype=np.int64), 0
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []

    def row(
        idx: Sequence[int] | IntArray, coef: Sequence[float] | float, low: float, up: float
    ) -> None:
        r = len(lo)
        idx_list = [int(i) for i in idx]
        coefs = [float(coef)] * len(idx_list) if isinstance(coef, (int, float)) else list(coef)
        rows.extend([r] * len(idx_list))
        cols.extend(idx_list)
        vals.extend(coefs)
        lo.append(low)
        hi.append(up)

    for g, items in enumerate(model.cover):  # Σ covering x − y_g ≥ 0
        row([*items.tolist(), n + g], [1.0] * len(items) + [-1.0], 0.0, np.inf)
    for i, j in model.edges:  # x_j − x_i ≥ 0
        row([j, i], [1.0, -1.0], 0.0, np.inf)
    for i, _s, _lv, bringers in model.needs:  # Σ bringers − x_i ≥ 0
        row([*bringers.tolist(), i], [1.0] * len(bringers) + [-1.0], 0.0, np.inf)
    for stuck, rescuers in model.cuts:  # Σ stuck − Σ rescuers ≤ |stuck| − 1
        row(
            [*stuck.tolist(), *rescuers.tolist()],
            [1.0] * len(stuck) + [-1.0] * len(rescuers),
            -np.inf,
            len(stuck) - 1.0,
        )
    if budget is not None:
        row(range(n), cost.astype(float).tolist(), -np.inf, float(budget))

    integrality = np.concatenate([np.ones(n), np.zeros(m)])
    solves = 0

    def solve(
        c: npt.NDArray[np.float64],
        y_low: float,
        extra: list[tuple[npt.NDArray[np.float64], float, float]],
    ) -> npt.NDArray[np.float64] | None:
        nonlocal solves
        solves += 1
        n_rows = len(lo)
        a = sparse.csr_array((vals, (rows, cols)), shape=(n_rows, n + m), dtype=np.float64)
        lows, highs = list(lo), list(hi)
        if extra:
            a = sparse.vstack([a, sparse.csr_array(np.vstack([e[0] for e in extra]))], format="csr")
            lows += [e[1] for e in extra]
            highs += [e[2] for e in extra]
        constraints = [LinearConstraint(a, np.array(lows), np.array(highs))] if a.shape[0] else []
        res = milp(
            c,
            integrality=integrality,
            bounds=Bounds(np.zeros(n + m), np.ones(n + m))
            if y_low == 0
            else Bounds(np.concatenate([np.zeros(n), np.ones(m)]), np.ones(n + m)),
            constraints=constraints,
            options=SOLVER_OPTIONS,
        )
        if res.status == 2:  # infeasible
            return None
        if res.status != 0 or res.x is None:
            raise RuntimeError(f"the solver stopped early: {res.message}")
        return np.asarray(res.x, dtype=np.float64)

    zeros_y = np.zeros(m)
    c1 = np.concatenate([primary.astype(float), zeros_y])
    c2 = np.concatenate([secondary.astype(float), zeros_y])
    extra: list[tuple[npt.NDArray[np.float64], float, float]] = []
    y_low = 1.0
    x = solve(c1, 1.0, extra)
    if x is None:
        # Not everything fits the budget: first the largest number of gaps, then the objective.
        y_low = 0.0
        count = np.concatenate([np.zeros(n), -np.ones(m)])
        best = solve(count, 0.0, extra)
        assert best is not None  # choosing nothing is always feasible
        k = round(float(-(count @ best)))
        extra.append((-count, k - 0.5, np.inf))
        x = solve(c1, 0.0, extra)
        assert x is not None
    p_star = float(round(float(c1 @ x)))
    extra.append((c1, -np.inf, p_star + 0.5))
    x2 = solve(c2, y_low, extra)
    x = x2 if x2 is not None else x
    return np.flatnonzero(x[:n] > 0.5).astype(np.int64), solves


def _placeable(
    p: _Prepared, chosen: Sequence[int], levels: dict[int, int]
) -> tuple[list[int], dict[int, int]]:
    """Place the chosen items in any valid order; returns those that can be placed (in the order
    found) and the skill levels reached. Items left over are stuck."""
    needs_items: dict[int, list[int]] = {}
    for i, j in zip(p.edge_i.tolist(), p.edge_j.tolist(), strict=True):
        needs_items.setdefault(i, []).append(j)
    needs_skills: dict[int, list[tuple[int, int]]] = {}
    for i, s, lv in zip(p.need_i.tolist(), p.need_s.tolist(), p.need_l.tolist(), strict=True):
        needs_skills.setdefault(i, []).append((s, lv))
    reached = {s: _held(levels, s) for s in {int(s) for s in p.need_s}}
    brings = _brings_by_item(p, chosen)
    placed: list[int] = []
    placed_set: set[int] = set()
    pending = list(chosen)
    progress = True
    while pending and progress:
        progress = False
        for i in list(pending):
            if all(j in placed_set for j in needs_items.get(i, ())) and all(
                reached.get(s, 0) >= lv for s, lv in needs_skills.get(i, ())
            ):
                placed.append(i)
                placed_set.add(i)
                pending.remove(i)
                for s, lv in brings.get(i, ()):
                    reached[s] = max(reached.get(s, 0), lv)
                progress = True
    return placed, reached


def _brings_by_item(p: _Prepared, items: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
    wanted = np.array(sorted(set(items)), dtype=np.int64)
    mask = np.isin(p.b_item, wanted)
    out: dict[int, list[tuple[int, int]]] = {}
    for i, s, lv in zip(
        p.b_item[mask].tolist(), p.b_skill[mask].tolist(), p.b_level[mask].tolist(), strict=True
    ):
        out.setdefault(i, []).append((s, lv))
    return out


def _stuck(
    p: _Prepared, model: _Model, chosen_pos: IntArray, levels: dict[int, int]
) -> tuple[IntArray, IntArray] | None:
    """None when the chosen items can be placed in some order. Otherwise a lazy cut
    ``(stuck, rescuers)`` meaning ``Σ x[stuck] − Σ x[rescuers] ≤ |stuck| − 1``: the stuck items
    each have a *blocking* need that nothing placed meets; in any valid order the first stuck
    item placed has that need met by an item outside the stuck set, so choosing every stuck item
    requires choosing one of those rescuers (none is chosen now, so the cut removes this
    choice and no valid one)."""
    chosen = [int(i) for i in model.items[chosen_pos]]
    placed, reached = _placeable(p, chosen, levels)
    placed_set = set(placed)
    pos = {int(i): k for k, i in enumerate(model.items)}
    stuck = {pos[i] for i in chosen if i not in placed_set}
    if not stuck:
        return None
    placed_pos = {pos[i] for i in placed}
    rescuers: set[int] = set()
    blocked_by_item = {i for i, j in model.edges if i in stuck and j not in placed_pos}
    for i, s, lv, bringers in model.needs:
        if i in stuck and i not in blocked_by_item and reached.get(s, 0) < lv:
            # The first blocking need of i found: its bringers outside the stuck set.
            rescuers.update(int(b) for b in bringers if int(b) not in stuck)
            blocked_by_item.add(i)
    return np.array(sorted(stuck), dtype=np.int64), np.array(sorted(rescuers), dtype=np.int64)


def _covered(p: _Prepared, chosen: Iterable[int], gaps: Sequence[Gap]) -> set[int]:
    brings = _brings_by_item(p, chosen)
    best: dict[int, int] = {}
    for pairs in brings.values():
        for s, lv in pairs:
            best[s] = max(best.get(s, NONE), lv)
    return {gi for gi, g in enumerate(gaps) if best.get(g.skill, NONE) >= g.target}


def _prune(
    cat: Catalogue,
    p: _Prepared,
    chosen: list[int],
    gaps: Sequence[Gap],
    levels: dict[int, int],
    done: frozenset[int],
) -> list[int]:
    """Drop free, zero-hour items the solution does not need (the objective cannot tell)."""
    covered = _covered(p, chosen, gaps)
    for i in sorted(chosen, reverse=True):
        if cat.hours[i] or cat.cost[i]:
            continue
        rest = [k for k in chosen if k != i]
        placed, _r = _placeable(p, rest, levels)
        if len(placed) == len(rest) and _covered(p, rest, gaps) >= covered:
            chosen = rest
    return chosen


def _order(
    cat: Catalogue,
    p: _Prepared,
    chosen: list[int],
    gaps: Sequence[Gap],
    levels: dict[int, int],
    done: frozenset[int],
) -> list[Step]:
    """Steps in a valid order, most important gap first, each with its reasons."""
    if not chosen:
        return []
    brings = _brings_by_item(p, chosen)
    chosen_set = set(chosen)
    rank = {g.skill: (gi, g.target) for gi, g in enumerate(gaps)}
    big = len(gaps)
    prio = {
        i: min(
            (rank[s][0] for s, lv in brings.get(i, ()) if s in rank and lv >= rank[s][1]),
            default=big,
        )
        for i in chosen
    }
    needs_items: dict[int, list[int]] = {}
    for i, j in zip(p.edge_i.tolist(), p.edge_j.tolist(), strict=True):
        if i in chosen_set:
            needs_items.setdefault(i, []).append(j)
    needs_skills: dict[int, list[tuple[int, int]]] = {}
    for i, s, lv in zip(p.need_i.tolist(), p.need_s.tolist(), p.need_l.tolist(), strict=True):
        if i in chosen_set:
            needs_skills.setdefault(i, []).append((s, lv))
    # Who could serve whom: a prerequisite inherits the priority of what it unlocks.
    serves: dict[int, set[int]] = {i: set() for i in chosen}
    for i, js in needs_items.items():
        for j in js:
            if j in chosen_set:
                serves[j].add(i)
    for i, pairs in needs_skills.items():
        for s, lv in pairs:
            for k in chosen:
                if k != i and any(bs == s and bl >= lv for bs, bl in brings.get(k, ())):
                    serves[k].add(i)
    changed = True
    while changed:
        changed = False
        for k, users in serves.items():
            best = min((prio[u] for u in users), default=big)
            if best < prio[k]:
                prio[k] = best
                changed = True

    reached: dict[int, tuple[int, int | None]] = {}  # skill -> (level, by item)
    placed: list[int] = []
    pending = set(chosen)
    needed_by: dict[int, list[int]] = {i: [] for i in chosen}
    skill_needs_out: dict[int, list[SkillNeed]] = {}
    while pending:
        ready = [
            i
            for i in pending
            if all(j in placed for j in needs_items.get(i, ()))
            and all(
                max(reached.get(s, (0, None))[0], _held(levels, s)) >= lv
                for s, lv in needs_skills.get(i, ())
            )
        ]
        if not ready:  # pragma: no cover - the solver's cuts rule this out
            raise RuntimeError("no valid order for the chosen items")
        i = min(ready, key=lambda k: (prio[k], int(cat.ids[k])))
        pending.discard(i)
        placed.append(i)
        out: list[SkillNeed] = []
        for s, lv in needs_skills.get(i, ()):
            by = reached.get(s, (0, None))[1] if _held(levels, s) < lv else None
            if by is not None:
                needed_by[by].append(i)
            out.append(SkillNeed(s, lv, int(cat.ids[by]) if by is not None else None))
        skill_needs_out[i] = out
        for j in needs_items.get(i, ()):
            needed_by[j].append(i)
        for s, lv in sorted(brings.get(i, ())):
            if lv > reached.get(s, (NONE, None))[0]:
                reached[s] = (lv, i)

    met_by_item: dict[int, list[tuple[int, int]]] = {}
    for i, s, lv in p.met_needs:
        if i in chosen_set:
            met_by_item.setdefault(i, []).append((s, lv))
    done_needs: dict[int, list[int]] = {}
    for a, b in zip(cat.needs_item[:, 0].tolist(), cat.needs_item[:, 1].tolist(), strict=True):
        if b in done:
            done_needs.setdefault(a, []).append(b)

    steps: list[Step] = []
    for i in placed:
        item_id = int(cat.ids[i])
        covers = tuple(
            (g, lv) for g in gaps for s, lv in brings.get(i, ()) if s == g.skill and lv >= g.target
        )
        skill_needs = sorted(
            [*(SkillNeed(s, lv, None) for s, lv in met_by_item.get(i, ())), *skill_needs_out[i]],
            key=lambda n: (n.skill, n.level),
        )
        item_needs = sorted(
            [(int(cat.ids[j]), False) for j in needs_items.get(i, ())]
            + [(b, True) for b in done_needs.get(item_id, ())]
        )
        steps.append(
            Step(
                item=item_id,
                covers=covers,
                needs_skills=tuple(skill_needs),
                needs_items=tuple(item_needs),
                enables=tuple(int(cat.ids[k]) for k in dict.fromkeys(needed_by[i])),
            )
        )
    return steps
