"""Personal learning path benchmark: the proposal for a person with 30 gaps over 5,000 items.

Builds a synthetic catalogue shaped like a real one: 500 skills in 10 categories; 5,000 active
learning items, each developing 1–3 skills at levels 2–5 (popular skills appear more often),
20 % with prerequisites (half another, older item; half a skill level 1–3; a few both), 40 %
free and the rest 20–2,000 in cost, 0.5–40 hours, 70 % English, 20 % German, 10 % French,
every format; plus a role requiring 30 skills at level 4 or 5 and a person in that role who holds
those skills at 0–2 (30 gaps) and 40 other skills at 1–4, speaks English and German, and has
completed 10 items.

Then, interleaved (every run times each target once, in turn), it reports the median and p95
of:

- **proposal, least time**: ``seedbed.learning.services.paths.build_proposal`` towards the
  person's current role, no budget: the person's levels, the gaps, the whole catalogue (three
  queries), the pre-filter, the exact MILP and the reasons, in process;
- **proposal, least cost within a budget** that cannot close every gap (the second objective
  kicks in: as many gaps as possible, then cost);
- **catalogue load** alone (``load_catalogue``: the three queries and the arrays), and the
  **optimiser** alone (``analysis.propose`` on the loaded arrays: pre-filter, MILP, order);
- a trivial baseline in the same run: one person by primary key through the ORM.

Run:  .venv/bin/python benchmarks/bench_paths.py [--runs 50] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._setup import (  # noqa: E402
    fast_passwords,
    fresh_database,
    percentile,
    start_django,
)


def setup_django(database_url: str | None) -> None:
    start_django("seedbed-bench-", database_url)
    fast_passwords()
    fresh_database()


def build(n_items: int = 5000, n_skills: int = 500, n_gaps: int = 30, seed: int = 11) -> dict:
    from django.utils import timezone

    from seedbed.accounts.models import AccessLevel, User
    from seedbed.frameworks.models import Role, RoleRequirement
    from seedbed.learning.models import (
        Enrolment,
        EnrolmentStatus,
        Format,
        ItemSkill,
        Kind,
        LearningItem,
        Prerequisite,
    )
    from seedbed.people.models import Person
    from seedbed.skills.models import PersonSkill, Skill, SkillCategory, Source
    from seedbed.skills.services import ensure_default_scale

    rng = random.Random(seed)
    ensure_default_scale()
    cats = SkillCategory.objects.bulk_create(
        [SkillCategory(name=f"Category {i}") for i in range(10)]
    )
    skills = Skill.objects.bulk_create(
        [
            Skill(name=f"Skill {i:03d}", category=cats[i % 10], search_text=f"skill {i:03d}")
            for i in range(n_skills)
        ]
    )
    # Popularity: a few skills are taught by many items, most by a handful (Zipf-like).
    weights = [1.0 / (1 + i) ** 0.6 for i in range(n_skills)]
    order = list(range(n_skills))
    rng.shuffle(order)
    kinds = list(Kind.values)
    formats = list(Format.values)
    items = LearningItem.objects.bulk_create(
        [
            LearningItem(
                title=f"Item {i:05d}",
                kind=rng.choice(kinds),
                provider=f"Provider {i % 50}",
                format=rng.choice(formats),
                language=rng.choices(["en", "de", "fr"], weights=[70, 20, 10])[0],
                duration_hours=Decimal(rng.choice([5, 10, 20, 40, 80, 160, 400])) / 10,
                cost=Decimal(0) if rng.random() < 0.4 else Decimal(rng.randrange(20, 2001)),
            )
            for i in range(n_items)
        ],
        batch_size=1000,
    )
    brings = []
    for it in items:
        k = rng.choice([1, 1, 2, 2, 3])
        chosen: set[int] = set()
        while len(chosen) < k:
            chosen.add(order[rng.choices(range(n_skills), weights=weights)[0]])
        brings += [ItemSkill(item=it, skill=skills[s], level=rng.randint(2, 5)) for s in chosen]
    ItemSkill.objects.bulk_create(brings, batch_size=2000)
    prereqs = []
    for n, it in enumerate(items):
        if n == 0 or rng.random() >= 0.2:
            continue
        r = rng.random()
        if r < 0.55:
            prereqs.append(Prerequisite(item=it, requires_item=items[rng.randrange(0, n)]))
        if r >= 0.45:
            prereqs.append(
                Prerequisite(
                    item=it,
                    requires_skill=skills[order[rng.choices(range(n_skills), weights=weights)[0]]],
                    requires_level=rng.randint(1, 3),
                )
            )
    Prerequisite.objects.bulk_create(prereqs, batch_size=2000)

    role = Role.objects.create(name="Target role")
    gap_skills = rng.sample(range(n_skills), n_gaps)
    RoleRequirement.objects.bulk_create(
        [
            RoleRequirement(
                role=role,
                skill=skills[s],
                required_level=rng.choice([4, 5]),
                importance=rng.randint(1, 3),
            )
            for s in gap_skills
        ]
    )
    user = User.objects.create_user("learner@example.com", "x", access_level=AccessLevel.EMPLOYEE)
    person = Person.objects.create(
        full_name="Lena Learner", email=user.email, user=user, role=role, languages="en, de"
    )
    now = timezone.now()
    held = {s: rng.randint(0, 2) for s in gap_skills}
    others = rng.sample([s for s in range(n_skills) if s not in held], 40)
    held |= {s: rng.randint(1, 4) for s in others}
    PersonSkill.objects.bulk_create(
        [
            PersonSkill(
                person=person,
                skill=skills[s],
                level=lvl,
                source=Source.MANAGER,
                assessed_at=now,
                last_evidence_at=now,
            )
            for s, lvl in held.items()
        ]
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(person=person, item=it, status=EnrolmentStatus.COMPLETED, completed_at=now)
            for it in rng.sample(items, 10)
        ]
    )
    return {"user": user, "person": person, "items": len(items), "prereqs": len(prereqs)}


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection

    from seedbed.learning.services import paths as services
    from seedbed.people.models import Person

    t0 = time.perf_counter()
    data = build()
    print(
        f"built {data['items']} items ({data['prereqs']} prerequisites) in "
        f"{time.perf_counter() - t0:.1f} s on {connection.vendor}"
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    user, person = data["user"], data["person"]
    target = services.Target("current_role")

    def by_time() -> services.ProposalResult:
        fresh = Person.objects.select_related("role", "target_role").get(pk=person.pk)
        return services.build_proposal(actor=user, person=fresh, target=target)

    first = by_time()
    cheapest = services.build_proposal(actor=user, person=person, target=target, objective="cost")
    # Six tenths of what the cheapest full plan costs: not every gap fits.
    budget = (cheapest.total_cost * Decimal("0.6")).quantize(Decimal(1))

    def by_cost() -> services.ProposalResult:
        fresh = Person.objects.select_related("role", "target_role").get(pk=person.pk)
        return services.build_proposal(
            actor=user, person=fresh, target=target, objective="cost", budget=budget
        )

    capped = by_cost()
    print(
        f"least time: {len(first.gaps)} gaps, {first.considered} items after the pre-filter, "
        f"{len(first.steps)} chosen, {len(first.uncovered)} uncovered "
        f"({', '.join(sorted({u.reason for u in first.uncovered})) or '-'}), "
        f"{first.total_hours} h, cost {first.total_cost}"
    )
    print(
        f"least cost within {budget}: {capped.considered} items considered, "
        f"{len(capped.steps)} chosen, {len(capped.uncovered)} uncovered, cost {capped.total_cost}"
    )
    from seedbed.learning import analysis as an

    _role, gaps, levels = services.resolve_target(person, target)
    loaded = services.load_catalogue()
    gap_rows = [
        an.Gap(g.skill_id, an.NONE if g.current is None else g.current, g.target) for g in gaps
    ]
    prefs = an.Preferences(languages=services.person_languages(person))
    completed = set(person.enrolments.filter(status="completed").values_list("item_id", flat=True))

    def optimiser() -> an.Proposal:
        return an.propose(loaded, levels=levels, gaps=gap_rows, prefs=prefs, completed=completed)

    solves = optimiser().solves
    print(f"optimiser alone: {solves} MILP solves")
    targets = {
        "trivial: one person by primary key (ORM)": lambda: Person.objects.get(pk=person.pk),
        "catalogue load (3 queries, arrays)": services.load_catalogue,
        "optimiser alone (pre-filter, MILP, order, reasons)": optimiser,
        "proposal, least time, no budget": by_time,
        "proposal, least cost, budget binding": by_cost,
    }
    times: dict[str, list[float]] = {k: [] for k in targets}
    for _run in range(args.runs):
        for name, fn in targets.items():
            times[name].append(timed(fn))
    base = statistics.median(times["trivial: one person by primary key (ORM)"])
    print(f"\n{args.runs} interleaved runs, milliseconds")
    print("| what | median | p95 | median x trivial |\n| --- | ---: | ---: | ---: |")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"| {name} | {med:.1f} | {percentile(values, 0.95):.1f} | {med / base:.0f} |")


if __name__ == "__main__":
    try:
        main()
    finally:
        if os.environ.get("SEEDBED_DATA_DIR", "").startswith(tempfile.gettempdir()):
            from django.db import connections

            connections.close_all()
            shutil.rmtree(os.environ["SEEDBED_DATA_DIR"], ignore_errors=True)
