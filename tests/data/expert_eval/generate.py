"""Generate the expert-finder test collection: a synthetic organisation with known experts.

Run ``.venv/bin/python tests/data/expert_eval/generate.py`` to rewrite the files next to this
script; the output is deterministic (fixed seed), so a re-run changes nothing unless this
script changed.

**How it is built.** Every active person has a hidden *true knowledge* of each skill: 0 none,
1 some, 2 knowledgeable, 3 expert (from their team's focus and a few interests elsewhere).
Everything Seedbed can see is generated *from* that truth with the distortions of real
organisations:

- self-ratings depend on temperament: accurate (45 %), over-confident (20 %: one or two levels
  too high, and they claim fashionable skills they barely know), modest (15 %: a level too
  low), and people who never rate themselves (20 %);
- managers validate in two teams out of three, and then set the true level; elsewhere only
  self-ratings exist;
- some people moved on: a manager-validated level 4–5 from three to six years ago on a skill
  they now know only a little (stale levels), with old articles and expired certificates;
- articles, accepted answers and votes come from knowledge times a habit (some people write a
  lot, some never); non-experts answer too, rarely accepted;
- certificates (some paper ones without the knowledge), and mentoring given by experts;
- people who left the organisation (hidden by the finder) include experts.

**Judgements.** For each topic (one skill, asked for by id, name, alias or with a typo) a
person's grade is their true knowledge of that skill, or ``knowledge − 2`` of a sibling skill of
the same category if that is higher (an expert in Docker knows *some* Kubernetes): 3 = true
expert, 2 = knowledgeable, 1 = some, 0 = none. People who left are not judged (the finder hides
them). Levels are on the default 0–5 scale: true knowledge 1 ↔ level 2, 2 ↔ 3, 3 ↔ 4 or 5.

Files (days are days before the evaluation date, so the collection never ages):
``skills.json`` (categories, skills with aliases, certifications), ``people.json`` (teams,
people with location, languages, active), ``assertions.csv``, ``certificates.csv``,
``articles.csv``, ``answers.csv``, ``mentoring.csv``, ``topics.json`` (query, the skill, and
graded judgements).
"""

from __future__ import annotations

import csv
import json
import math
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261127

