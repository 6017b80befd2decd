"""Expert-finder quality: our ranking against a "declared skills only" baseline.

Loads the test collection in ``tests/data/expert_eval/`` (a synthetic organisation with known
experts: see ``generate.py`` there) into a temporary database, then for each of its topics
ranks people twice:

- **ours**: ``find_experts`` as the system uses it (``viewer=None``), with the query as a
  person would type it (a skill chosen by id, its name, an alias, or a typo) and the default
  weights;
- **baseline**: the current level on the topic's skill, any source, highest first (newest
  assessment first among equal levels) — what a skills database without evidence answers.
  The baseline is told the exact skill even when the query was a typo or an alias.

A person counts as *relevant* when judged 2 (knowledgeable) or 3 (expert). Reported, as means
over the topics: MAP (average precision over the whole ranking), MRR (1 / rank of the first
relevant person), P@5, and nDCG@10 with the graded judgements (gain 2^grade − 1).

Run:  .venv/bin/python benchmarks/eval_experts.py [--database-url URL] [--per-topic]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._setup import fresh_database, start_django  # noqa: E402

COLLECTION = ROOT / "tests" / "data" / "expert_eval"
RELEVANT = 2  # judged knowledgeable or expert
DEPTH = 100  # ranks looked at per topic


def _csv(name: str, folder: Path) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@dataclass
class Loaded:
    now: datetime
    person_ids: dict[int, int]  # collection id -> database id
    skill_ids: dict[str, int]  # skill name -> database id
    topics: list[dict[str, Any]]
    inactive: set[int]  # database ids of people who left


def load_collection(folder: Path = COLLECTION, now: datetime | None = None) -> Loaded:
    """Write the collection into the (empty or not) current database. Bulk inserts; current
    levels derived by ``seedbed.skills.services.refresh_current_levels`` as in Seedbed."""
    from django.utils import timezone

    from seedbed.certifications.models import Certification, HeldCertification
    from seedbed.knowledge.models import Answer, Article, Question
    from seedbed.mentoring.models import Pair
    from seedbed.people.models import Person, Team
    from seedbed.skills.models import Assertion, Skill, SkillCategory
    from seedbed.skills.services import ensure_default_scale, refresh_current_levels

    now = now or timezone.now()

    def ago(days: str | int) -> datetime:
        return now - timedelta(days=int(days))

    ensure_default_scale()
    skills_doc = json.loads((folder / "skills.json").read_text(encoding="utf-8"))
    people_doc = json.loads((folder / "people.json").read_text(encoding="utf-8"))
    topics = json.loads((folder / "topics.json").read_text(encoding="utf-8"))
    tag = f"eval-{now.timestamp():.0f}"  # names stay unique if loaded into a used database
    cats = {
        name: SkillCategory.objects.create(name=f"{name} ({tag})")
        for name in skills_doc["categories"]
    }
    skill_ids: dict[str, int] = {}
    for s in skills_doc["skills"]:
        skill = Skill(name=s["name"], category=cats[s["category"]], aliases=s["aliases"])
        skill.save()
        skill_ids[s["name"]] = skill.pk
    certs = {
        c["skill"]: Certification.objects.create(
            name=c["name"], issuer=tag, skill_id=skill_ids[c["skill"]]
        )
        for c in skills_doc["certifications"]
    }
    teams = {name: Team.objects.create(name=f"{name} ({tag})") for name in people_doc["teams"]}
    people = Person.objects.bulk_create(
        [
            Person(
                full_name=p["name"],
                email=f"p{p['id']}.{tag}@eval.example",
                team=teams[p["team"]],
                location=p["location"],
                languages=p["languages"],
                is_active=p["active"],
                left_on=None if p["active"] else (now - timedelta(days=30)).date(),
            )
            for p in people_doc["people"]
        ]
    )
    person_ids = {p["id"]: db.pk for p, db in zip(people_doc["people"], people, strict=True)}
    inactive = {person_ids[p["id"]] for p in people_doc["people"] if not p["active"]}

    rows = _csv("assertions", folder)
    Assertion.objects.bulk_create(
        [
            Assertion(
                person_id=person_ids[int(r["person"])],
                skill_id=skill_ids[r["skill"]],
                level=int(r["level"]),
                source=r["source"],
                created_at=ago(r["days_ago"]),
            )
            for r in rows
        ],
        batch_size=1000,
    )
    refresh_current_levels({(person_ids[int(r["person"])], skill_ids[r["skill"]]) for r in rows})
    HeldCertification.objects.bulk_create(
        [
            HeldCertification(
                person_id=person_ids[int(r["person"])],
                certification=certs[r["skill"]],
                issued_on=ago(r["issued_days_ago"]).date(),
                expires_on=(now + timedelta(days=int(r["expires_in_days"]))).date(),
            )
            for r in _csv("certificates", folder)
        ]
    )
    article_rows = _csv("articles", folder)
    articles = Article.objects.bulk_create(
        [
            Article(
                title=r["title"],
                body=r["title"],
                owner_id=person_ids[int(r["owner"])],
                created_at=ago(r["days_ago"]),
                updated_at=ago(r["days_ago"]),
            )
            for r in article_rows
        ],
        batch_size=1000,
    )
    Article.skills.through.objects.bulk_create(
        [
            Article.skills.through(article_id=a.pk, skill_id=skill_ids[name])
            for a, r in zip(articles, article_rows, strict=True)
            for name in r["skills"].split("|")
        ],
        batch_size=1000,
    )
    answer_rows = _csv("answers", folder)
    questions = Question.objects.bulk_create(
        [Question(title=r["title"], created_at=ago(int(r["days_ago"]) + 1)) for r in answer_rows],
        batch_size=1000,
    )
    Question.skills.through.objects.bulk_create(
        [
            Question.skills.through(question_id=q.pk, skill_id=skill_ids[name])
            for q, r in zip(questions, answer_rows, strict=True)
            for name in r["skills"].split("|")
        ],
        batch_size=1000,
    )
    answers = Answer.objects.bulk_create(
        [
            Answer(
                question=q,
                author_id=person_ids[int(r["author"])],
                body="answer",
                score=int(r["score"]),
                created_at=ago(r["days_ago"]),
            )
            for q, r in zip(questions, answer_rows, strict=True)
        ],
        batch_size=1000,
    )
    accepted = []
    for q, a, r in zip(questions, answers, answer_rows, strict=True):
        q.answer_count = 1
        if r["accepted"] == "1":
            q.accepted_answer = a
        accepted.append(q)
    Question.objects.bulk_update(accepted, ["accepted_answer", "answer_count"], batch_size=1000)
    mentoring_rows = _csv("mentoring", folder)
    pairs = Pair.objects.bulk_create(
        [
            Pair(
                mentor_id=person_ids[int(r["mentor"])],
                mentee_id=person_ids[int(r["mentee"])],
                state=r["state"],
                created_at=ago(int(r["days_ago"]) + 60),
                started_at=ago(int(r["days_ago"]) + 60),
                last_activity_at=ago(r["days_ago"]),
            )
            for r in mentoring_rows
        ]
    )
    Pair.focus_skills.through.objects.bulk_create(
        [
            Pair.focus_skills.through(pair_id=p.pk, skill_id=skill_ids[r["skill"]])
            for p, r in zip(pairs, mentoring_rows, strict=True)
        ]
    )
    from seedbed.knowledge.evidence import rebuild_evidence

    rebuild_evidence()  # bulk_create bypasses the services that keep the finder's read table
    return Loaded(now, person_ids, skill_ids, topics, inactive)


# --- metrics -----------------------------------------------------------------------------------


def average_precision(ranked: Sequence[int], grades: dict[int, int]) -> float:
    relevant = sum(1 for g in grades.values() if g >= RELEVANT)
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for k, pid in enumerate(ranked[:DEPTH], start=1):
        if grades.get(pid, 0) >= RELEVANT:
            hits += 1
            total += hits / k
    return total / relevant


def reciprocal_rank(ranked: Sequence[int], grades: dict[int, int]) -> float:
    for k, pid in enumerate(ranked[:DEPTH], start=1):
        if grades.get(pid, 0) >= RELEVANT:
            return 1.0 / k
    return 0.0


def precision_at(ranked: Sequence[int], grades: dict[int, int], k: int = 5) -> float:
    return sum(1 for pid in ranked[:k] if grades.get(pid, 0) >= RELEVANT) / k


def ndcg_at(ranked: Sequence[int], grades: dict[int, int], k: int = 10) -> float:
    def dcg(gains: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(pid, 0) for pid in ranked]) / ideal if ideal else 0.0


METRICS: dict[str, Callable[[Sequence[int], dict[int, int]], float]] = {
    "MAP": average_precision,
    "MRR": reciprocal_rank,
    "P@5": precision_at,
    "nDCG@10": ndcg_at,
}


@dataclass
class Report:
    ours: dict[str, float]
    baseline: dict[str, float]
    per_topic: list[dict[str, Any]]
    leavers_shown: int  # people who left that our ranking returned (must be 0)


def rank_ours(loaded: Loaded, topic: dict[str, Any]) -> list[int]:
    from seedbed.knowledge.experts import find_experts

    skill_id = loaded.skill_ids[topic["skill"]]
    page = find_experts(
        viewer=None,
        skill_ids=[skill_id] if topic["form"] == "skill" else [],
        query=topic["query"],
        limit=DEPTH,
        now=loaded.now,
    )
    return [r.person.pk for r in page.results]


def rank_baseline(loaded: Loaded, topic: dict[str, Any]) -> list[int]:
    from seedbed.knowledge.experts import raw_levels

    return [pid for pid, _level in raw_levels(loaded.skill_ids[topic["skill"]])]


def evaluate(loaded: Loaded) -> Report:
    """Both rankings on every topic, and the mean of each metric."""
    sums = {"ours": dict.fromkeys(METRICS, 0.0), "baseline": dict.fromkeys(METRICS, 0.0)}
    per_topic = []
    leavers_shown = 0
    for topic in loaded.topics:
        grades = {loaded.person_ids[int(k)]: v for k, v in topic["judgements"].items()}
        row: dict[str, Any] = {"topic": topic["skill"], "form": topic["form"], "q": topic["query"]}
        for name, ranker in (("ours", rank_ours), ("baseline", rank_baseline)):
            ranked = ranker(loaded, topic)
            if name == "ours":
                leavers_shown += len(set(ranked) & loaded.inactive)
            for metric, fn in METRICS.items():
                value = fn(ranked, grades)
                sums[name][metric] += value
                row[f"{name} {metric}"] = value
        per_topic.append(row)
    n = len(loaded.topics)
    return Report(
        ours={m: v / n for m, v in sums["ours"].items()},
        baseline={m: v / n for m, v in sums["baseline"].items()},
        per_topic=per_topic,
        leavers_shown=leavers_shown,
    )


# --- the script --------------------------------------------------------------------------------


def setup_django(database_url: str | None) -> None:
    start_django("seedbed-eval-experts-", database_url)
    fresh_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (its schema is dropped)")
    parser.add_argument("--per-topic", action="store_true", help="print every topic's figures")
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.utils import translation

    translation.activate("en")
    loaded = load_collection()
    report = evaluate(loaded)
    n_judged = sum(len(t["judgements"]) for t in loaded.topics)
    print(
        f"{len(loaded.topics)} topics, {len(loaded.person_ids)} people "
        f"({len(loaded.inactive)} left), {n_judged} judgements; relevant = grade >= {RELEVANT}"
    )
    if args.per_topic:
        for row in report.per_topic:
            print(
                f"  {row['topic']:<32} {row['form']:<6} {row['q']:<22} "
                f"AP {row['ours MAP']:.3f} vs {row['baseline MAP']:.3f}   "
                f"P@5 {row['ours P@5']:.2f} vs {row['baseline P@5']:.2f}"
            )
    print(f"\n| ranking | {' | '.join(METRICS)} |")
    print(f"| --- | {' | '.join('---:' for _ in METRICS)} |")
    for name, figures in (("declared skills only", report.baseline), ("ours", report.ours)):
        print(f"| {name} | {' | '.join(f'{figures[m]:.3f}' for m in METRICS)} |")
    print(f"\npeople who left shown by ours: {report.leavers_shown}")


if __name__ == "__main__":
    main()
