"""The gap engine: property tests on the pure maths, and loaders against the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from seedbed.gaps import analysis as an
from seedbed.gaps.selectors import load_org_matrix, needs_status, person_readiness
from seedbed.skills.rules import TIERS, Evidence, current_level

# --- strategies -----------------------------------------------------------------------------

dims = st.tuples(st.integers(1, 8), st.integers(1, 8))


@st.composite
def org_arrays(draw):  # type: ignore[no-untyped-def]
    p, s = draw(dims)
    levels = draw(arrays(np.int16, (p, s), elements=st.integers(-1, 5)))
    required = draw(arrays(np.int16, (p, s), elements=st.integers(-1, 5)))
    weight = np.where(required >= 0, draw(arrays(np.int16, (p, s), elements=st.integers(1, 3))), 0)
    active = draw(arrays(np.bool_, (p,)))
    return levels, required, weight.astype(np.int16), active


@given(org_arrays())
def test_coverage_is_a_percentage(o):
    levels, required, _w, _a = o
    cov = an.coverage(levels, required)
    assert cov is None or 0.0 <= cov <= 100.0
    assert (cov is None) == (not (required >= 0).any())


@given(org_arrays(), st.data())
def test_rating_at_or_above_requirement_never_increases_a_gap(o, data):
    levels, required, weight, _a = o
    p = data.draw(st.integers(0, levels.shape[0] - 1))
    s = data.draw(st.integers(0, levels.shape[1] - 1))
    new = levels.copy()
    new[p, s] = data.draw(st.integers(max(int(required[p, s]), 0), 5))
    before, after = an.gaps(levels, required), an.gaps(new, required)
    assert after[p, s] == 0
    assert (
        np.delete(after.ravel(), p * levels.shape[1] + s)
        == np.delete(before.ravel(), p * levels.shape[1] + s)
    ).all()
    assert after.sum() <= before.sum()
    sb = an.weighted_gap_scores(levels, required, weight)
    sa = an.weighted_gap_scores(new, required, weight)
    assert np.all((sa <= sb + 1e-9) | np.isnan(sb))


@given(org_arrays())
def test_readiness_and_gap_score_are_complementary_bounds(o):
    levels, required, weight, _a = o
    r = an.readiness(levels, required, weight)
    g = an.weighted_gap_scores(levels, required, weight)
    has = (required >= 0).any(axis=1)
    assert np.all(np.isnan(r) == ~has)
    assert np.all((r[has] >= 0) & (r[has] <= 100 + 1e-9))
    assert np.all((g[has & ~np.isnan(g)] >= 0) & (g[has & ~np.isnan(g)] <= 100 + 1e-9))


@given(org_arrays(), st.data())
def test_removing_the_only_holder_makes_a_skill_at_risk(o, data):
    levels, _r, _w, active = o
    s = data.draw(st.integers(0, levels.shape[1] - 1))
    matters = np.ones(levels.shape[1], dtype=bool)
    holders = np.flatnonzero((levels[:, s] >= an.PROFICIENT) & active)
    assume(len(holders) >= 1)
    # Leave exactly one holder, then remove them too: the skill is at risk both times.
    keep = holders[0]
    act = active.copy()
    act[holders[1:]] = False
    assert an.at_risk(levels, act, matters)[s]
    act[keep] = False
    assert an.at_risk(levels, act, matters)[s]
    assert an.holders(levels, act)[s] == 0


@given(org_arrays())
def test_departure_of_a_sole_holder_loses_coverage(o):
    levels, required, _w, active = o
    demand = np.where(active[:, None], required, -1).max(axis=0)
    dep = an.departure_impacts(levels, active, demand)
    if dep.coverage_now is None:
        return
    for p in range(levels.shape[0]):
        act = active.copy()
        act[p] = False
        reaches = (an.held(levels) >= demand) & act[:, None] & (demand >= 0)
        covered = ((reaches.sum(axis=0) > 0) & (demand >= 0)).sum()
        assert dep.coverage_without[p] == pytest.approx(100.0 * covered / (demand >= 0).sum())


_T0 = datetime(2025, 1, 1, tzinfo=UTC)
history = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.integers(0, 2),
        st.integers(0, 5),
        st.sampled_from(sorted(TIERS)),
        st.integers(0, 100),
    ),
    min_size=1,
    max_size=25,
)


@given(history, st.integers(0, 100))
def test_levels_at_matches_the_rule_and_ignores_later_assertions(items, cut):
    shape = (3, 3)
    arrays_ = [np.array(x) for x in zip(*items, strict=True)]
    p, s, lv, src, days = arrays_
    tier = np.array([TIERS[x] for x in src])
    t = np.array([(_T0 + timedelta(days=int(d))).timestamp() for d in days])
    seq = np.arange(len(items))
    when = (_T0 + timedelta(days=cut)).timestamp()
    got, last = an.levels_at(p, s, lv, tier, t, seq, when, shape)
    for i in range(3):
        for j in range(3):
            evs = [
                Evidence(int(k), int(lv[k]), str(src[k]), _T0 + timedelta(days=int(days[k])))
                for k in range(len(items))
                if p[k] == i and s[k] == j and t[k] <= when
            ]
            cur = current_level(evs)
            assert got[i, j] == (cur.level if cur else an.NONE)
            if cur:
                assert last[i, j] == pytest.approx(cur.last_at.timestamp())
    # Adding assertions after the cut changes nothing at the cut.
    later = len(items)
    p2, s2 = np.append(p, 0), np.append(s, 0)
    got2, _ = an.levels_at(
        p2,
        s2,
        np.append(lv, 5),
        np.append(tier, 3),
        np.append(t, when + 86400),
        np.append(seq, later),
        when,
        shape,
    )
    assert (got2 == got).all()


@settings(max_examples=50)
@given(
    org_arrays(),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 5), st.integers(0, 9)), max_size=5),
)
def test_need_status_counts(o, needs):
    levels, _r, _w, active = o
    cols = np.array([min(c, levels.shape[1] - 1) for c, _l, _h in needs], dtype=np.int64)
    lvl = np.array([level for _c, level, _h in needs], dtype=np.int64)
    head = np.array([h for _c, _l, h in needs], dtype=np.int64)
    have, close, short = an.need_status(levels, active, cols, lvl, head)
    for k in range(len(needs)):
        column = an.held(levels)[:, cols[k]]
        assert have[k] == ((column >= lvl[k]) & active).sum()
        assert short[k] == max(head[k] - have[k], 0)
        assert close[k] == ((column == lvl[k] - 1) & active & (lvl[k] > 0)).sum()


# --- loaders ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_org_matrix_now_and_in_the_past(org):
    from django.utils import timezone

    from seedbed.skills.models import Assertion, Skill, Source
    from seedbed.skills.services import record_assertion

    python = Skill.objects.get(name="Python")
    record_assertion(
        actor=org.employee.user, person=org.employee, skill=python, level=2, source=Source.SELF
    )
    Assertion.objects.update(created_at=timezone.now() - timedelta(days=30))
    cut = timezone.now() - timedelta(days=10)
    record_assertion(
        actor=org.employee.user, person=org.employee, skill=python, level=4, source=Source.SELF
    )
    now = load_org_matrix()
    past = load_org_matrix(at=cut)
    i = int(np.flatnonzero(now.person_ids == org.employee.pk)[0])
    j = now.col(python.pk)
    assert now.levels[i, j] == 4
    assert (
        past.levels[int(np.flatnonzero(past.person_ids == org.employee.pk)[0]), past.col(python.pk)]
        == 2
    )
    assert now.required[i, j] == 3 and now.weight[i, j] == 2
    assert now.demand[j] == 3


@pytest.mark.django_db
def test_person_readiness_lists_missing_skills(org):
    from seedbed.skills.models import Skill, Source
    from seedbed.skills.services import record_assertion

    python = Skill.objects.get(name="Python")  # required 3, importance 2
    record_assertion(
        actor=org.employee.user, person=org.employee, skill=python, level=3, source=Source.SELF
    )
    r = person_readiness(org.employee, org.employee.role)
    # Python fully met (weight 2), Kubernetes (required 2) not rated: 2·1 / (2 + 2) = 50 %.
    assert r.percent == 50.0 and (r.met, r.total) == (1, 2)
    assert [m["skill_name"] for m in r.missing] == ["Kubernetes"]


@pytest.mark.django_db
def test_needs_status(org):
    from datetime import date

    from seedbed.frameworks.models import StrategicNeed
    from seedbed.skills.models import Skill, Source
    from seedbed.skills.services import record_assertion

    k8s = Skill.objects.get(name="Kubernetes")
    for who, lvl in (("employee", 4), ("report2", 3)):
        person = getattr(org, who)
        record_assertion(actor=person.user, person=person, skill=k8s, level=lvl, source=Source.SELF)
    StrategicNeed.objects.create(skill=k8s, level=4, headcount=3, due_date=date(2027, 6, 30))
    [status] = needs_status()
    assert (status.have, status.close, status.shortfall) == (1, 1, 2)


# --- dashboard helpers (seedbed.gaps.dashboards) ---------------------------------------------


@given(org_arrays(), st.data())
def test_stale_levels_are_rated_and_grow_with_the_cutoff(o, data):
    levels, _r, _w, _a = o
    times = data.draw(
        arrays(np.float64, levels.shape, elements=st.one_of(st.just(np.nan), st.floats(0, 100)))
    )
    c1, c2 = sorted(data.draw(st.tuples(st.floats(0, 100), st.floats(0, 100))))
    s1, s2 = an.stale(levels, times, c1), an.stale(levels, times, c2)
    assert not (s2 & (levels < 0)).any()  # only cells with a level can be stale
    assert not (s1 & ~s2).any()  # a later cutoff never makes a level fresh
    assert ((levels >= 0) & np.isnan(times) <= s1).all()  # unknown evidence time: stale


@given(org_arrays(), st.data())
def test_sums_by_group_add_up_to_the_grouped_people(o, data):
    levels, required, _w, _a = o
    p = levels.shape[0]
    groups = data.draw(arrays(np.int64, (p,), elements=st.integers(-1, 3)))
    values = an.met(levels, required).sum(axis=1)
    sums = an.sum_by_group(values, groups, 4)
    assert len(sums) == 4
    assert sums.sum() == values[groups >= 0].sum()
    met_n, _req_n = an.coverage_by_group(levels, required, groups, 4)
    assert (sums == met_n).all()


@given(org_arrays(), st.data())
def test_skill_coverage_adds_up_and_never_drops_when_a_rating_rises(o, data):
    levels, required, _w, _a = o
    met_n, req_n = an.skill_coverage(levels, required)
    assert (met_n <= req_n).all() and (met_n >= 0).all()
    total = int(req_n.sum())
    cov = an.coverage(levels, required)
    assert cov is None if total == 0 else cov == pytest.approx(100.0 * met_n.sum() / total)
    pct = an.percent(met_n, req_n)
    assert np.all(np.isnan(pct) == (req_n == 0))
    assert np.all((pct[req_n > 0] >= 0) & (pct[req_n > 0] <= 100))
    p = data.draw(st.integers(0, levels.shape[0] - 1))
    s = data.draw(st.integers(0, levels.shape[1] - 1))
    higher = levels.copy()
    higher[p, s] = data.draw(st.integers(max(int(levels[p, s]), 0), 5))
    assert (an.skill_coverage(higher, required)[0] >= met_n).all()


@given(org_arrays())
def test_mean_levels_lie_within_the_levels_held(o):
    levels, _r, _w, active = o
    means = an.mean_levels(levels, active)
    has = (levels >= 0) & active[:, None]
    assert np.all(np.isnan(means) == ~has.any(axis=0))
    for j in np.flatnonzero(has.any(axis=0)):
        held_j = levels[has[:, j], j]
        assert held_j.min() - 1e-9 <= means[j] <= held_j.max() + 1e-9


@given(org_arrays())
def test_sole_holder_is_the_one_active_holder(o):
    levels, _r, _w, active = o
    sole = an.sole_holder(levels, active)
    count = an.holders(levels, active)
    assert np.all((sole >= 0) == (count == 1))
    for j in np.flatnonzero(sole >= 0):
        assert levels[sole[j], j] >= an.PROFICIENT and active[sole[j]]


def _aligned(m, skill_ids):  # type: ignore[no-untyped-def]
    """Levels, evidence times, requirements and weights of ``m`` on the columns ``skill_ids``
    (absent columns: no level, no requirement)."""
    shape = (len(m.person_ids), len(skill_ids))
    out = [np.full(shape, an.NONE), np.full(shape, np.nan), np.full(shape, an.NONE)]
    out.append(np.zeros(shape))
    for j, sid in enumerate(skill_ids):
        c = m.col(int(sid))
        if c >= 0:
            for arr, src in zip(
                out, (m.levels, m.last_evidence, m.required, m.weight), strict=True
            ):
                arr[:, j] = src[:, c]
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(6))
def test_matrix_as_at_equals_the_full_history_replay(seed):
    """``matrix_as_at`` (current levels where nothing changed since, history for the rest)
    gives the same matrix as replaying the whole history, on random organisations with people
    who joined later, left before or after the day, and a level of unknown evidence time."""
    import random

    from django.utils import timezone

    from seedbed.gaps.selectors import matrix_as_at
    from seedbed.people.models import Person
    from seedbed.skills.models import PersonSkill
    from seedbed.skills.services import NewAssertion, record_assertions_bulk
    from tests.builders import make_person, make_role, make_skill, make_team, require

    rng = random.Random(seed)
    now = timezone.now()
    day = timezone.localdate() - timedelta(days=100)
    skills = [make_skill() for _ in range(6)]
    roles = [make_role() for _ in range(2)]
    for role in roles:
        for skill in rng.sample(skills, 3):
            require(role, skill, rng.randint(1, 4), importance=rng.randint(1, 3))
    teams = [make_team() for _ in range(3)]
    people = [
        make_person(team=rng.choice(teams), role=rng.choice([*roles, None])) for _ in range(12)
    ]
    rows = [
        NewAssertion(
            p.pk,
            s.pk,
            rng.randint(0, 5),
            rng.choice(sorted(TIERS)),
            at=now - timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 999)),
        )
        for p in people
        for s in rng.sample(skills, rng.randint(0, 4))
        for _k in range(rng.randint(1, 3))
    ]
    record_assertions_bulk(actor=None, rows=rows, summary="random history")
    joined, left_before, left_after = people[0], people[1], people[2]
    Person.objects.filter(pk=joined.pk).update(start_date=day + timedelta(days=5))
    Person.objects.filter(pk=left_before.pk).update(is_active=False, left_on=day - timedelta(3))
    Person.objects.filter(pk=left_after.pk).update(is_active=False, left_on=day + timedelta(3))
    unknown = PersonSkill.objects.order_by("?").first()
    if unknown is not None:
        PersonSkill.objects.filter(pk=unknown.pk).update(last_evidence_at=None)
    full = load_org_matrix(at=day)
    fast = matrix_as_at(load_org_matrix(), at=day)
    assert (fast.person_ids == full.person_ids).all()
    assert (fast.team_ids == full.team_ids).all() and (fast.role_ids == full.role_ids).all()
    columns = np.union1d(full.skill_ids, fast.skill_ids)
    for a, b in zip(_aligned(full, columns), _aligned(fast, columns), strict=True):
        assert np.allclose(a, b, equal_nan=True, atol=1e-3)
    common = np.intersect1d(full.skill_ids, fast.skill_ids)
    for sid in common:
        assert full.demand[full.col(int(sid))] == fast.demand[fast.col(int(sid))]
        assert full.critical[full.col(int(sid))] == fast.critical[fast.col(int(sid))]
