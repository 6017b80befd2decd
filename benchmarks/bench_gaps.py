"""Gap-analysis benchmark: the engine and the organisation dashboard against one raw query.

Builds a synthetic organisation shaped like a real one: 5,000 people in 100 teams of 50 under
10 departments; 500 skills in 20 categories; 120 roles (12 per department, each requiring 12
skills of its department's pool of 60); every team works with 40 skills of that pool; people
hold their role's skills plus others of their team's pool, about 20 levels each, from two
review cycles of history (self-ratings, most validated by a manager, some re-rated in the
second cycle); 25 critical skills and 15 strategic needs. On PostgreSQL the tables are then
analysed, as autovacuum would on a database in use (SQLite gets no statistics, as in Seedbed).

Then, interleaved (every run times each target once, in turn), it reports medians of:

- **raw fetch**: one ``cursor.execute`` of a single SELECT joining personskill, person and
  rolerequirement that returns the rows the engine needs (level, evidence time and the
  requirement of the person's role for every current level), fetched with ``fetchall``;
- **matrix load**: ``load_org_matrix``, the five queries that read the organisation into
  NumPy arrays (the same rows as the raw fetch, plus people, requirements, needs, critical
  skills);
- **engine**: the analysis calls the organisation dashboard makes (``seedbed.gaps.analysis``:
  coverage, staleness, weighted gaps, bench strength, knowledge at risk, holders, strategic
  needs) on the loaded matrices — the engine of the issue ("an engine in analysis.py computes,
  from matrices"), whose target is under 100 ms;
- **load + engine**: both, as the dashboard pays them;
- **organisation dashboard**: GET /gaps/ as the admin through the Django test client
  (in-process server time, no network), trend card included;
- a trivial page (login, session, middleware, base template; no work): the fixed price of any
  page on this machine, for scale.

Run:  .venv/bin/python benchmarks/bench_gaps.py [--runs 15] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._setup import fast_passwords, fresh_database, serve_pages, start_django  # noqa: E402

# The rows the engine needs for the current matrix: every current level of an active person
# with its evidence time (as a number, like the engine reads it) and the requirement of the
# person's role in that skill, if any. One SELECT joining personskill, person and
# rolerequirement.
EPOCH = {
    "sqlite": "((julianday(ps.last_evidence_at) - 2440587.5) * 86400.0)",
    "postgresql": "CAST(EXTRACT(EPOCH FROM ps.last_evidence_at) AS double precision)",
}
RAW_SQL = """
SELECT ps.person_id, p.team_id, p.role_id, ps.skill_id, ps.level, {epoch},
       rr.required_level, rr.importance
