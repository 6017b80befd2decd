"""Expert-finder benchmark: ``find_experts`` against the raw query of the same evidence.

Builds a synthetic organisation: 5,000 people in 100 teams; 300 skills in 30 categories of 10
(so every skill has 9 related skills) with aliases; about 15 current levels per person (a third
validated by a manager, the rest self-rated, set over the last three years; written straight
into the current-level table, which is all the finder reads of them); 100,000 articles tagged with one or two skills (popular skills more often), 80 % of them by a quarter
of the skill's holders (the writers) and the rest by anyone; 20,000 questions with 40,000
answers by the same rule (a third accepted, votes on many); 3,000 certificates and 1,500
mentoring pairs. Popular skills are spread over the categories. On PostgreSQL the tables are
then vacuumed and analysed, as autovacuum would on a database in use (its visibility map
lets the covering indexes answer without reading the table).

Articles are visible to the organisation (83 %), to the owner's team (12 %) or private (5 %);
92 % are published, 5 % drafts, 3 % archived. The search index is built as in production
(``reindex_all``), for the raw full-text query.

Then, interleaved (each run times every query once, in turn), for 8 skills chosen by id
(popular to rare) and 4 typed queries (a name, an alias, a typo, a word from article titles):

- **raw full-text query** (issue 6's baseline): one ``cursor.execute`` of the bare full-text
  statement the search runs for the same text (the text typed, or the chosen skill's name;
  corrected, synonyms expanded; FTS5 ``MATCH`` ranked by ``bm25`` or ``@@`` ranked by
  ``ts_rank_cd``; the 20 best ids, no visibility), ``fetchall`` — as ``bench_search.py``;
- **raw levels SELECT** (a second reference): one SELECT fetching the current levels of the
  skill's active holders (person, level, source, date), ``fetchall``;
- **finder (admin)**: ``find_experts`` as an admin sees it (first page of 20), all evidence;
- **finder (employee)**: the same as an employee (scoped evidence; the organisation lets
  colleagues see levels);
- **finder (system)**: ``viewer=None``, as question routing calls it (3 experts);
- on PostgreSQL, **raw full-text query, prepared** (a third reference): the same statement
  on a server-binding cursor, prepared once it repeats, as the finder's statements are.

Reported: median and p95 in milliseconds over all queries and runs per viewer, their ratios to
the raw full-text query's median and p95 of the same run, and the per-query ratio (each
finder call over the full-text query of the same query and run). Targets (issue 6): p95
under 150 ms and at most 3x the raw full-text query.

Run:  .venv/bin/python benchmarks/bench_experts.py [--runs 10] [--keep /tmp/folder]
      createdb -h 127.0.0.1 -U postgres seedbed_bench_experts   # once; the benchmark drops its schema
      .venv/bin/python benchmarks/bench_experts.py --database-url \
          postgres://postgres@127.0.0.1:5432/seedbed_bench_experts [--keep /tmp/folder]
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

from benchmarks._setup import (  # noqa: E402
    fresh_database,
    percentile,
    raw_full_text,
    start_django,
)

RAW_SQL = """
SELECT ps.person_id, ps.level, ps.source, ps.assessed_at
FROM skills_personskill ps JOIN people_person p ON p.id = ps.person_id
WHERE ps.skill_id = %s AND p.is_active
"""


def setup_django(database_url: str | None, keep: str | None = None) -> None:
    """Settings for a temporary SQLite data folder (or ``keep``), or ``database_url``."""
    start_django("seedbed-bench-experts-", database_url, keep=keep)


def built() -> bool:
    """Whether the database already holds this benchmark's data (``--keep``)."""
    from django.db import connection

    from seedbed.accounts.models import User

    if "accounts_user" not in connection.introspection.table_names():
        return False
    return User.objects.filter(email="admin@bench.example").exists()


