"""The demo company's questions and answers, made through the Q&A services.

Steps of ``build_questions``:
1. skip if the first demo question exists (additive and idempotent);
2. ask each question as its asker, days before ``now``, tagged with its skills: the expert
   finder routes it to the people who know most about them (within the caps), as in real use;
3. answer it (each answer as its author, hours after the question), comment, vote;
4. accept the answers the asker found right; turn one of them into an article;
5. the last two questions stay unanswered: they wait on the unanswered list and on the
   "Questions for me" list of the people they were sent to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from seedbed.accounts.models import User
from seedbed.demo import data
from seedbed.knowledge.models import Answer, Question
from seedbed.knowledge.services import questions as services
from seedbed.people.models import Person
from seedbed.skills.models import Skill


@dataclass(frozen=True)
class DemoAnswer:
    author: str  # person key
    body: str
    accepted: bool = False
    up: tuple[str, ...] = ()  # keys of people who vote it up
    down: tuple[str, ...] = ()
    comments: tuple[tuple[str, str], ...] = ()  # (person key, text)


@dataclass(frozen=True)
class DemoQuestion:
    asker: str
    days_ago: float
    title: str
    body: str
    skills: tuple[str, ...]
    answers: tuple[DemoAnswer, ...] = ()
    comments: tuple[tuple[str, str], ...] = ()
    to_article: bool = False


# fmt: off
QUESTIONS: list[DemoQuestion] = [
    DemoQuestion(
        "emma", 41, "How do we roll back a failed deploy on the Kubernetes cluster?",
        "The release pipeline went green but the new pods keep crash-looping on startup. "
        "What is the quickest **safe** way back to the previous version?",
        ("Kubernetes", "CI/CD"),
        answers=(
            DemoAnswer(
                "kenji",
                "Roll the deployment back, then find out why:\n\n"
                "```\nkubectl rollout undo deployment/portal -n production\n"
                "kubectl rollout status deployment/portal -n production\n```\n\n"
                "`rollout undo` goes back to the previous ReplicaSet, so it takes seconds. "
                "Then look at `kubectl logs --previous` of a crashed pod. Tell #platform in "
                "the chat so nobody re-runs the pipeline meanwhile.",
                accepted=True, up=("emma", "jonas", "ravi", "marco"),
                comments=(("emma", "Worked in under a minute, thank you!"),),
            ),
            DemoAnswer(
                "ravi",
                "If the database migration already ran, check that the old version still "
                "works with the new schema before you roll back. Our migrations are "
                "backwards-compatible by rule, but it is worth a look.",
                up=("kenji", "mateusz"),
            ),
        ),
        to_article=True,
    ),
    DemoQuestion(
        "ines", 33, "What is the right way to add a column to a big PostgreSQL table without downtime?",
        "The `readings` table has about 400 million rows. I need a new nullable column "
        "and later a default.",
        ("PostgreSQL", "Django"),
        answers=(
            DemoAnswer(
                "mateusz",
                "1. Add the column as **nullable without a default** — that is instant.\n"
                "2. Backfill in batches of ~10,000 rows in a management command, not in the "
                "migration.\n"
                "3. Only then set the default (and `NOT NULL`, with a `CHECK ... NOT VALID` "
                "first, validated separately).\n\n"
                "Keep each migration to one of these steps so a deploy never holds a long lock.",
                accepted=True, up=("ines", "emma", "leila"),
            ),
        ),
        comments=(("jonas", "Also set `lock_timeout` in the migration, just in case."),),
    ),
    DemoQuestion(
        "lars", 27, "Controller shows “E12 valve fault” but the valve opens by hand — what next?",
        "Site: Westpark, zone 4. The solenoid clicks when I test it at the controller.",
        ("Troubleshooting", "Electrical wiring"),
        answers=(
            DemoAnswer(
                "thomas",
                "E12 means the controller measured no current draw when it opened the zone. "
                "If the solenoid clicks at the controller, measure at the valve box: "
                "a corroded splice in the field wiring is the usual culprit (we see it after "
                "every wet winter). Re-make the splice with a gel-filled connector.",
                accepted=True, up=("lars", "paolo", "ewa"),
                comments=(("lars", "It was the splice. Fixed, thanks!"),),
            ),
            DemoAnswer(
                "paolo",
                "And check the common wire too — if several zones share it, a break there "
                "shows up as E12 on one zone first.",
                up=("thomas",),
            ),
        ),
    ),
    DemoQuestion(
        "chloe", 20, "Which MQTT QoS level do the soil sensors use, and why?",
        "I am writing the ingestion service for the new sensor generation.",
        ("IoT protocols", "Embedded C"),
        answers=(
            DemoAnswer(
                "julia",
                "QoS 1 (at least once). Readings carry a sequence number, so the backend "
                "drops duplicates; QoS 2 cost too much battery on LoRaWAN gateways.",
                up=("chloe", "liam"),
            ),
        ),
    ),
    DemoQuestion(
        "leila", 14, "How do I get read access to the production logs in Grafana?",
        "", ("Observability",),
        answers=(
            DemoAnswer(
                "kenji",
                "Ask in #platform with your team lead in copy; we add you to the "
                "`grafana-readers` group. Logs are under **Explore → Loki → production**.",
                accepted=True, up=("leila",),
            ),
        ),
        comments=(("marco", "Approved for the whole app team, by the way."),),
    ),
    DemoQuestion(
        "elena", 12, "A tender asks for ISO 27001 — do we have it, and who writes that section?",
        "The Rotterdam parks tender is due in two weeks.",
        ("Proposal writing", "Application security"),
        answers=(
            DemoAnswer(
                "charlotte",
                "We are not certified yet (the audit is planned for next spring), but we "
                "have the security whitepaper that maps our controls to ISO 27001 Annex A. "
                "Reuse section 4 of the Hamburg bid and ask engineering to confirm it is "
                "still current.",
                up=("elena", "george"),
            ),
        ),
    ),
    DemoQuestion(
        "noah", 9, "How do I explain water savings to a municipal parks department?",
        "They care about the budget, not about sensors.",
        ("Solution selling",),
        answers=(
            DemoAnswer(
                "george",
                "Lead with their own numbers: last summer's water bill and the hours their "
                "staff spent on manual watering. Then our reference: Westpark saved 31 % "
                "water in the first season. Offer a one-zone pilot.",
                accepted=True, up=("noah", "lucia", "rachel"),
            ),
        ),
    ),
    DemoQuestion(
        "arjun", 6, "Our pytest suite is slow: how do we share the database between tests?",
        "Each test module builds the same fixtures again; the suite takes 11 minutes.",
        ("Automated testing", "Python", "Django"),
        answers=(
            DemoAnswer(
                "jonas",
                "Use `django_db_setup` with session scope for the expensive reference data "
                "and keep per-test data in small builder functions. Also run with "
                "`--reuse-db` locally.",
                accepted=True, up=("arjun", "emma"),
            ),
            DemoAnswer(
                "leila",
                "Profile first: `pytest --durations=20` showed us that three tests "
                "took half of the time.",
                up=("arjun", "jonas", "mateusz"),
            ),
        ),
    ),
    DemoQuestion(
        "sara", 4, "Where are the brand templates for trade-show slides?",
        "", ("Brand design", "Event management"),
        answers=(
            DemoAnswer(
                "ella",
                "In the shared drive under *Marketing → Brand → 2026*. Use the 16:9 deck; "
                "the 4:3 one is outdated.",
                up=("sara",),
            ),
        ),
    ),
    DemoQuestion(
        "fatima", 2, "How do we rotate the AWS access keys used by the firmware build pipeline?",
        "The keys are two years old and the security review flagged them.",
        ("AWS", "CI/CD"),
    ),
    DemoQuestion(
        "hugo", 1, "Is there a checklist for the first site visit at a new golf-course customer?",
        "I am onboarding Lakeside Golf next week and want to get the visit right.",
        ("Customer onboarding", "Irrigation system installation"),
    ),
]
# fmt: on


@transaction.atomic
def build_questions(*, now: datetime | None = None) -> None:
    """Questions, answers, comments, votes and acceptances of the demo company (see the module
    docstring). Additive and idempotent: skipped when the first demo question exists."""
    if Question.objects.filter(title=QUESTIONS[0].title).exists():
        return
    now = now or timezone.now()
    keys = {p.key: p.email for p in data.PEOPLE}
    people = {
        key: Person.objects.select_related("user").get(email__iexact=email)
        for key, email in keys.items()
    }
    skills = {s.name: s for s in Skill.objects.filter(is_active=True)}

    def user(key: str) -> User:
        found = people[key].user
        assert found is not None, key
        return found

    for spec in QUESTIONS:
        asked_at = now - timedelta(days=spec.days_ago)
        question = services.ask_question(
            actor=user(spec.asker),
            title=spec.title,
            body=spec.body,
            skills=[skills[name] for name in spec.skills if name in skills],
            now=asked_at,
        )
        for i, (key, text) in enumerate(spec.comments):
            services.add_comment(
                actor=user(key),
                question=question,
                body=text,
                now=asked_at + timedelta(hours=1 + i),
            )
        made: list[tuple[DemoAnswer, Answer]] = []
        for i, answer_spec in enumerate(spec.answers):
            at = asked_at + timedelta(hours=2 + 3 * i)
            answer = services.answer_question(
                actor=user(answer_spec.author), question=question, body=answer_spec.body, now=at
            )
            for j, (key, text) in enumerate(answer_spec.comments):
                services.add_comment(
                    actor=user(key), answer=answer, body=text, now=at + timedelta(hours=1 + j)
                )
            for key in answer_spec.up:
                services.vote(actor=user(key), answer=answer, value=1)
            for key in answer_spec.down:
                services.vote(actor=user(key), answer=answer, value=-1)
            made.append((answer_spec, answer))
        for answer_spec, answer in made:
            if answer_spec.accepted:
                services.accept_answer(actor=user(spec.asker), question=question, answer=answer)
                if spec.to_article:
                    services.answer_to_article(actor=user(spec.asker), answer=answer)