FROM skills_personskill ps
JOIN people_person p ON p.id = ps.person_id
LEFT JOIN frameworks_rolerequirement rr ON rr.role_id = p.role_id AND rr.skill_id = ps.skill_id
WHERE p.is_active
"""


def setup_django(database_url: str | None) -> None:
    start_django("seedbed-bench-gaps-", database_url)  # 70 MB of SQLite per run, removed
    serve_pages()
    fast_passwords()
    fresh_database()


def build(
    n_people: int = 5000,
    n_skills: int = 500,
    n_departments: int = 10,
    teams_per_department: int = 10,
    roles_per_department: int = 12,
    levels_per_person: int = 20,
    seed: int = 11,
) -> dict[str, Any]:
    from datetime import date, timedelta

    from django.utils import timezone

    from seedbed.accounts.models import AccessLevel, User
    from seedbed.frameworks.models import Role, RoleRequirement, StrategicNeed
    from seedbed.people.models import Person, Team
    from seedbed.skills.models import Assertion, Criticality, Skill, SkillCategory
    from seedbed.skills.services import ensure_default_scale, refresh_current_levels

    rng = random.Random(seed)
    ensure_default_scale()
    cats = SkillCategory.objects.bulk_create(
        [SkillCategory(name=f"Category {i}") for i in range(20)]
    )
    critical = set(rng.sample(range(n_skills), 25))
    skills = Skill.objects.bulk_create(
        [
            Skill(
                name=f"Skill {i:03d}",
                category=cats[i % 20],
                search_text=f"skill {i:03d}",
                criticality=Criticality.CRITICAL if i in critical else Criticality.MEDIUM,
            )
            for i in range(n_skills)
        ]
    )
    skill_ids = [s.pk for s in skills]
    departments = Team.objects.bulk_create(
        [Team(name=f"Department {d}") for d in range(n_departments)]
    )
    teams = Team.objects.bulk_create(
        [
            Team(name=f"Team {d}-{t}", parent=departments[d])
            for d in range(n_departments)
            for t in range(teams_per_department)
        ]
    )
    # Each department draws on a pool of 60 skills (pools overlap a little across departments).
    dept_pool = {
        d: rng.sample(skill_ids[d * 45 : d * 45 + 80] or skill_ids, 60)
        for d in range(n_departments)
    }
    roles = Role.objects.bulk_create(
        [
            Role(name=f"Role {d}-{r}")
            for d in range(n_departments)
            for r in range(roles_per_department)
        ]
    )
    role_skills: dict[int, list[int]] = {}
    reqs = []
    for i, role in enumerate(roles):
        chosen = rng.sample(dept_pool[i // roles_per_department], 12)
        role_skills[role.pk] = chosen
        reqs += [
            RoleRequirement(
                role=role,
                skill_id=s,
                required_level=rng.choice((2, 3, 3, 4, 4, 5)),
                importance=rng.choice((1, 2, 2, 3)),
            )
            for s in chosen
        ]
    RoleRequirement.objects.bulk_create(reqs)
    team_size = n_people // len(teams)
    people = []
    for i in range(n_people):
        t = min(i // team_size, len(teams) - 1)
        d = t // teams_per_department
        dept_roles = roles[d * roles_per_department : (d + 1) * roles_per_department]
        people.append(
            Person(
                full_name=f"Person {i:04d}",
                email=f"p{i}@bench.example",
                team=teams[t],
                role=dept_roles[(t * 3 + rng.randrange(4)) % roles_per_department],
            )
        )
    people = Person.objects.bulk_create(people)
    team_managers = {teams[t].pk: people[t * team_size] for t in range(len(teams))}
    for person in people:
        assert person.team_id is not None and person.role_id is not None
        mgr = team_managers[person.team_id]
        if person.pk != mgr.pk:
            person.manager = mgr
    Person.objects.bulk_update(people, ["manager"], batch_size=1000)
    admin_user = User.objects.create_user(
        "admin@bench.example", "x", access_level=AccessLevel.ADMIN
    )
    now = timezone.now()
    team_pool = {
        tm.pk: rng.sample(dept_pool[k // teams_per_department], 40) for k, tm in enumerate(teams)
    }
    assertions = []
    for person in people:
        assert person.team_id is not None and person.role_id is not None
        own = list(
            dict.fromkeys(role_skills[person.role_id] + rng.sample(team_pool[person.team_id], 30))
        )[:levels_per_person]
        for sid in own:
            lvl = rng.randint(1, 5)
            t0 = now - timedelta(days=rng.randint(400, 700))  # first review cycle
            assertions.append(
                Assertion(person=person, skill_id=sid, level=lvl, source="self", created_at=t0)
            )
            if rng.random() < 0.85:
                assertions.append(
                    Assertion(
                        person=person,
                        skill_id=sid,
                        level=max(0, lvl - rng.randint(0, 1)),
                        source="manager",
                        created_at=t0 + timedelta(days=3),
                        rater=admin_user,
                    )
                )
            if rng.random() < 0.4:  # second cycle, about half a year ago
                t1 = now - timedelta(days=rng.randint(60, 200))
                new = min(5, lvl + rng.randint(0, 1))
                assertions.append(
                    Assertion(person=person, skill_id=sid, level=new, source="self", created_at=t1)
                )
                assertions.append(
                    Assertion(
                        person=person,
                        skill_id=sid,
                        level=new,
                        source="manager",
                        created_at=t1 + timedelta(days=2),
                        rater=admin_user,
                    )
                )
    Assertion.objects.bulk_create(assertions, batch_size=5000)
    refresh_current_levels({(a.person_id, a.skill_id) for a in assertions})
    today = date.today()
    StrategicNeed.objects.bulk_create(
        [
            StrategicNeed(
                skill_id=rng.choice(skill_ids),
                level=rng.choice((3, 4, 5)),
                headcount=rng.randint(2, 40),
                due_date=today + timedelta(days=rng.randint(-30, 500)),
                priority=rng.randint(1, 3),
                goal=f"Goal {k}",
            )
            for k in range(15)
        ]
    )
    return {"admin": admin_user, "assertions": len(assertions)}


def engine_figures(m: Any, cutoff: float, needs: tuple[Any, ...]) -> None:
    """The engine (``seedbed.gaps.analysis``) on loaded matrices: every call the organisation
    dashboard makes for its figures for the admin (no names, no page, no database)."""
    import numpy as np

    from seedbed.gaps import analysis as an

    ids, groups = np.unique(m.team_ids, return_inverse=True)
    an.coverage_by_group(m.levels, m.required, groups, len(ids))
    stale = an.stale(m.levels, m.last_evidence, cutoff)
    an.sum_by_group(stale.sum(axis=1), groups, len(ids))
    an.sum_by_group((m.levels >= 0).sum(axis=1), groups, len(ids))
    _weighted, below, required = an.skill_gap_totals(m.levels, m.required, m.weight)
    an.percent(required - below, required)
    an.bench_strength(m.levels, m.active, m.demand)
    an.at_risk(m.levels, m.active, m.matters)
    an.holders(m.levels, m.active)
    an.sole_holder(m.levels, m.active)
    cols = np.searchsorted(m.skill_ids, needs[0])
    an.need_status(m.levels, m.active, cols, needs[1], needs[2])


def load_and_engine(cutoff: float, needs: tuple[Any, ...]) -> None:
    """What the dashboard's figures cost end to end: ``load_org_matrix`` (the five queries
    that read the organisation into arrays), then the engine on them."""
    from seedbed.gaps.selectors import load_org_matrix

    engine_figures(load_org_matrix(), cutoff, needs)


def engine_trend(now: Any, since: Any) -> None:
    """The trend's engine work: the matrix as at the comparison date (``matrix_as_at``: the
    current levels where nothing changed since, the rating history for the rest), and coverage
    by team then."""
    import numpy as np

    from seedbed.gaps import analysis as an
    from seedbed.gaps.selectors import matrix_as_at

    then = matrix_as_at(now, at=since)
    ids, groups = np.unique(then.team_ids, return_inverse=True)
    an.coverage_by_group(then.levels, then.required, groups, len(ids))


def interleaved_medians(targets: dict[str, Any], runs: int) -> dict[str, float]:
    """Median milliseconds of each target, measured round-robin so that load on the machine
    affects every target alike."""
    for fn in targets.values():
        fn()  # warm-up
    samples: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(runs):
        for name, fn in targets.items():
            t0 = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - t0) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection
    from django.test import Client

    from seedbed.people.models import Person
    from seedbed.skills.models import Assertion, PersonSkill

    t0 = time.perf_counter()
    data = build()
    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum gathers them on a database in use (without them
        # PostgreSQL guesses one row per table and nests loops over 250,000 assertions).
        # Seedbed's SQLite database never gets ANALYZE, so neither does the SQLite run.
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print(f"database: {connection.vendor}")
    print(
        f"built: {Person.objects.count()} people, {PersonSkill.objects.count()} current levels, "
        f"{Assertion.objects.count()} assertions in {time.perf_counter() - t0:.1f}s"
    )
    admin = Client()
    admin.force_login(data["admin"])
    raw_rows: list[int] = []

    raw_sql = RAW_SQL.format(epoch=EPOCH[connection.vendor])

    def raw() -> None:
        with connection.cursor() as cur:
            cur.execute(raw_sql)
            raw_rows.append(len(cur.fetchall()))

    def dashboard() -> None:
        response = admin.get("/gaps/")
        assert response.status_code == 200, response.status_code

    def trivial() -> None:
        assert admin.get("/bench/trivial/").status_code == 200

    import numpy as np
    from django.utils import timezone

    from seedbed.frameworks.models import StrategicNeed
    from seedbed.gaps.dashboards import TREND_DAYS
    from seedbed.skills.selectors import stale_cutoff

    cutoff = stale_cutoff().timestamp()
    since = timezone.localdate() - timedelta(days=TREND_DAYS)
    needs = list(
        StrategicNeed.objects.filter(is_active=True).values_list("skill_id", "level", "headcount")
    )
    from seedbed.gaps.selectors import load_org_matrix

    now_matrix = load_org_matrix()
    need_arrays = tuple(np.array(c, dtype=np.int64) for c in zip(*needs, strict=True))

    results = interleaved_medians(
        {
            "raw fetch (one SELECT)": raw,
            "matrix load (5 queries)": load_org_matrix,
            "engine (analysis.py)": lambda: engine_figures(now_matrix, cutoff, need_arrays),
            "load + engine": lambda: load_and_engine(cutoff, need_arrays),
            "engine: trend (matrix then)": lambda: engine_trend(now_matrix, since),
            "organisation dashboard": dashboard,
            "trivial page": trivial,
        },
        args.runs,
    )
    base = results["raw fetch (one SELECT)"]
    print(f"raw query rows: {raw_rows[-1]}")
    print(f"\nmedian of {args.runs} interleaved runs (in-process)")
    print(f"{'what':30} {'median ms':>10} {'x raw fetch':>12}")
    for name, ms in results.items():
        print(f"{name:30} {ms:10.1f} {ms / base:12.2f}")
    engine_ok = results["engine (analysis.py)"] < 100
    dash_ok = results["organisation dashboard"] <= 3 * base
    print(f"\nengine under 100 ms: {'yes' if engine_ok else 'NO'}")
    print(f"dashboard at most 3x the raw fetch: {'yes' if dash_ok else 'NO'}")


if __name__ == "__main__":
    main()