CATEGORIES: dict[str, list[tuple[str, list[str]]]] = {
    "Containers": [
        ("Kubernetes", ["k8s"]),
        ("Docker", ["containers"]),
        ("Helm", ["helm charts"]),
        ("OpenShift", ["ocp"]),
    ],
    "Cloud": [
        ("AWS", ["amazon web services"]),
        ("Azure", ["microsoft azure"]),
        ("Terraform", ["iac", "infrastructure as code"]),
        ("Google Cloud", ["gcp"]),
    ],
    "Data": [
        ("PostgreSQL", ["postgres"]),
        ("SQL Server", ["mssql"]),
        ("Data modelling", []),
        ("Apache Kafka", ["kafka", "event streaming"]),
    ],
    "Programming": [
        ("Python", ["py"]),
        ("Java", []),
        ("Go", ["golang"]),
        ("TypeScript", ["ts"]),
    ],
    "Web": [
        ("React", ["reactjs"]),
        ("Accessibility", ["a11y", "wcag"]),
        ("CSS", []),
        ("GraphQL", []),
    ],
    "Security": [
        ("Penetration testing", ["pentest"]),
        ("Identity and access management", ["iam", "sso"]),
        ("Threat modelling", []),
        ("Cryptography", ["crypto", "tls"]),
    ],
    "Finance": [
        ("Payroll", []),
        ("Accounts payable", []),
        ("VAT returns", ["vat"]),
        ("Financial reporting", ["ifrs"]),
    ],
    "Delivery": [
        ("Scrum", ["agile"]),
        ("Stakeholder management", []),
        ("Technical writing", ["documentation"]),
        ("Incident management", ["on-call", "incident response"]),
    ],
    "Design": [
        ("UX research", ["user research"]),
        ("Figma", []),
        ("Design systems", []),
        ("Prototyping", []),
    ],
    "Compliance": [
        ("GDPR", ["data protection"]),
        ("Contract law", []),
        ("ISO 27001", ["isms"]),
        ("Employment law", []),
    ],
    "Networking": [
        ("DNS", []),
        ("Load balancing", []),
        ("VPN", []),
        ("Firewalls", []),
    ],
}
CERTIFIED = {
    "Kubernetes": "Certified Kubernetes Administrator",
    "AWS": "AWS Solutions Architect",
    "Azure": "Azure Administrator",
    "Terraform": "Terraform Associate",
    "Penetration testing": "OSCP",
    "Scrum": "Professional Scrum Master",
    "Payroll": "Payroll Practitioner",
    "Java": "Java SE Programmer",
    "ISO 27001": "ISO 27001 Lead Auditor",
    "GDPR": "Certified Data Protection Officer",
}
FASHIONABLE = ["Kubernetes", "Terraform", "React", "Python", "Apache Kafka", "GraphQL", "Go"]
TEAMS: list[tuple[str, list[str], str]] = [
    ("Platform", ["Containers", "Cloud"], "Berlin"),
    ("Cloud Ops", ["Cloud", "Networking"], "Vienna"),
    ("Data", ["Data", "Programming"], "Berlin"),
    ("Backend", ["Programming", "Data"], "Lisbon"),
    ("Frontend", ["Web", "Design"], "Lisbon"),
    ("Security", ["Security", "Networking"], "Vienna"),
    ("Finance", ["Finance"], "Berlin"),
    ("Delivery", ["Delivery"], "Remote"),
    ("Design", ["Design", "Web"], "Remote"),
    ("Legal", ["Compliance", "Finance"], "Vienna"),
    ("SRE", ["Containers", "Delivery", "Networking"], "Berlin"),
    ("Apps", ["Programming", "Web", "Containers"], "Lisbon"),
]
PEOPLE_PER_TEAM = 20
LEAVERS = 12
FIRST = [
    "Ada", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gia", "Hugo", "Ines", "Jon", "Kai", "Lena",
    "Milo", "Nora", "Omar", "Pia", "Quin", "Rosa", "Sven", "Tara", "Uma", "Vik", "Wren", "Yara",
]  # fmt: skip
LAST = [
    "Adler", "Berg", "Costa", "Dietz", "Engel", "Fuchs", "Gruber", "Haas", "Ito", "Jansen",
    "Keller", "Lang", "Moser", "Nagel", "Ortiz", "Pohl", "Quast", "Roth", "Sauer", "Thiel",
]  # fmt: skip


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def true_to_level(rng: random.Random, t: int) -> int:
    return {0: 1, 1: 2, 2: 3, 3: rng.choice((4, 5))}[t]


