"""Mentoring matching benchmark: 1,000 mentees and 300 mentors with capacities 1–4, matched.

Builds a synthetic organisation shaped like a real one: 2,400 people in 48 teams of 50 under 8
departments (a CEO, 8 department heads, a lead per team, so reporting lines are 3–4 deep);
300 skills in 10 categories (15 critical); 64 roles (8 per department, each requiring 10
skills of its department's pool of 60, levels 2–5, importance 1–3); people hold their role's
skills around the required level plus 8 others of the pool (about 18 levels each); 40 % are
aiming for a target role. Languages: everyone English but 10 %, 45 % German, 12 % French, 5 %
Spanish; time zones: 55 % Berlin, 15 % London, 12 % New York, 10 % Kolkata, 5 % Tokyo,
3 % São Paulo. Start dates over 15 years.

One programme (shared language required, default weights, crossing teams preferred): 300
mentors drawn from the more senior half (capacity 1–4, offering 2–4 skills they hold at 4 or
5), 1,000 mentees (wanting 1–3 skills, 60 % with a goal text naming one or two skills), 3 % of
participants excluding someone, and 60 pairs from earlier runs: 40 active, 20 locked
proposals, 30 declined.

Then, interleaved (every run times each target once, in turn), it reports the median and p95
of:

- **propose, quality** and **propose, coverage**: ``seedbed.mentoring.matching.propose`` in
  process: the ten queries, the score matrices, the exact assignment, the reasons of every
  pair and the reason of every unmatched person;
- **load** alone (the queries and arrays), **score matrices** alone (factors, hard rules),
  **solve** alone (``analysis.solve``, the exact assignment), **greedy** alone
  (``analysis.greedy``: the best remaining allowed pair first, same hard rules);
- a trivial baseline in the same run: one person by primary key through the ORM.

And, on the same score matrix, the greedy matcher's total score as a ratio of the optimum, also
with a minimum pair score of 0.5 (where allowed pairs are scarce).

Run:  .venv/bin/python benchmarks/bench_mentoring.py [--runs 15] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
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

ZONES = [
    ("Europe/Berlin", 55),
    ("Europe/London", 15),
    ("America/New_York", 12),
    ("Asia/Kolkata", 10),
    ("Asia/Tokyo", 5),
    ("America/Sao_Paulo", 3),
]
WORDS = "I would like to get much better at {a} and understand {b} well enough to lead it"


def setup_django(database_url: str | None) -> None:
    start_django("seedbed-bench-mentoring-", database_url)
    fast_passwords()
    fresh_database()


def build(
    n_departments: int = 8,
    teams_per_department: int = 6,
    team_size: int = 50,
    n_skills: int = 300,
    n_mentors: int = 300,
    n_mentees: int = 1000,
    seed: int = 7,
) -> dict[str, Any]:
    from django.utils import timezone

    from seedbed.frameworks.models import Role, RoleRequirement
    from seedbed.mentoring.models import Pair, PairState, Participant, Programme
    from seedbed.people.models import Person, Team
    from seedbed.skills.models import Criticality, PersonSkill, Skill, SkillCategory, Source
    from seedbed.skills.services import ensure_default_scale

    rng = random.Random(seed)
    ensure_default_scale()
    cats = SkillCategory.objects.bulk_create([SkillCategory(name=f"Area {i}") for i in range(10)])
    critical = set(rng.sample(range(n_skills), 15))
    # Names that read like skills, so goal texts can name them ("Skill 042" would too).
    skills = Skill.objects.bulk_create(
        [
            Skill(
                name=f"Tech{i:03d}",
                category=cats[i % 10],
                aliases=[f"t{i:03d}x"],
                search_text=f"tech{i:03d}",
                criticality=Criticality.CRITICAL if i in critical else Criticality.MEDIUM,
            )
            for i in range(n_skills)
        ]
    )
    depts = Team.objects.bulk_create([Team(name=f"Dept {d}") for d in range(n_departments)])
    teams = Team.objects.bulk_create(
        [
            Team(name=f"Team {d}-{t}", parent=depts[d])
            for d in range(n_departments)
            for t in range(teams_per_department)
        ]
    )
    pool = {d: rng.sample(range(n_skills), 60) for d in range(n_departments)}
    roles = Role.objects.bulk_create(
        [Role(name=f"Role {d}-{r}") for d in range(n_departments) for r in range(8)]
    )
    role_req: dict[int, dict[int, int]] = {}
    reqs = []
    for k, role in enumerate(roles):
        chosen = rng.sample(pool[k // 8], 10)
        role_req[k] = {s: rng.choice((2, 3, 3, 4, 4, 5)) for s in chosen}
        reqs += [
            RoleRequirement(
                role=role,
                skill=skills[s],
                required_level=lvl,
                importance=rng.choice((1, 2, 2, 3)),
            )
            for s, lvl in role_req[k].items()
        ]
    RoleRequirement.objects.bulk_create(reqs)

    def languages() -> str:
        langs = [] if rng.random() < 0.1 else ["en"]
        for code, share in (("de", 0.45), ("fr", 0.12), ("es", 0.05)):
            if rng.random() < share:
                langs.append(code)
        return ", ".join(langs or ["de"])

    zones = [z for z, _w in ZONES]
    zone_w = [w for _z, w in ZONES]
    today = date.today()
    specs: list[dict[str, Any]] = []  # person specs: dept, team, role index, manager spec index
    specs.append({"dept": 0, "team": None, "role": 0, "mgr": None, "depth": 0})  # the CEO
    heads = []
    for d in range(n_departments):
        heads.append(len(specs))
        specs.append({"dept": d, "team": None, "role": d * 8, "mgr": 0, "depth": 1})
    for t, team in enumerate(teams):
        d = t // teams_per_department
        lead = len(specs)
        specs.append({"dept": d, "team": team, "role": d * 8 + 1, "mgr": heads[d], "depth": 2})
        for _m in range(team_size - 1):
            specs.append(
                {
                    "dept": d,
                    "team": team,
                    "role": d * 8 + rng.randrange(8),
                    "mgr": lead,
                    "depth": 3,
                }
            )
    people = Person.objects.bulk_create(
        [
            Person(
                full_name=f"Person {i:04d}",
                email=f"p{i}@bench.example",
                team=s["team"],
                role=roles[s["role"]],
                target_role=roles[s["dept"] * 8 + rng.randrange(8)] if rng.random() < 0.4 else None,
                languages=languages(),
                timezone=rng.choices(zones, weights=zone_w)[0],
                start_date=today - timedelta(days=rng.randrange(30, 15 * 365)),
            )
            for i, s in enumerate(specs)
        ],
        batch_size=1000,
    )
    for person, s in zip(people, specs, strict=True):
        person.manager = people[s["mgr"]] if s["mgr"] is not None else None
    Person.objects.bulk_update(people, ["manager"], batch_size=1000)
    now = timezone.now()
    levels = []
    held: dict[int, dict[int, int]] = {}
    for i, s in enumerate(specs):
        mine: dict[int, int] = {}
        senior = 3 - s["depth"]  # leads and heads a little ahead
        for sk, lvl in role_req[s["role"]].items():
            mine[sk] = max(0, min(5, lvl + rng.choice((-2, -1, -1, 0, 0, 1)) + (senior > 0)))
        for sk in rng.sample(pool[s["dept"]], 8):
            mine.setdefault(sk, rng.randint(1, 5))
        held[i] = {sk: lv for sk, lv in mine.items() if lv > 0}
        levels += [
            PersonSkill(
                person=people[i],
                skill=skills[sk],
                level=lv,
                source=Source.MANAGER,
                assessed_at=now,
                last_evidence_at=now,
            )
            for sk, lv in held[i].items()
        ]
    PersonSkill.objects.bulk_create(levels, batch_size=2000)

    prog = Programme.objects.create(
        name="Grow together",
        state="open",
        require_shared_language=True,
        team_preference="cross",
    )
    by_depth = sorted(range(len(specs)), key=lambda i: (specs[i]["depth"], rng.random()))
    # Mentors from the more senior half, mentees from the rest (and a few seniors).
    mentor_idx = rng.sample(by_depth[: len(by_depth) // 2], n_mentors)
    rest = [i for i in range(len(specs)) if i not in set(mentor_idx)]
    mentee_idx = rng.sample(rest, n_mentees)
    parts = []
    for i in mentor_idx:
        parts.append(
            Participant(programme=prog, person=people[i], role="mentor", capacity=rng.randint(1, 4))
        )
    for i in mentee_idx:
        goals = ""
        if rng.random() < 0.6:
            a, b = rng.sample(pool[specs[i]["dept"]], 2)
            goals = WORDS.format(a=skills[a].name, b=skills[b].name.lower())
        parts.append(Participant(programme=prog, person=people[i], role="mentee", goals=goals))
    parts = Participant.objects.bulk_create(parts)
    wants, offers, excluded = [], [], []
    Wants = Participant.wants_skills.through
    Offers = Participant.offers_skills.through
    Excl = Participant.excluded.through
    for part, i in zip(parts, [*mentor_idx, *mentee_idx], strict=True):
        if part.role == "mentor":
            strong = [sk for sk, lv in held[i].items() if lv >= 4] or list(held[i])
            for sk in rng.sample(strong, min(len(strong), rng.randint(2, 4))):
                offers.append(Offers(participant_id=part.pk, skill_id=skills[sk].pk))
        else:
            for sk in rng.sample(pool[specs[i]["dept"]], rng.randint(1, 3)):
                wants.append(Wants(participant_id=part.pk, skill_id=skills[sk].pk))
        if rng.random() < 0.03:
            other = rng.choice(mentor_idx if part.role == "mentee" else mentee_idx)
            excluded.append(Excl(participant_id=part.pk, person_id=people[other].pk))
    Wants.objects.bulk_create(wants, batch_size=2000)
    Offers.objects.bulk_create(offers, batch_size=2000)
    Excl.objects.bulk_create(excluded, batch_size=2000)
    earlier = []
    shuffled = rng.sample(mentee_idx, 90)
    for n, i in enumerate(shuffled):
        mentor = people[rng.choice(mentor_idx)]
        if n < 40:
            state, locked = PairState.ACTIVE, False
        elif n < 60:
            state, locked = PairState.PROPOSED, True
        else:
            state, locked = PairState.DECLINED, False
        if mentor.pk != people[i].pk:
            earlier.append(
                Pair(programme=prog, mentor=mentor, mentee=people[i], state=state, locked=locked)
            )
    Pair.objects.bulk_create(earlier)
    return {
        "programme": prog,
        "people": len(people),
        "levels": len(levels),
        "slots": sum(p.capacity for p in parts if p.role == "mentor"),
        "person": people[0],
    }


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection

    from seedbed.mentoring import analysis as an
    from seedbed.mentoring import matching
    from seedbed.mentoring.models import Programme
    from seedbed.people.models import Person

    t0 = time.perf_counter()
    data = build()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"built {data['people']} people, {data['levels']} levels, 1,300 participants "
        f"({data['slots']} mentor places) in {time.perf_counter() - t0:.1f} s on {connection.vendor}"
    )
    prog_id = data["programme"].pk

    def fresh() -> Programme:
        return Programme.objects.get(pk=prog_id)

    loaded = matching.load(fresh())
    model = matching.score_model(loaded)
    kept = loaded.kept_cells()
    best = an.solve(model.score, model.allowed, loaded.capacity, kept=kept)
    cover = an.solve(model.score, model.allowed, loaded.capacity, objective="coverage", kept=kept)
    greedy = an.greedy(model.score, model.allowed, loaded.capacity, kept=kept)
    quality = matching.propose(fresh())
    codes: dict[str, int] = {}
    for u in quality.unmatched:
        key = f"{u.side}:{u.reason['code']}"
        codes[key] = codes.get(key, 0) + 1
    m, n = model.score.shape
    print(
        f"{m} mentees x {n} mentors, {int(model.allowed.sum())} allowed pairs "
        f"({100 * model.allowed.mean():.0f} %), {len(kept)} kept pairs"
    )
    print(
        f"quality:  {best.count} pairs, total {best.total:.2f}, mean {best.total / max(best.count, 1):.3f}"
    )
    print(
        f"coverage: {cover.count} pairs, total {cover.total:.2f}, mean {cover.total / max(cover.count, 1):.3f}"
    )
    print(
        f"greedy:   {greedy.count} pairs, total {greedy.total:.2f} = "
        f"{greedy.total / best.total:.4f} of the optimum"
    )
    print("unmatched:", ", ".join(f"{k} {v}" for k, v in sorted(codes.items())))
    # The same data with a minimum pair score of 0.5 (about 5,000 allowed pairs instead of
    # 268,000): where choices are scarce, the objectives (and greedy) part ways.
    strict = model.allowed & (model.score >= 0.5)
    for name, res in (
        ("quality", an.solve(model.score, strict, loaded.capacity, kept=kept)),
        (
            "coverage",
            an.solve(model.score, strict, loaded.capacity, objective="coverage", kept=kept),
        ),
        ("greedy", an.greedy(model.score, strict, loaded.capacity, kept=kept)),
    ):
        print(f"min score 0.5, {name}: {res.count} pairs, total {res.total:.3f}")
    example = quality.pairs[0]
    print(
        "best pair:",
        f"{example.score:.3f};",
        " / ".join(matching.describe(r) for r in example.reasons),
        "; weakest:",
        matching.describe(example.weakest),
    )

    targets = {
        "trivial: one person by primary key (ORM)": lambda: Person.objects.get(
            pk=data["person"].pk
        ),
        "load (queries, arrays)": lambda: matching.load(fresh()),
        "score matrices (factors, hard rules)": lambda: matching.score_model(loaded),
        "solve alone (exact assignment)": lambda: an.solve(
            model.score, model.allowed, loaded.capacity, kept=kept
        ),
        "greedy alone": lambda: an.greedy(model.score, model.allowed, loaded.capacity, kept=kept),
        "propose, quality": lambda: matching.propose(fresh()),
        "propose, coverage": lambda: matching.propose(fresh(), objective="coverage"),
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
    main()
