"""Search benchmark: ``seedbed.search.services.search`` against the raw full-text query.

Builds a synthetic organisation: 5,000 people in 100 teams under 10 departments (each team
led by a manager who reports to a department head); 120 skills with aliases, each with topic
words of its own (24 named ones, 96 of a long tail; popularity Zipf-distributed in a random
order); 100,000 articles of 120 to 400 words (title, summary, Markdown body) written from
those topic words, about 280 everyday words and a long tail of 12,000 rare words (project
code names, hosts, tickets), each tagged with one to three skills, owned by random people:
83 % visible to the organisation, 12 % to the owner's team, 5 % private; 5 % drafts, 3 %
archived. Articles and their index documents are written with bulk inserts (the documents
straight into the index tables, with the text ``seedbed.search.extractors`` would produce);
people and skills go through the index itself. The tables are then analysed (ANALYZE), as
autovacuum would on a PostgreSQL database in use.

Then, interleaved (every run times each target once per query, in turn), for 16 realistic
queries (one word, two words, a word start, a misspelt word, an alias, a synonym, a person's
name, a broad everyday word...):

- **raw**: one ``cursor.execute`` of the bare full-text statement for the same query (as the
  search ran it: corrected, synonyms expanded) — FTS5 ``MATCH`` ranked by ``bm25`` or a
  tsvector ``@@`` ranked by ``ts_rank_cd`` — the 20 best ids, no visibility, ``fetchall``;
- **search (employee)**: ``search()`` as an employee sees it (visibility of every kind in SQL,
  counts per kind, typo check, highlights), first page of 20;
- **search (admin)**: the same as an admin.

Reported: median and p95 in milliseconds over all queries and runs (and separately over the
topic queries and the everyday-word queries), per-query medians, and the ratio to the raw
query. Targets (issue 6): p95 under 150 ms and at most 3x the raw query.

Run:  .venv/bin/python benchmarks/bench_search.py [--runs 10] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
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

QUERIES = [
    "kubernetes",
    "deploy kubernetes",
    "kube",  # a word start
    "kuberntes upgrade",  # a typo
    "k8s rollout",  # an alias
    "ml pipeline",  # a synonym
    "terraform state",
    "incident postmortem",
    "onboarding checklist",
    "postgres index tuning",
    "customer invoice",
    "quarterly planning review",
    "how to",  # a broad phrase with synonyms
    "team",  # a broad everyday word
    "weber",  # a person's name
    "vantorik",  # a rare word
]
# Queries of everyday words that match a third to three quarters of all articles.
BROAD = ["customer invoice", "quarterly planning review", "how to", "team"]

SKILLS: list[tuple[str, list[str], list[str]]] = [
    (
        "Kubernetes",
        ["k8s", "kube"],
        ["cluster", "pod", "node", "helm", "rollout", "upgrade", "ingress", "namespace"],
    ),
    (
        "Terraform",
        ["IaC", "tf"],
        ["state", "module", "provider", "plan", "apply", "drift", "backend"],
    ),
    ("Python", ["py"], ["package", "virtualenv", "typing", "asyncio", "pytest", "wheel", "script"]),
    (
        "PostgreSQL",
        ["postgres", "psql"],
        ["index", "query", "vacuum", "replication", "tuning", "schema", "backup"],
    ),
    (
        "Machine learning",
        ["ML"],
        ["model", "training", "feature", "pipeline", "evaluation", "dataset", "drift"],
    ),
    (
        "Incident management",
        ["on-call"],
        ["incident", "postmortem", "pager", "escalation", "runbook", "outage"],
    ),
    (
        "Customer service",
        ["support"],
        ["customer", "ticket", "complaint", "refund", "satisfaction", "call"],
    ),
    (
        "Accounting",
        ["bookkeeping"],
        ["invoice", "ledger", "reconciliation", "accrual", "audit", "closing"],
    ),
    (
        "Onboarding",
        ["induction"],
        ["onboarding", "checklist", "buddy", "laptop", "access", "welcome"],
    ),
    (
        "Project management",
        ["PM"],
        ["milestone", "risk", "stakeholder", "budget", "timeline", "scope"],
    ),
    ("Docker", ["containers"], ["image", "container", "registry", "compose", "layer", "build"]),
    ("JavaScript", ["JS"], ["browser", "bundle", "component", "event", "promise", "frontend"]),
    ("React", ["ReactJS"], ["hook", "component", "state", "render", "props", "frontend"]),
    ("Go", ["golang"], ["goroutine", "channel", "service", "binary", "module", "latency"]),
    ("AWS", ["amazon web services"], ["bucket", "lambda", "region", "iam", "billing", "instance"]),
    (
        "Forklift operation",
        ["forklift"],
        ["pallet", "warehouse", "load", "safety", "inspection", "aisle"],
    ),
    ("CNC machining", ["CNC"], ["spindle", "toolpath", "fixture", "tolerance", "lathe", "milling"]),
    ("Lean", ["kaizen"], ["waste", "flow", "kanban", "gemba", "standard", "improvement"]),
    (
        "Sales negotiation",
        ["negotiation"],
        ["deal", "discount", "pipeline", "contract", "objection", "quota"],
    ),
    (
        "Quality assurance",
        ["QA"],
        ["test", "defect", "regression", "release", "coverage", "acceptance"],
    ),
    (
        "Data analysis",
        ["analytics"],
        ["dashboard", "metric", "report", "spreadsheet", "trend", "segment"],
    ),
    (
        "Security",
        ["infosec"],
        ["vulnerability", "patch", "phishing", "access", "encryption", "audit"],
    ),
    ("Recruiting", ["hiring"], ["candidate", "interview", "offer", "sourcing", "role", "pipeline"]),
    (
        "First aid",
        ["first aider"],
        ["injury", "kit", "emergency", "burn", "training", "certificate"],
    ),
]
EVERYDAY = """
the a an and or but if then when while for with without from into onto over under after before
during about across between through team teams people person manager lead colleague customer
project plan plans planning review reviews quarterly weekly monthly yearly meeting meetings notes
decision decisions lesson lessons learned practice practices guide how to steps step first next
last finally check checklist list lists owner owners document documents page pages write writing
read reading share sharing ask asked answer answers question questions problem problems issue
issues fix fixed fixes change changes changed update updates updated new old current future past
work works worked working process processes tool tools system systems service services data
report reports reporting number numbers time times day days week weeks month months year years
good better best bad worse worst simple complex quick slow fast safe risk risks cost costs value
values goal goals target targets result results outcome outcomes customer customers user users
office site sites building floor room desk laptop phone email chat call calls message messages
policy policies rule rules standard standards template templates example examples case cases
start started starting stop stopped finish finished open opened close closed keep kept move moved
should must can could would will may might need needs needed want wants make makes made use uses
used try tried help helps helped show shows shown find finds found know knows known think thinks
berlin munich lisbon london amsterdam vienna zurich paris office remote hybrid travel expense
budget invoice order orders supplier suppliers contract contracts warehouse stock delivery
training course courses workshop session sessions mentor mentoring handover knowledge skill skills
""".split()  # noqa: SIM905 - a paragraph of words reads better
FIRST = [
    "Anna",
    "Ben",
    "Chloé",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hannah",
    "Ivan",
    "Julia",
    "Kenji",
    "Lena",
    "Marco",
    "Nora",
    "Omar",
    "Paula",
    "Quinn",
    "Ravi",
    "Sofia",
    "Tom",
    "Ugo",
    "Vera",
    "Wei",
    "Xenia",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Weber",
    "Rossi",
    "Lindqvist",
    "Berger",
    "Costa",
    "Patel",
    "Dubois",
    "Kowalski",
    "Novak",
    "Schmidt",
    "Fischer",
    "Müller",
    "Garcia",
    "Okafor",
    "Tanaka",
    "Nguyen",
    "Jensen",
    "Moreau",
    "Silva",
    "Horvat",
    "Andersen",
    "Ivanova",
    "Haddad",
    "Keller",
]
SYLLABLES = [
    "va",
    "ron",
    "tik",
    "mel",
    "sor",
    "da",
    "qui",
    "bex",
    "lan",
    "tor",
    "ny",
    "zu",
    "cal",
    "fen",
    "gro",
    "hul",
    "pri",
    "sta",
    "vel",
    "wix",
    "ko",
    "ra",
    "mi",
    "net",
]
TITLES = [
    "How to {t} the {w}",
    "{T} checklist for {w}",
    "Lessons learned: {t} {w}",
    "Decision: {t} with {w}",
    "Best practice for {t} {w}",
    "{T} {w} runbook",
    "Notes on {t} and {w}",
    "Why we changed our {t} {w}",
]


def setup_django(database_url: str | None, keep: str | None) -> bool:
    """Set Django up on a fresh database; with ``keep`` (a folder), on the data set an earlier
    run kept there if there is one. Returns whether that data set is reused."""
    data_dir = start_django("seedbed-bench-search-", database_url, keep=keep)
    marker = data_dir / ("built-postgresql" if database_url else "built-sqlite")
    reuse = bool(keep) and marker.exists()
    fresh_database(empty=not reuse)  # a kept data set still gets new migrations
    return reuse


def kept_viewers() -> dict[str, Any]:
    """The benchmark's two viewers in a kept data set."""
    from seedbed.accounts.models import User

    return {
        "admin": User.objects.get(email=VIEWER_EMAILS["admin"]),
        "employee": User.objects.get(email=VIEWER_EMAILS["employee"]),
    }