def generate() -> dict[str, object]:
    rng = random.Random(SEED)
    skills = [
        {"name": name, "category": cat, "aliases": aliases}
        for cat, entries in CATEGORIES.items()
        for name, aliases in entries
    ]
    by_category = {cat: [name for name, _a in entries] for cat, entries in CATEGORIES.items()}
    category_of = {s["name"]: s["category"] for s in skills}
    all_skills = [str(s["name"]) for s in skills]

    people: list[dict[str, object]] = []
    knowledge: dict[int, dict[str, int]] = {}
    temperament: dict[int, str] = {}
    stale_skill: dict[int, str] = {}
    writer: dict[int, float] = {}
    helper: dict[int, float] = {}
    names = rng.sample(
        [f"{f} {last}" for f in FIRST for last in LAST], len(TEAMS) * PEOPLE_PER_TEAM
    )
    validating_teams = {t[0] for t in TEAMS if rng.random() < 0.67}
    for team, focus, location in TEAMS:
        for _k in range(PEOPLE_PER_TEAM):
            pid = len(people) + 1
            languages = rng.choice(["en", "en, de", "en, pt", "de, en", "en, fr"])
            people.append(
                {
                    "id": pid,
                    "name": names[pid - 1],
                    "team": team,
                    "location": location if rng.random() < 0.85 else "Remote",
                    "languages": languages,
                    "active": True,
                    "validated_team": team in validating_teams,
                }
            )
            pool = [s for cat in focus for s in by_category[cat]]
            know: dict[str, int] = {}
            for s in rng.sample(pool, rng.randint(1, 3)):
                know[s] = rng.choices((3, 2, 1), weights=(0.35, 0.45, 0.2))[0]
            for s in rng.sample(all_skills, rng.randint(2, 4)):
                know.setdefault(s, rng.choices((2, 1), weights=(0.3, 0.7))[0])
            knowledge[pid] = know
            temperament[pid] = rng.choices(
                ("accurate", "overconfident", "modest", "silent"), weights=(45, 20, 15, 20)
            )[0]
            writer[pid] = rng.choices((3.0, 1.0, 0.0), weights=(25, 50, 25))[0]
            helper[pid] = rng.choices((3.0, 1.0, 0.0), weights=(25, 50, 25))[0]
            if rng.random() < 0.1:
                # Moved on: once an expert in a skill of another focus, now knows only a bit.
                old = rng.choice([s for s in all_skills if s not in know])
                know[old] = 1
                stale_skill[pid] = old
    # Leavers: people who were experts in something, so hiding them matters.
    experts = [p for p in people if any(v == 3 for v in knowledge[int(p["id"])].values())]  # type: ignore[call-overload]
    for p in rng.sample(experts, LEAVERS):
        p["active"] = False

    assertions: list[list[object]] = []
    certificates: list[list[object]] = []
    articles: list[list[object]] = []
    answers: list[list[object]] = []
    mentoring: list[list[object]] = []
    question_no = 0
    article_no = 0

    def siblings(skill: str) -> list[str]:
        return [s for s in by_category[category_of[skill]] if s != skill]

    for p in people:
        pid = int(p["id"])  # type: ignore[call-overload]
        know = knowledge[pid]
        kind = temperament[pid]
        validated_team = bool(p["validated_team"])
        for skill, t in sorted(know.items()):
            stale = stale_skill.get(pid) == skill
            if stale:
                # The level from their expert days, validated long ago; nothing since.
                days = rng.randint(3 * 365, 6 * 365)
                level = rng.choice((4, 5))
                assertions.append([pid, skill, level, "self", days + 20])
                assertions.append([pid, skill, level, "manager", days])
                for _ in range(poisson(rng, 1.5 * max(writer[pid], 1.0))):
                    article_no += 1
                    articles.append(
                        [
                            article_no,
                            pid,
                            skill,
                            f"{skill}: notes from {article_no}",
                            days + rng.randint(0, 200),
                        ]
                    )
                if skill in CERTIFIED:
                    certificates.append([pid, skill, days + 100, -(days - 700)])
                continue
            true_level = true_to_level(rng, t)
            days = rng.randint(10, 540)
            self_level: int | None
            if kind == "silent":
                self_level = None
            elif kind == "overconfident":
                self_level = min(5, true_level + rng.choice((1, 2)))
            elif kind == "modest":
                self_level = max(1, true_level - 1)
            else:
                self_level = min(5, max(1, true_level + rng.choice((-1, 0, 0, 0, 1))))
            if self_level is not None:
                assertions.append([pid, skill, self_level, "self", days])
            if validated_team and rng.random() < 0.7:
                assertions.append(
                    [pid, skill, true_level, "manager", max(1, days - rng.randint(1, 30))]
                )
            # Written knowledge and help given, from knowledge times habit.
            lam_articles = {1: 0.05, 2: 0.4, 3: 1.2}[t] * writer[pid]
            for _ in range(poisson(rng, lam_articles)):
                article_no += 1
                tags = [skill]
                if rng.random() < 0.2:
                    tags.append(rng.choice(siblings(skill)))
                articles.append(
                    [
                        article_no,
                        pid,
                        "|".join(tags),
                        f"{skill}: how we work {article_no}",
                        rng.randint(5, 720),
                    ]
                )
            lam_accepted = {1: 0.1, 2: 0.6, 3: 1.5}[t] * helper[pid]
            for _ in range(poisson(rng, lam_accepted)):
                question_no += 1
                answers.append(
                    [
                        question_no,
                        f"Question {question_no} on {skill}",
                        skill,
                        pid,
                        1,
                        poisson(rng, 1 + t),
                        rng.randint(5, 600),
                    ]
                )
            if t <= 1 and helper[pid] > 0 and rng.random() < 0.3:
                question_no += 1
                answers.append(
                    [
                        question_no,
                        f"Question {question_no} on {skill}",
                        skill,
                        pid,
                        0,
                        rng.choice((-1, 0, 0, 1)),
                        rng.randint(5, 600),
                    ]
                )
            if t == 3 and rng.random() < 0.3:
                for _ in range(rng.randint(1, 2)):
                    mentee = rng.randint(1, len(people))
                    if mentee != pid:
                        mentoring.append(
                            [
                                pid,
                                mentee,
                                skill,
                                rng.choice(("active", "ended")),
                                rng.randint(10, 400),
                            ]
                        )
            if skill in CERTIFIED and (
                (t >= 2 and rng.random() < 0.35) or (t == 1 and rng.random() < 0.05)
            ):
                issued = rng.randint(30, 900)
                certificates.append([pid, skill, issued, 1095 - issued])
        # Over-confident people claim fashionable skills they barely know; a validating
        # manager sets some of them straight.
        if kind == "overconfident":
            for skill in rng.sample(FASHIONABLE, rng.randint(1, 2)):
                if skill in know:
                    continue
                days = rng.randint(10, 400)
                assertions.append([pid, skill, rng.choice((4, 5)), "self", days])
                if validated_team and rng.random() < 0.5:
                    assertions.append([pid, skill, 1, "manager", max(1, days - 5)])

    active = {int(p["id"]) for p in people if p["active"]}  # type: ignore[call-overload]
    queries = _query_forms(rng, skills)
    topics = []
    for n, skill in enumerate(all_skills, start=1):
        judgements: dict[str, int] = {}
        for pid in sorted(active):
            know = knowledge[pid]
            grade = know.get(skill, 0)
            for sib in siblings(skill):
                grade = max(grade, know.get(sib, 0) - 2)
            if grade > 0:
                judgements[str(pid)] = grade
        topics.append({"id": n, "skill": skill, **queries[skill], "judgements": judgements})
    for p in people:
        del p["validated_team"]
    return {
        "skills": {
            "categories": list(CATEGORIES),
            "skills": skills,
            "certifications": [{"name": v, "skill": k} for k, v in CERTIFIED.items()],
        },
        "people": {"teams": [t[0] for t in TEAMS], "people": people},
        "assertions": (["person", "skill", "level", "source", "days_ago"], assertions),
        "certificates": (["person", "skill", "issued_days_ago", "expires_in_days"], certificates),
        "articles": (["id", "owner", "skills", "title", "days_ago"], articles),
        "answers": (
            ["question", "title", "skills", "author", "accepted", "score", "days_ago"],
            answers,
        ),
        "mentoring": (["mentor", "mentee", "skill", "state", "days_ago"], mentoring),
        "topics": topics,
    }


