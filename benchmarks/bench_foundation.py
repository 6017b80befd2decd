"""Foundation benchmark: matrix, holders page, assertions API and a 10,000-row people import.

Builds a synthetic organisation (2,000 people in 40 teams of 50, 500 skills, 40 roles with 10
requirements each, about 40,000 current levels from about 80,000 assertions), then reports the
median in-process server time (Django test client, no network) of:

- a trivial page (benchmarks/baseline_urls.py: login, session, middleware and the base template,
  no work of its own) — the baseline, measured in the same run; /health is shown too;
- the team matrix of a manager with 50 people;
- a skill's holders page;
- the assertions list endpoint (/api/v1/assertions, first page);
and the wall time of validating + committing a 10,000-row people CSV.

Run:  .venv/bin/python benchmarks/bench_foundation.py [--runs 30] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._setup import fast_passwords, fresh_database, serve_pages, start_django  # noqa: E402


def setup_django(database_url: str | None) -> None:
    start_django("seedbed-bench-", database_url)
    serve_pages()
    fast_passwords()
    fresh_database()


def build(
    n_people: int = 2000,
    n_skills: int = 500,
    team_size: int = 50,
    n_roles: int = 40,
    levels_per_person: int = 20,
    seed: int = 7,
) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from seedbed.accounts.models import AccessLevel, User
    from seedbed.frameworks.models import Role, RoleRequirement
    from seedbed.people.models import Person, Team
    from seedbed.skills.models import Assertion, Skill, SkillCategory
    from seedbed.skills.services import ensure_default_scale, refresh_current_levels

    rng = random.Random(seed)
    ensure_default_scale()
    cats = SkillCategory.objects.bulk_create(
        [SkillCategory(name=f"Category {i}") for i in range(10)]
    )
    skills = Skill.objects.bulk_create(
        [
            Skill(
                name=f"Skill {i:03d}",
                category=cats[i % 10],
                aliases=[f"s{i}"],
                search_text=f"skill {i:03d}\ns{i}",
            )
            for i in range(n_skills)
        ]
    )
    roles = Role.objects.bulk_create([Role(name=f"Role {i}") for i in range(n_roles)])
    skill_ids = [s.pk for s in skills]
    reqs = []
    role_skills: dict[int, list[int]] = {}
    for role in roles:
        chosen = rng.sample(skills, 10)
        role_skills[role.pk] = [s.pk for s in chosen]
        reqs += [
            RoleRequirement(role=role, skill=s, required_level=rng.randint(2, 4)) for s in chosen
        ]
    RoleRequirement.objects.bulk_create(reqs)
    teams = Team.objects.bulk_create([Team(name=f"Team {i}") for i in range(n_people // team_size)])
    people = Person.objects.bulk_create(
        [
            Person(
                full_name=f"Person {i:04d}",
                email=f"p{i}@bench.example",
                team=teams[i // team_size],
                role=roles[((i // team_size) * 3 + rng.randrange(4)) % n_roles],
            )
            for i in range(n_people)
        ]
    )
    managers = [people[t * team_size] for t in range(len(teams))]
    for i, person in enumerate(people):
        mgr = managers[i // team_size]
        if person.pk != mgr.pk:
            person.manager = mgr
    Person.objects.bulk_update(people, ["manager"], batch_size=1000)
    manager_user = User.objects.create_user(
        "manager@bench.example", "x", access_level=AccessLevel.MANAGER
    )
    Person.objects.filter(pk=managers[0].pk).update(user=manager_user)
    admin_user = User.objects.create_user(
        "admin@bench.example", "x", access_level=AccessLevel.ADMIN
    )
    now = timezone.now()
    assertions = []
    # Realistic spread: a team works with a pool of about 40 skills; people hold their role's
    # skills plus others from their team's pool (not 20 random skills out of 500).
    team_pool = {t.pk: rng.sample(skill_ids, 40) for t in teams}
    for person in people:
        own = list(
            dict.fromkeys(role_skills[person.role_id] + rng.sample(team_pool[person.team_id], 30))
        )
        for sid in own[:levels_per_person]:
            lvl = rng.randint(1, 5)
            t = now - timedelta(days=rng.randint(30, 700))
            assertions.append(
                Assertion(person=person, skill_id=sid, level=lvl, source="self", created_at=t)
            )
            if rng.random() < 0.85:
                assertions.append(
                    Assertion(
                        person=person,
                        skill_id=sid,
                        level=max(0, lvl - rng.randint(0, 1)),
                        source="manager",
                        created_at=t + timedelta(days=3),
                        rater=manager_user,
                    )
                )
    Assertion.objects.bulk_create(assertions, batch_size=5000)
    t0 = time.perf_counter()
    refresh_current_levels({(a.person_id, a.skill_id) for a in assertions})
    refresh_s = time.perf_counter() - t0
    return {
        "manager": manager_user,
        "admin": admin_user,
        "skill": skills[0],
        "assertions": len(assertions),
        "refresh_s": refresh_s,
    }


def interleaved_medians(targets: dict, runs: int) -> dict[str, float]:
    """Median milliseconds of each target, measured round-robin (every run times each target
    once, in turn) so that load on the machine affects baseline and targets alike."""
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
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection
    from django.test import Client

    from seedbed.accounts.services import create_token
    from seedbed.people.models import Person
    from seedbed.skills.models import Assertion, PersonSkill

    t0 = time.perf_counter()
    data = build()
    print(f"database: {connection.vendor}")
    print(
        f"built: {Person.objects.count()} people, {PersonSkill.objects.count()} current levels, "
        f"{Assertion.objects.count()} assertions in {time.perf_counter() - t0:.1f}s "
        f"(refresh of all current levels: {data['refresh_s']:.2f}s)"
    )

    manager = Client()
    manager.force_login(data["manager"])
    admin = Client()
    admin.force_login(data["admin"])
    _token, raw = create_token(user=data["admin"], name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(client: Client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    results = interleaved_medians(
        {
            "trivial page (baseline)": lambda: get(manager, "/bench/trivial/"),
            "health endpoint": lambda: get(manager, "/health"),
            "team matrix (50 people)": lambda: get(manager, "/people/matrix/"),
            "skill holders page": lambda: get(admin, f"/skills/{data['skill'].pk}/"),
            "assertions list endpoint": lambda: get(api, "/api/v1/assertions?limit=50"),
        },
        args.runs,
    )
    base = results["trivial page (baseline)"]
    print(f"\nmedian of {args.runs} runs (in-process server time)")
    print(f"{'what':32} {'median ms':>10} {'x trivial':>10}")
    for name, ms in results.items():
        print(f"{name:32} {ms:10.2f} {ms / base:10.1f}")

    if not args.skip_import:
        from seedbed.imports.benchmark import time_people_import

        seconds, rows = time_people_import(10_000, data["admin"])
        print(f"\nimport of a {rows}-row people CSV (validate + commit): {seconds:.1f}s")


if __name__ == "__main__":
    main()
