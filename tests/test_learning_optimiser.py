"""The personal path optimiser (``seedbed.learning.analysis``): exact against brute force on
random small catalogues, prerequisites, budget, cycles, reasons, and not a first-fit."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedbed.learning import analysis as an
from seedbed.learning.services.paths import describe_step

LANGS = ("en", "de")
FORMATS = ("online", "in_person")


@dataclass
class Instance:
    cat: an.Catalogue
    levels: dict[int, int]
    gaps: list[an.Gap]
    prefs: an.Preferences
    completed: frozenset[int]


@st.composite
def instances(draw: st.DrawFn, *, with_budget: bool = True) -> Instance:  # type: ignore[misc]
    n_items = draw(st.integers(1, 8))
    n_gaps = draw(st.integers(1, 4))
    gap_skills = list(range(1, n_gaps + 1))
    all_skills = [*gap_skills, 9]  # skill 9: only ever a prerequisite
    levels: dict[int, int] = {}
    gaps = []
    for s in gap_skills:
        target = draw(st.integers(1, 5))
        current = draw(st.integers(an.NONE, target - 1))
        if current != an.NONE:
            levels[s] = current
        gaps.append(an.Gap(s, current, target))
    if draw(st.booleans()):
        levels[9] = draw(st.integers(0, 4))
    ids = list(range(101, 101 + n_items))
    brings, needs_item, needs_skill = [], [], []
    for k, item in enumerate(ids):
        for s in draw(st.lists(st.sampled_from(all_skills), min_size=1, max_size=2, unique=True)):
            brings.append((item, s, draw(st.integers(1, 5))))
        if k and draw(st.integers(0, 3)) == 0:  # item prerequisites point backwards: acyclic
            needs_item.append((item, ids[draw(st.integers(0, k - 1))]))
        if draw(st.integers(0, 2)) == 0:
            needs_skill.append((item, draw(st.sampled_from(all_skills)), draw(st.integers(1, 4))))
    cat = an.Catalogue.build(
        ids=ids,
        hours=[draw(st.sampled_from([0, 5, 10, 20, 40])) for _ in ids],
        cost=[draw(st.sampled_from([0, 0, 500, 1000, 2500, 10000])) for _ in ids],
        language=[draw(st.sampled_from(LANGS)) for _ in ids],
        format=[draw(st.sampled_from(FORMATS)) for _ in ids],
        brings=brings,
        needs_item=needs_item,
        needs_skill=needs_skill,
    )
    budget = draw(st.one_of(st.none(), st.integers(0, 15000))) if with_budget else None
    prefs = an.Preferences(
        objective=draw(st.sampled_from(["time", "cost"])),
        budget=budget,
        languages=draw(st.one_of(st.none(), st.just(frozenset({"en"})))),
        formats=draw(st.one_of(st.none(), st.just(frozenset({"online"})))),
    )
    completed = frozenset(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)))
    return Instance(cat, levels, gaps, prefs, completed)


# --- an independent statement of the rules: feasibility and brute force -----------------------


def _facts(inst: Instance) -> dict[int, dict]:  # type: ignore[type-arg]
    cat = inst.cat
    facts = {}
    for k, item in enumerate(cat.ids.tolist()):
        facts[item] = {
            "hours": int(cat.hours[k]),
            "cost": int(cat.cost[k]),
            "lang": str(cat.language[k]),
            "format": str(cat.format[k]),
            "brings": [(int(s), int(lv)) for i, s, lv in cat.brings.tolist() if i == item],
            "items": [int(b) for a, b in cat.needs_item.tolist() if a == item],
            "skills": [(int(s), int(lv)) for i, s, lv in cat.needs_skill.tolist() if i == item],
        }
    return facts


def _allowed(inst: Instance, f: dict) -> bool:  # type: ignore[type-arg]
    p = inst.prefs
    return (p.languages is None or f["lang"] in p.languages) and (
        p.formats is None or f["format"] in p.formats
    )


def _valid_order(inst: Instance, order: list[int]) -> bool:
    """Every item's prerequisites met by the person, completed items or earlier items."""
    facts = _facts(inst)
    reached = {s: max(lv, 0) for s, lv in inst.levels.items()}
    before: set[int] = set()
    for item in order:
        f = facts[item]
        if any(j not in before and j not in inst.completed for j in f["items"]):
            return False
        if any(reached.get(s, 0) < lv for s, lv in f["skills"]):
            return False
        before.add(item)
        for s, lv in f["brings"]:
            reached[s] = max(reached.get(s, 0), lv)
    return True