VIEWER_EMAILS = {"admin": "p0@bench.example", "employee": "p110@bench.example"}


def build(n_people: int = 5000, n_articles: int = 100_000, seed: int = 5) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from seedbed.accounts.models import AccessLevel, User
    from seedbed.knowledge.models import Article
    from seedbed.people.models import Person, Team
    from seedbed.search import scopes, vocabulary
    from seedbed.search.backends import full_text
    from seedbed.search.backends.base import Row
    from seedbed.search.index import reindex_kind
    from seedbed.search.models import SearchDocument, document_id
    from seedbed.search.text import plain_text
    from seedbed.skills.models import Skill, SkillCategory
    from seedbed.skills.services import ensure_default_scale

    rng = random.Random(seed)
    ensure_default_scale()
    cat = SkillCategory.objects.create(name="Everything")
    skills = Skill.objects.bulk_create(
        [
            Skill(name=name, aliases=aliases, category=cat, search_text=name.lower())
            for name, aliases, _words in SKILLS
        ]
    )
    topics = {s.pk: words for s, (_n, _a, words) in zip(skills, SKILLS, strict=True)}
    depts = Team.objects.bulk_create([Team(name=f"Department {d}") for d in range(10)])
    teams = Team.objects.bulk_create(
        [Team(name=f"Team {d}-{t}", parent=depts[d]) for d in range(10) for t in range(10)]
    )
    locations = ["Berlin", "Munich", "Lisbon", "London", "Amsterdam", "Vienna", "Zürich"]

    def person(i: int, team: Team, manager: Person | None) -> Person:
        return Person(
            full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
            email=f"p{i}@bench.example",
            team=team,
            manager=manager,
            location=rng.choice(locations),
        )

    heads = Person.objects.bulk_create([person(i, depts[i], None) for i in range(10)])
    leads = Person.objects.bulk_create(
        [person(10 + t, teams[t], heads[t // 10]) for t in range(100)]
    )
    members = Person.objects.bulk_create(
        [person(110 + i, teams[i % 100], leads[i % 100]) for i in range(n_people - 110)]
    )
    people = [*heads, *leads, *members]
    viewers = {}
    for key, who, level in [
        ("admin", heads[0], AccessLevel.ADMIN),
        ("employee", members[0], AccessLevel.EMPLOYEE),
    ]:
        user = User.objects.create_user(
            who.email, "bench-pass-1234", display_name=who.full_name, access_level=level
        )
        Person.objects.filter(pk=who.pk).update(user=user)
        who.user = user
        viewers[key] = user
    # Everyone else has a login too (as in an organisation that uses Seedbed), so articles
    # name who wrote them: the planner sees realistic statistics for authors.
    others = [p for p in people if p.user_id is None]
    users = User.objects.bulk_create(
        [
            User(
                email=p.email,
                display_name=p.full_name,
                access_level=AccessLevel.EMPLOYEE if p.manager else AccessLevel.MANAGER,
                password=make_password(None),
            )
            for p in others
        ]
    )
    for p, user in zip(others, users, strict=True):
        p.user = user
    Person.objects.bulk_update(others, ["user"])
    rare = sorted(
        {
            "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) + rng.choice(["", "", "s"])
            for _ in range(12_000)
        }
    )
    rare.append("vantorik")
    # 96 more skills (120 in all) of the long tail, each with topic words of its own.
    extra_skills = [
        (
            f"{rng.choice(rare).capitalize()} {rng.choice(['tooling', 'process', 'method'])}",
            [rng.choice(rare)],
            rng.sample(rare, 6),
        )
        for _ in range(96)
    ]
    more = Skill.objects.bulk_create(
        [
            Skill(name=f"{name} {i}", aliases=aliases, category=cat, search_text=name.lower())
            for i, (name, aliases, _words) in enumerate(extra_skills)
        ]
    )
    skills += more
    topics.update({s.pk: words for s, (_n, _a, words) in zip(more, extra_skills, strict=True)})
    skill_ids = [s.pk for s in skills]
    rng.shuffle(skill_ids)  # popularity does not follow the list
    weights = [1.0 / (i + 1) for i in range(len(skill_ids))]  # Zipf over skills
    names = {s.pk: s for s in skills}
    backend = full_text()
    t0 = time.perf_counter()
    chunk = 5000
    for start in range(0, n_articles, chunk):
        with transaction.atomic():
            batch, tags = [], []
            for _i in range(min(chunk, n_articles - start)):
                tagged = list(dict.fromkeys(rng.choices(skill_ids, weights, k=rng.randint(1, 3))))
                words = [w for s in tagged for w in topics[s]]
                t, w = rng.choice(words), rng.choice(words)
                title = rng.choice(TITLES).format(t=t, T=t.capitalize(), w=w)
                paragraphs = []
                for _p in range(rng.randint(3, 6)):
                    sentences = []
                    for _s in range(rng.randint(3, 5)):
                        n = rng.randint(8, 16)
                        mix = rng.choices(EVERYDAY, k=n)
                        for j in rng.sample(range(n), k=max(1, n // 4)):
                            mix[j] = rng.choice(words)
                        if rng.random() < 0.3:
                            mix[rng.randrange(n)] = rng.choice(rare)
                        sentences.append(" ".join(mix).capitalize() + ".")
                    paragraphs.append(" ".join(sentences))
                body = "\n\n".join(paragraphs)
                r = rng.random()
                visibility = "org" if r < 0.83 else ("team" if r < 0.95 else "private")
                r = rng.random()
                state = "published" if r < 0.92 else ("draft" if r < 0.97 else "archived")
                owner = rng.choice(people)
                # Mostly written by the owner; some handed over since.
                author = owner if rng.random() < 0.9 else rng.choice(people)
                batch.append(
                    Article(
                        title=title,
                        summary=paragraphs[0][:200],
                        body=body,
                        # the sanitised HTML the services cache next to the Markdown
                        body_html="".join(f"<p>{p}</p>\n" for p in paragraphs),
                        owner=owner,
                        created_by_id=author.user_id,
                        visibility=visibility,
                        state=state,
                    )
                )
                tags.append(tagged)
            articles = Article.objects.bulk_create(batch)
            Article.skills.through.objects.bulk_create(
                [
                    Article.skills.through(article_id=a.pk, skill_id=s)
                    for a, tagged in zip(articles, tags, strict=True)
                    for s in tagged
                ]
            )
            opened = scopes.open_ids("article", [a.pk for a in articles])
            docs = SearchDocument.objects.bulk_create(
                [
                    SearchDocument(
                        id=document_id("article", a.pk, open_to_all=a.pk in opened),
                        kind="article",
                        object_id=a.pk,
                        title=a.title,
                        extra="\n".join(
                            " ".join([names[s].name, *names[s].aliases]) for s in tagged
                        ),
                        body=f"{a.summary}\n{plain_text(a.body)}",
                        meta={"article_kind": a.kind, "state": a.state},
                    )
                    for a, tagged in zip(articles, tags, strict=True)
                ]
            )
            backend.after_write([Row(d.pk, d.title, d.extra, d.body) for d in docs])
            vocabulary.count_in(vocabulary.words_of((d.title, d.extra, d.body) for d in docs))
        print(f"  articles {start + chunk:,} ({time.perf_counter() - t0:.0f} s)", flush=True)
    with transaction.atomic():
        reindex_kind("person")
        reindex_kind("skill")
        backend.rebuild()
    return {"viewers": viewers, "people": len(people), "articles": n_articles}


def analyse() -> None:
    """Statistics for the planner; on PostgreSQL the documents table compacted first. The
    build inserts 100,000 documents in bulk and then writes each one's vector (an UPDATE),
    which leaves dead row versions: 125 MB of table after a plain ``VACUUM`` against 35 MB
    live, and a search reads 3-4x the pages. An install whose documents were written over
    months reuses that space as autovacuum frees it; its table stays near its live size."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("VACUUM FULL search_searchdocument")
        cur.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument(
        "--keep", help="folder to keep the data set in (and reuse it from, if built there)"
    )
    args = parser.parse_args()
    reuse = setup_django(args.database_url, args.keep)

    from django.db import connection

    from seedbed.search.services import search

    print(f"database: {connection.vendor}")
    t0 = time.perf_counter()
    if reuse:
        world = {"viewers": kept_viewers()}
        print(f"reusing the data set kept in {args.keep}")
    else:
        world = build(n_people=args.people, n_articles=args.articles)
        analyse()
        print(
            f"built {world['people']:,} people, {world['articles']:,} articles in "
            f"{time.perf_counter() - t0:.0f} s"
        )
        if args.keep:
            marker = "built-postgresql" if args.database_url else "built-sqlite"
            (Path(args.keep) / marker).write_text(f"{args.people} {args.articles}\n")
    raw = raw_full_text(QUERIES)

    def run(q: str, who: str) -> int:
        page = search(viewer=world["viewers"][who], q=q, limit=20)
        return page.total

    targets = {
        "raw": lambda q: raw(q),
        "search (employee)": lambda q: run(q, "employee"),
        "search (admin)": lambda q: run(q, "admin"),
    }
    hits = {q: (raw(q), run(q, "employee"), run(q, "admin")) for q in QUERIES}  # warm-up
    samples: dict[str, dict[str, list[float]]] = {t: {q: [] for q in QUERIES} for t in targets}
    for _run in range(args.runs):
        for q in QUERIES:
            for name, call in targets.items():
                start = time.perf_counter()
                call(q)
                samples[name][q].append((time.perf_counter() - start) * 1000)

    print(f"\nper query: median ms of {args.runs} interleaved runs; hits (employee / admin)")
    print(f"{'query':28} {'raw':>7} {'employee':>9} {'admin':>7} {'x raw':>6} {'hits':>15}")
    for q in QUERIES:
        r, e, a = (statistics.median(samples[t][q]) for t in targets)
        print(f"{q:28} {r:7.1f} {e:9.1f} {a:7.1f} {e / r:6.2f} {hits[q][1]:>7,} / {hits[q][2]:<7,}")
    groups = {
        "all queries": QUERIES,
        "topic queries": [q for q in QUERIES if q not in BROAD],
        "everyday-word queries": BROAD,
    }
    for label, chosen in groups.items():
        print(f"\n{label} ({len(chosen)} queries x {args.runs} runs)")
        print(
            f"{'what':20} {'median ms':>10} {'p95 ms':>8} {'x raw (median)':>15} {'x raw (p95)':>12}"
        )
        every = {t: [v for q in chosen for v in samples[t][q]] for t in targets}
        base_med, base_p95 = statistics.median(every["raw"]), percentile(every["raw"], 0.95)
        for name in targets:
            med, p95 = statistics.median(every[name]), percentile(every[name], 0.95)
            print(f"{name:20} {med:10.1f} {p95:8.1f} {med / base_med:15.2f} {p95 / base_p95:12.2f}")
        emp = every["search (employee)"]
        print(
            f"p95 under 150 ms: {'yes' if percentile(emp, 0.95) < 150 else 'NO'}; at most 3x the "
            f"raw query: {'yes' if statistics.median(emp) <= 3 * base_med else 'NO'} (employee)"
        )


if __name__ == "__main__":
    main()