def build(
    n_people: int = 5000,
    n_skills: int = 300,
    n_articles: int = 100_000,
    n_questions: int = 20_000,
    seed: int = 7,
) -> dict[str, Any]:
    from django.utils import timezone

    from seedbed.accounts.models import AccessLevel, OrgSettings, User
    from seedbed.certifications.models import Certification, HeldCertification
    from seedbed.knowledge.models import Answer, Article, Question
    from seedbed.mentoring.models import Pair
    from seedbed.people.models import Person, Team
    from seedbed.skills.models import PersonSkill, Skill, SkillCategory
    from seedbed.skills.services import ensure_default_scale

    rng = random.Random(seed)
    now = timezone.now()
    ensure_default_scale()
    cats = SkillCategory.objects.bulk_create([SkillCategory(name=f"Area {i}") for i in range(30)])
    skills = []
    for i in range(n_skills):
        # Popular skills are spread over the categories (as in real taxonomies: not every
        # well-known skill is a kind of the same thing).
        s = Skill(name=f"Skill {i:03d}", category=cats[i % 30], aliases=[f"s{i:03d}"])
        s.search_text = s.build_search_text()
        skills.append(s)
    skills = Skill.objects.bulk_create(skills)
    sids = [s.pk for s in skills]
    # Popular skills are used more (Zipf-like weights).
    popularity = [1.0 / (1 + i) ** 0.8 for i in range(n_skills)]
    teams = Team.objects.bulk_create([Team(name=f"Team {t:03d}") for t in range(100)])
    people = Person.objects.bulk_create(
        [
            Person(
                full_name=f"Person {i:04d}",
                email=f"p{i}@bench.example",
                team=teams[i % 100],
                location=rng.choice(["Berlin", "Vienna", "Lisbon", "Remote"]),
                languages=rng.choice(["en", "en, de", "de, en", "en, fr"]),
                is_active=rng.random() > 0.03,
            )
            for i in range(n_people)
        ],
        batch_size=2000,
    )
    pids = [p.pk for p in people]
    users = []
    for role, access in (("admin", AccessLevel.ADMIN), ("employee", AccessLevel.EMPLOYEE)):
        users.append(User.objects.create_user(f"{role}@bench.example", "x", access_level=access))
    Person.objects.filter(pk=pids[1]).update(user=users[1])
    OrgSettings.objects.update_or_create(pk=1, defaults={"colleagues_see_levels": True})

    levels = []
    for pid in pids:
        for sid in set(rng.choices(sids, weights=popularity, k=15)):
            validated = rng.random() < 0.33
            levels.append(
                PersonSkill(
                    person_id=pid,
                    skill_id=sid,
                    level=rng.randint(1, 5),
                    source="manager" if validated else "self",
                    assessed_at=now - timedelta(days=rng.randint(1, 3 * 365)),
                )
            )
    PersonSkill.objects.bulk_create(levels, batch_size=5000)
    # People write and answer about skills they hold, and a few write most: a quarter of the
    # holders of a skill write about it (80 % of articles and answers), anyone else the rest.
    holders: dict[int, list[int]] = {}
    for ps in levels:
        holders.setdefault(ps.skill_id, []).append(ps.person_id)
    writers = {sid: people[: max(1, len(people) // 4)] for sid, people in holders.items()}

    def author_of(sid: int) -> int:
        pool = writers.get(sid)
        return rng.choice(pool) if pool and rng.random() < 0.8 else rng.choice(pids)

    article_skills = [
        set(rng.choices(sids, weights=popularity, k=rng.choice((1, 2)))) for _ in range(n_articles)
    ]

    def visibility() -> str:  # as in the search benchmark: most articles are for everyone
        r = rng.random()
        return "org" if r < 0.83 else ("team" if r < 0.95 else "private")

    def state() -> str:
        r = rng.random()
        return "published" if r < 0.92 else ("draft" if r < 0.97 else "archived")

    articles = Article.objects.bulk_create(
        [
            Article(
                title=f"Note {i} on {'rollbacks' if i % 500 == 0 else 'practice'}",
                body="text",
                owner_id=author_of(min(article_skills[i])),
                visibility=visibility(),
                state=state(),
                created_at=now - timedelta(days=rng.randint(1, 1500)),
                updated_at=now - timedelta(days=rng.randint(1, 700)),
            )
            for i in range(n_articles)
        ],
        batch_size=5000,
    )
    through = Article.skills.through
    tags = [
        through(article_id=a.pk, skill_id=sid)
        for a, chosen in zip(articles, article_skills, strict=True)
        for sid in chosen
    ]
    through.objects.bulk_create(tags, batch_size=10000)
    questions = Question.objects.bulk_create(
        [
            Question(title=f"Question {i}", created_at=now - timedelta(days=rng.randint(1, 900)))
            for i in range(n_questions)
        ],
        batch_size=5000,
    )
    qthrough = Question.skills.through
    question_skill = [rng.choices(sids, weights=popularity)[0] for _ in questions]
    qthrough.objects.bulk_create(
        [
            qthrough(question_id=q.pk, skill_id=sid)
            for q, sid in zip(questions, question_skill, strict=True)
        ],
        batch_size=10000,
    )
    answers = Answer.objects.bulk_create(
        [
            Answer(
                question=q,
                author_id=author_of(sid),
                body="answer",
                score=rng.choice((0, 0, 1, 2, 3, -1)),
                created_at=q.created_at + timedelta(days=1),
            )
            for q, sid in zip(questions, question_skill, strict=True)
            for _ in range(2)
        ],
        batch_size=5000,
    )
    accepted = []
    for q, a in zip(questions, answers[::2], strict=True):
        if rng.random() < 0.33:
            q.accepted_answer = a
            accepted.append(q)
    Question.objects.bulk_update(accepted, ["accepted_answer"], batch_size=5000)
    certs = Certification.objects.bulk_create(
        [Certification(name=f"Certificate {i}", skill_id=sids[i]) for i in range(0, 300, 10)]
    )
    HeldCertification.objects.bulk_create(
        [
            HeldCertification(
                person_id=rng.choice(pids),
                certification=rng.choice(certs),
                issued_on=(now - timedelta(days=rng.randint(1, 1000))).date(),
            )
            for _ in range(3000)
        ]
    )
    pairs = Pair.objects.bulk_create(
        [
            Pair(
                mentor_id=m,
                mentee_id=m + 1 if m != pids[-1] else pids[0],
                state=rng.choice(("active", "ended")),
                last_activity_at=now - timedelta(days=rng.randint(1, 500)),
            )
            for m in rng.sample(pids, 1500)
        ]
    )
    Pair.focus_skills.through.objects.bulk_create(
        [
            Pair.focus_skills.through(
                pair_id=p.pk, skill_id=rng.choices(sids, weights=popularity)[0]
            )
            for p in pairs
        ]
    )
    from seedbed.knowledge.evidence import rebuild_evidence

    rebuild_evidence()  # bulk_create bypasses the services that keep the finder's read table
    from seedbed.search.index import reindex_all

    reindex_all()  # the search index, for the raw full-text query (bulk_create bypasses it too)
    return {"admin": users[0], "employee": users[1], "skills": sids, "tags": len(tags)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument(
        "--keep",
        help="reuse the data of an earlier run: a SQLite data folder (built there the first "
        "time); with --database-url, any value keeps the database instead of rebuilding it",
    )
    args = parser.parse_args()
    setup_django(args.database_url, None if args.database_url else args.keep)

    from django.db import connection
    from django.utils import translation

    from seedbed.accounts.models import User
    from seedbed.knowledge.experts import find_experts
    from seedbed.knowledge.models import Answer, Article
    from seedbed.skills.models import Skill

    translation.activate("en")
    t0 = time.perf_counter()
    data: dict[str, Any]
    if args.keep and built():
        data = {
            "admin": User.objects.get(email="admin@bench.example"),
            "employee": User.objects.get(email="employee@bench.example"),
            "skills": list(Skill.objects.order_by("name").values_list("id", flat=True)),
            "tags": Article.skills.through.objects.count(),
        }
        print("reusing the data of an earlier run")
    else:
        fresh_database()
        data = build()
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                # As autovacuum would on a database in use (bulk inserts leave the visibility
                # map empty: no index-only scans until a VACUUM).
                cur.execute("VACUUM ANALYZE")
    print(f"database: {connection.vendor}")
    print(
        f"built in {time.perf_counter() - t0:.0f} s: {Article.objects.count()} articles "
        f"({data['tags']} skill tags), {Answer.objects.count()} answers"
    )
    sids = data["skills"]
    names = dict(Skill.objects.values_list("id", "name"))
    # Skills by id, popular to rare; typed queries resolve to skills by name, alias, typo.
    cases: list[tuple[str, list[int], str, int]] = [
        (f"skill #{rank}", [sids[rank]], "", sids[rank]) for rank in (0, 1, 3, 10, 30, 80, 150, 299)
    ]
    cases += [
        ("name 'skill 002'", [], "skill 002", sids[2]),
        ("alias 's005'", [], "s005", sids[5]),
        ("typo 'skil 020'", [], "skil 020", sids[20]),
        ("text 'rollbacks' + skill", [sids[4]], "rollbacks", sids[4]),
    ]
    # The baseline: the bare full-text statement of the search for the same text (the
    # text typed, or the name of the skill chosen): _setup.raw_full_text, as bench_search.py.
    text_of = {label: q or names[sid] for label, _ids, q, sid in cases}
    full_text_query = raw_full_text(text_of.values())

    def raw_fts(label: str) -> int:
        return full_text_query(text_of[label])

    def raw_levels(skill_id: int) -> int:
        with connection.cursor() as cur:
            cur.execute(RAW_SQL, [skill_id])
            return len(cur.fetchall())

    FTS, LEVELS = "raw full-text query", "raw levels SELECT"
    FINDERS = {
        "admin": "finder, admin",
        "employee": "finder, employee",
        "system": "finder, system (routing)",
    }
    targets = {
        FTS: lambda label, ids, q, sid: raw_fts(label),
        LEVELS: lambda label, ids, q, sid: raw_levels(sid),
        FINDERS["admin"]: lambda label, ids, q, sid: find_experts(
            viewer=data["admin"], skill_ids=ids, query=q, limit=20
        ),
        FINDERS["employee"]: lambda label, ids, q, sid: find_experts(
            viewer=data["employee"], skill_ids=ids, query=q, limit=20
        ),
        FINDERS["system"]: lambda label, ids, q, sid: find_experts(
            viewer=None, skill_ids=ids, query=q, limit=3
        ),
    }
    # PostgreSQL: the baseline prepared too, as the finder's statements are (a reference;
    # the targets are against the baseline as the search runs it).
    FTS_PREPARED = "raw full-text query, prepared"
    if connection.vendor == "postgresql":
        prepared_query = raw_full_text(text_of.values(), prepared=True)
        targets[FTS_PREPARED] = lambda label, ids, q, sid: prepared_query(text_of[label])
    samples: dict[str, list[float]] = {name: [] for name in targets}
    ratios: dict[str, list[float]] = {name: [] for name in targets}
    for label, ids, q, sid in cases:  # warm-up
        for fn in targets.values():
            fn(label, ids, q, sid)
    found = {
        label: find_experts(viewer=None, skill_ids=ids, query=q, limit=1).total
        for label, ids, q, _s in cases
    }
    fts_rows = {label: raw_fts(label) for label, *_r in cases}
    level_rows = {label: raw_levels(sid) for label, _i, _q, sid in cases}
    per_case: dict[str, dict[str, list[float]]] = {
        label: {name: [] for name in targets} for label, *_r in cases
    }
    for _ in range(args.runs):
        for label, ids, q, sid in cases:
            times = {}
            for name, fn in targets.items():
                t1 = time.perf_counter()
                fn(label, ids, q, sid)
                times[name] = (time.perf_counter() - t1) * 1000
                samples[name].append(times[name])
                per_case[label][name].append(times[name])
            for name in targets:
                ratios[name].append(times[name] / times[FTS])
    print(
        "\nper query: people found / rows of the raw levels SELECT; median ms of the raw "
        "full-text query, the levels SELECT, and the finder for admin, employee, system"
    )
    for label, _ids, q, sid in cases:
        meds = [statistics.median(per_case[label][name]) for name in targets]
        print(
            f"  {label:26} {found[label]:5d} / {level_rows[label]:4d}  fts {meds[0]:5.1f} "
            f"({fts_rows[label]:2d} ids, {q or names[sid]!r})  levels {meds[1]:5.1f}  "
            f"admin {meds[2]:6.1f}  employee {meds[3]:6.1f}  system {meds[4]:6.1f}"
        )
    n = len(samples[FTS])
    fts_med, fts_p95 = statistics.median(samples[FTS]), percentile(samples[FTS], 0.95)
    lev_med = statistics.median(samples[LEVELS])
    print(f"\n{n} samples per line ({args.runs} runs x {len(cases)} queries), milliseconds")
    print(
        "load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    print(
        "| what | median | p95 | median x full-text | p95 x full-text | "
        "per query x full-text (median / p95) | median x levels |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, values in samples.items():
        med, p95 = statistics.median(values), percentile(values, 0.95)
        print(
            f"| {name} | {med:.1f} | {p95:.1f} | {med / fts_med:.1f} | {p95 / fts_p95:.1f} "
            f"| {statistics.median(ratios[name]):.1f} / {percentile(ratios[name], 0.95):.1f} "
            f"| {med / lev_med:.1f} |"
        )
    print("\ntargets (issue 6): p95 under 150 ms; at most 3x the raw full-text query (median)")
    for who, name in FINDERS.items():
        med, p95 = statistics.median(samples[name]), percentile(samples[name], 0.95)
        print(
            f"  {who:9} p95 < 150 ms: {'yes' if p95 < 150 else 'NO'}; "
            f"median <= 3x full-text: {'yes' if med <= 3 * fts_med else 'NO'} "
            f"({med / fts_med:.1f}x"
            + (
                f"; {med / statistics.median(samples[FTS_PREPARED]):.1f}x the prepared one)"
                if FTS_PREPARED in samples
                else ")"
            )
        )


if __name__ == "__main__":
    main()