def _orderable(inst: Instance, subset: tuple[int, ...]) -> bool:
    facts = _facts(inst)
    reached = {s: max(lv, 0) for s, lv in inst.levels.items()}
    placed: set[int] = set()
    progress = True
    while progress:
        progress = False
        for item in subset:
            f = facts[item]
            if item in placed:
                continue
            if all(j in placed or j in inst.completed for j in f["items"]) and all(
                reached.get(s, 0) >= lv for s, lv in f["skills"]
            ):
                placed.add(item)
                progress = True
                for s, lv in f["brings"]:
                    reached[s] = max(reached.get(s, 0), lv)
    return len(placed) == len(subset)


def _key(inst: Instance, subset: list[int] | tuple[int, ...]) -> tuple[int, int, int]:
    """(−gaps covered, primary, secondary): smaller is better."""
    facts = _facts(inst)
    covered = sum(
        1
        for g in inst.gaps
        if any(s == g.skill and lv >= g.target for i in subset for s, lv in facts[i]["brings"])
    )
    hours = sum(facts[i]["hours"] for i in subset)
    cost = sum(facts[i]["cost"] for i in subset)
    return (-covered, hours, cost) if inst.prefs.objective == "time" else (-covered, cost, hours)


def brute_force(inst: Instance) -> tuple[int, int, int]:
    facts = _facts(inst)
    pool = [i for i, f in facts.items() if _allowed(inst, f) and i not in inst.completed]
    best = _key(inst, ())
    for r in range(1, len(pool) + 1):
        for subset in itertools.combinations(pool, r):
            if inst.prefs.budget is not None and (
                sum(facts[i]["cost"] for i in subset) > inst.prefs.budget
            ):
                continue
            if _orderable(inst, subset):
                best = min(best, _key(inst, subset))
    return best


def _propose(inst: Instance) -> an.Proposal:
    return an.propose(
        inst.cat,
        levels=inst.levels,
        gaps=inst.gaps,
        prefs=inst.prefs,
        completed=inst.completed,
    )


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_objective_equals_brute_force_and_the_solution_is_feasible(inst: Instance) -> None:
    proposal = _propose(inst)
    chosen = proposal.item_ids
    facts = _facts(inst)
    assert len(set(chosen)) == len(chosen)
    assert _key(inst, chosen) == brute_force(inst)
    # feasible: allowed items only, nothing completed, within budget, in a valid order
    assert all(_allowed(inst, facts[i]) and i not in inst.completed for i in chosen)
    if inst.prefs.budget is not None:
        assert proposal.cost <= inst.prefs.budget
    assert _valid_order(inst, chosen)
    assert proposal.hours == sum(facts[i]["hours"] for i in chosen)
    assert proposal.cost == sum(facts[i]["cost"] for i in chosen)
    # every gap is either closed by a step or listed as uncovered, never both
    closed = {c[0].skill for s in proposal.steps for c in s.covers}
    listed = {u.gap.skill for u in proposal.uncovered}
    assert closed | listed == {g.skill for g in inst.gaps}
    assert not closed & listed


@settings(max_examples=150, deadline=None)
@given(instances())
def test_each_step_says_what_it_covers_and_needs(inst: Instance) -> None:
    proposal = _propose(inst)
    facts = _facts(inst)
    position = {s.item: k for k, s in enumerate(proposal.steps)}
    names = {s: f"Skill{s}" for s in (1, 2, 3, 4, 9)}
    titles = {i: f"Item{i}" for i in facts}
    for step in proposal.steps:
        f = facts[step.item]
        text = describe_step(step, skill_names=names, item_titles=titles)
        for gap, level in step.covers:
            assert (gap.skill, level) in f["brings"] and level >= gap.target
            assert text.startswith("covers ")
            current = "–" if gap.current == an.NONE else gap.current
            assert f"Skill{gap.skill} {current}→{level}" in text
        for need in step.needs_skills:
            assert (need.skill, need.level) in f["skills"]
            assert f"Skill{need.skill} {need.level}" in text
            if need.by_item is None:
                assert max(inst.levels.get(need.skill, 0), 0) >= need.level
            else:
                assert position[need.by_item] < position[step.item]
                assert f"Item{need.by_item}" in text
        for required, completed in step.needs_items:
            assert required in f["items"]
            assert completed == (required in inst.completed)
            assert completed or position[required] < position[step.item]
        # a step that closes no gap is there because a later step needs it
        assert step.covers or step.enables
        for later in step.enables:
            assert position[later] > position[step.item]