TYPOS = {
    "Kubernetes": "kubernets",
    "Terraform": "terrafrom",
    "TypeScript": "typscript",
    "Accessibility": "accesibility",
    "Penetration testing": "penetraton testing",
    "Stakeholder management": "stakeholder managment",
}


def _query_forms(rng: random.Random, skills: list[dict[str, object]]) -> dict[str, dict[str, str]]:
    """How each topic is asked: by typo, by alias, by lower-case name or as a chosen skill."""
    forms: dict[str, dict[str, str]] = {}
    for s in skills:
        name, aliases = str(s["name"]), list(s["aliases"])  # type: ignore[call-overload]
        if name in TYPOS:
            forms[name] = {"form": "typo", "query": TYPOS[name]}
        elif aliases and rng.random() < 0.5:
            forms[name] = {"form": "alias", "query": aliases[0]}
        elif rng.random() < 0.4:
            forms[name] = {"form": "name", "query": name.lower()}
        else:
            forms[name] = {"form": "skill", "query": ""}
    return forms


def write(data: dict[str, object], folder: Path = HERE) -> None:
    for name in ("skills", "people", "topics"):
        (folder / f"{name}.json").write_text(
            json.dumps(data[name], indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    for name in ("assertions", "certificates", "articles", "answers", "mentoring"):
        header, rows = data[name]  # type: ignore[misc]
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(header)
            out.writerows(rows)


if __name__ == "__main__":
    write(generate())
    print(f"wrote the expert-finder collection to {HERE}")