@settings(max_examples=100, deadline=None)
@given(instances(with_budget=False), st.integers(0, 15000))
def test_a_budget_is_respected_and_never_buys_more_gaps(inst: Instance, budget: int) -> None:
    free = _propose(inst)
    capped = an.propose(
        inst.cat,
        levels=inst.levels,
        gaps=inst.gaps,
        prefs=an.Preferences(
            objective=inst.prefs.objective,
            budget=budget,
            languages=inst.prefs.languages,
            formats=inst.prefs.formats,
        ),
        completed=inst.completed,
    )
    assert capped.cost <= budget
    assert len(capped.uncovered) >= len(free.uncovered)
    over = [u for u in capped.uncovered if u.reason == an.Uncoverable.BUDGET]
    assert len(capped.uncovered) - len(over) == len(free.uncovered)
    if free.cost <= budget:  # the budget does not bind: same optimum
        assert _key(inst, capped.item_ids) == _key(inst, free.item_ids)


# --- examples ---------------------------------------------------------------------------------


def _cat(**kw) -> an.Catalogue:  # type: ignore[no-untyped-def]
    n = len(kw["ids"])
    kw.setdefault("hours", [10] * n)
    kw.setdefault("cost", [0] * n)
    kw.setdefault("language", ["en"] * n)
    kw.setdefault("format", ["online"] * n)
    return an.Catalogue.build(**kw)


def test_not_a_first_fit_nor_a_greedy_by_cost_per_gap() -> None:
    """Four gaps; four cheap single-gap items (costs 1, 1/2, 1/3, 1/4 scaled) and one item that
    covers all four for a little more than the dearest single one. Both greedy rules pick
    worse than the optimum (the one big item)."""
    gaps = [an.Gap(s, 0, 3) for s in (1, 2, 3, 4)]
    costs = {11: 1200, 12: 600, 13: 400, 14: 300, 20: 1320}
    cat = _cat(
        ids=list(costs),
        cost=list(costs.values()),
        brings=[(11, 1, 3), (12, 2, 3), (13, 3, 3), (14, 4, 3)]
        + [(20, s, 3) for s in (1, 2, 3, 4)],
    )
    bring = {i: {s for j, s, _l in cat.brings.tolist() if j == i} for i in costs}

    def first_fit() -> list[int]:
        chosen: list[int] = []
        for g in gaps:
            if not any(g.skill in bring[i] for i in chosen):
                chosen.append(next(i for i in costs if g.skill in bring[i]))
        return chosen

    def greedy_ratio() -> list[int]:
        left, chosen = {g.skill for g in gaps}, []
        while left:
            i = min(
                (i for i in costs if bring[i] & left),
                key=lambda i: costs[i] / len(bring[i] & left),
            )
            chosen.append(i)
            left -= bring[i]
        return chosen

    proposal = an.propose(cat, levels={}, gaps=gaps, prefs=an.Preferences(objective="cost"))
    assert proposal.item_ids == [20]
    assert proposal.cost == 1320
    assert sum(costs[i] for i in first_fit()) == 2500
    assert sum(costs[i] for i in greedy_ratio()) == 2500 > proposal.cost


def test_a_skill_prerequisite_pulls_in_the_item_that_teaches_it_first() -> None:
    cat = _cat(
        ids=[1, 2, 3],
        hours=[40, 10, 30],
        brings=[(1, 100, 4), (2, 200, 3), (3, 200, 5)],
        needs_skill=[(1, 200, 3)],  # Kubernetes course needs Docker 3
    )
    proposal = an.propose(cat, levels={100: 2}, gaps=[an.Gap(100, 2, 4)])
    assert proposal.item_ids == [2, 1]  # the shorter Docker item, first
    assert proposal.steps[1].needs_skills == (an.SkillNeed(200, 3, by_item=2),)
    assert proposal.steps[0].enables == (1,)
    text = describe_step(
        proposal.steps[1],
        skill_names={100: "Kubernetes", 200: "Docker"},
        item_titles={2: "Docker basics"},
    )
    assert text == "covers Kubernetes 2→4; needs Docker 3 first (covered by Docker basics)"


def test_a_prerequisite_already_held_or_completed_needs_no_item() -> None:
    cat = _cat(
        ids=[1, 2, 3],
        brings=[(1, 100, 4), (2, 200, 3), (3, 300, 1)],
        needs_skill=[(1, 200, 3)],
        needs_item=[(1, 3)],
    )
    proposal = an.propose(cat, levels={200: 3}, gaps=[an.Gap(100, -1, 4)], completed={3})
    assert proposal.item_ids == [1]
    step = proposal.steps[0]
    assert step.needs_skills == (an.SkillNeed(200, 3, None),)
    assert step.needs_items == ((3, True),)


def test_partial_progress_does_not_close_a_gap() -> None:
    cat = _cat(ids=[1, 2], brings=[(1, 100, 3), (2, 100, 3)])
    proposal = an.propose(cat, levels={100: 1}, gaps=[an.Gap(100, 1, 4)])
    assert proposal.item_ids == []
    assert proposal.uncovered == (an.Uncovered(an.Gap(100, 1, 4), an.Uncoverable.NO_ITEM),)


def test_uncovered_gaps_say_why() -> None:
    cat = _cat(
        ids=[1, 2, 3, 4],
        language=["fr", "en", "en", "en"],
        cost=[0, 0, 0, 5000],
        brings=[(1, 100, 3), (2, 200, 3), (3, 300, 3), (4, 400, 3)],
        needs_skill=[(2, 999, 2)],  # nobody teaches skill 999
    )
    gaps = [an.Gap(s, 0, 3) for s in (100, 200, 300, 400, 500)]
    proposal = an.propose(
        cat,
        levels={},
        gaps=gaps,
        prefs=an.Preferences(languages=frozenset({"en-GB", "de"}), budget=1000),
        completed={3},
    )
    reasons = {u.gap.skill: u.reason for u in proposal.uncovered}
    assert reasons == {
        100: an.Uncoverable.PREFERENCES,
        200: an.Uncoverable.PREREQUISITES,
        300: an.Uncoverable.COMPLETED,
        400: an.Uncoverable.BUDGET,
        500: an.Uncoverable.NO_ITEM,
    }


def test_over_budget_the_most_gaps_are_covered_then_the_cheapest() -> None:
    # Budget 100: B+C (2 gaps, 60+40) or B or C alone; A (all 3 gaps) costs 110.
    cat = _cat(
        ids=[1, 2, 3],
        cost=[110, 60, 40],
        hours=[1, 50, 50],
        brings=[(1, 10, 3), (1, 20, 3), (1, 30, 3), (2, 10, 3), (3, 20, 3)],
    )
    gaps = [an.Gap(s, 0, 3) for s in (10, 20, 30)]
    p = an.propose(cat, levels={}, gaps=gaps, prefs=an.Preferences(budget=100))
    assert sorted(p.item_ids) == [2, 3]
    assert [u.gap.skill for u in p.uncovered] == [30]
    assert p.uncovered[0].reason == an.Uncoverable.BUDGET
    # With room for A, A alone covers all three.
    p = an.propose(cat, levels={}, gaps=gaps, prefs=an.Preferences(budget=110))
    assert p.item_ids == [1]
    assert p.uncovered == ()


def test_hours_tie_broken_by_cost_and_vice_versa() -> None:
    cat = _cat(
        ids=[1, 2, 3],
        hours=[10, 10, 30],
        cost=[500, 300, 100],
        brings=[(i, 7, 3) for i in (1, 2, 3)],
    )
    gap = [an.Gap(7, 0, 3)]
    assert an.propose(cat, levels={}, gaps=gap, prefs=an.Preferences("time")).item_ids == [2]
    assert an.propose(cat, levels={}, gaps=gap, prefs=an.Preferences("cost")).item_ids == [3]


def test_skill_prerequisites_in_a_loop_are_never_proposed_together() -> None:
    """A teaches X and needs Y 3; B teaches Y and needs X 3; nobody else teaches either. Choosing
    both satisfies every MILP row but has no valid order: the lazy cut removes it."""
    cat = _cat(
        ids=[1, 2, 3],
        hours=[1, 1, 50],
        brings=[(1, 10, 3), (2, 20, 3), (3, 10, 3)],
        needs_skill=[(1, 20, 3), (2, 10, 3)],
    )
    gaps = [an.Gap(10, 0, 3), an.Gap(20, 0, 3)]
    p = an.propose(cat, levels={}, gaps=gaps)
    assert p.item_ids == [3, 2]  # item 3 teaches X, which unlocks B
    assert p.solves > 2  # at least one re-solve after a cut


def test_item_prerequisite_cycles_are_rejected_with_the_cycle() -> None:
    cat = _cat(
        ids=[1, 2, 3],
        brings=[(1, 10, 3), (2, 20, 1), (3, 30, 1)],
        needs_item=[(1, 2), (2, 3), (3, 1)],
    )
    with pytest.raises(an.PrerequisiteCycle) as exc:
        an.propose(cat, levels={}, gaps=[an.Gap(10, 0, 3)])
    assert exc.value.cycle == [1, 2, 3, 1]


@settings(max_examples=100, deadline=None)
@given(instances(), st.data())
def test_a_prerequisite_cycle_around_a_gap_is_always_rejected_and_named(
    inst: Instance, data: st.DataObject
) -> None:
    """Whatever else the catalogue holds, a loop of item prerequisites through an item that
    reaches a gap's level is refused, and the cycle reported is made of real edges."""
    cat = inst.cat
    ids = cat.ids.tolist()
    reaching = sorted(
        {
            i
            for i, s, lv in cat.brings.tolist()
            for g in inst.gaps
            if s == g.skill and lv >= g.target
        }
    )
    if not reaching:
        return
    start = data.draw(st.sampled_from(reaching))
    others = data.draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
    loop = [start, *[o for o in others if o != start]]
    edges = [*cat.needs_item.tolist(), *zip(loop, [*loop[1:], loop[0]], strict=True)]
    looped = an.Catalogue.build(
        ids=ids,
        hours=cat.hours,
        cost=cat.cost,
        language=cat.language.tolist(),
        format=cat.format.tolist(),
        brings=cat.brings,
        needs_item=edges,
        needs_skill=cat.needs_skill,
    )
    with pytest.raises(an.PrerequisiteCycle) as exc:
        an.propose(
            looped, levels=inst.levels, gaps=inst.gaps, prefs=inst.prefs, completed=inst.completed
        )
    cycle = exc.value.cycle
    edge_set = {tuple(e) for e in edges}
    assert cycle[0] == cycle[-1] and len(cycle) >= 2
    assert all((a, b) in edge_set for a, b in itertools.pairwise(cycle))


def test_a_cycle_elsewhere_in_the_catalogue_does_not_block_a_proposal() -> None:
    cat = _cat(
        ids=[1, 2, 3],
        brings=[(1, 10, 3), (2, 20, 1), (3, 30, 1)],
        needs_item=[(2, 3), (3, 2)],
    )
    assert an.propose(cat, levels={}, gaps=[an.Gap(10, 0, 3)]).item_ids == [1]


@given(
    st.lists(st.tuples(st.integers(1, 6), st.integers(1, 6)), max_size=12),
)
def test_find_cycle_returns_a_real_cycle_or_proves_there_is_none(
    edges: list[tuple[int, int]],
) -> None:
    cycle = an.find_cycle(edges)
    edge_set = set(edges)
    if cycle:
        assert cycle[0] == cycle[-1]
        assert all((a, b) in edge_set for a, b in itertools.pairwise(cycle))
    else:  # acyclic: a topological order exists (Kahn)
        nodes = {n for e in edges for n in e}
        indeg = {n: 0 for n in nodes}
        for _a, b in edge_set:
            indeg[b] += 1
        ready = [n for n in nodes if indeg[n] == 0]
        seen = 0
        while ready:
            n = ready.pop()
            seen += 1
            for a, b in edge_set:
                if a == n:
                    indeg[b] -= 1
                    if indeg[b] == 0:
                        ready.append(b)
        assert seen == len(nodes)


def test_order_problems_name_items_before_their_prerequisites() -> None:
    edges = [(2, 1), (3, 2), (4, 9)]
    assert an.order_problems([1, 2, 3], edges) == []
    assert an.order_problems([2, 1, 3], edges) == [an.OrderProblem(2, 1, missing=False)]
    assert an.order_problems([4], edges) == [an.OrderProblem(4, 9, missing=True)]
    with pytest.raises(an.PrerequisiteCycle) as exc:
        an.order_problems([1, 2], [(1, 2), (2, 1)])
    assert exc.value.cycle == [1, 2, 1]


def test_languages_match_by_primary_tag_and_common_names() -> None:
    assert an.primary_language("en-GB") == "en"
    assert an.primary_language(" English ") == "en"
    assert an.primary_language("de_AT") == "de"
    cat = _cat(ids=[1, 2], language=["en-US", "de"], hours=[50, 1], brings=[(1, 5, 3), (2, 5, 3)])
    p = an.propose(
        cat,
        levels={},
        gaps=[an.Gap(5, 0, 3)],
        prefs=an.Preferences(languages=frozenset({"English"})),
    )
    assert p.item_ids == [1]
