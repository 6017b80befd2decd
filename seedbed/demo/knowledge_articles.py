"""The demo company's knowledge base: thirteen articles of Greenfield Works of every kind,
tagged with its skills, owned by its people, written and revised through the article services.

Steps of ``build_knowledge_articles``:
1. each article is written by its owner (``create_article``), then revised
   (``update_article``) for the ones with a history, and one gets a CSV attachment;
2. the services stamp everything "now", so each article is then placed in time: written,
   revised and last verified some days ago; a few are therefore overdue for review ("may be
   out of date"), among them one of the demo employee's, and one falls due within the week.

Additive and idempotent: an article whose title exists is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from seedbed.demo import data
from seedbed.knowledge.models import Article, ArticleRevision
from seedbed.knowledge.services.article_files import add_attachment
from seedbed.knowledge.services.articles import create_article, update_article
from seedbed.people.models import Person
from seedbed.skills.models import Skill


@dataclass(frozen=True)
class DemoArticle:
    title: str
    kind: str
    owner: str  # person key in seedbed.demo.data
    skills: list[str]
    summary: str
    body: str
    written_days_ago: int
    verified_days_ago: int  # the due date is this plus the interval
    interval: int = 180
    visibility: str = "org"
    state: str = "published"
    # Later versions: (days ago, note, body)
    revisions: list[tuple[int, str, str]] = field(default_factory=list)
    attachment: tuple[str, str] | None = None  # (file name, text content)


DEPLOY_V1 = """## Goal

Ship a new version of the customer portal (Django) to production without downtime.

## Prerequisites

- Merge rights on `greenfield/portal` and a green pipeline on `main`
- `kubectl` access to the `prod-eu` cluster (ask Ravi or Marco)

## Steps

1. Tag the release: `git tag portal-YYYY.MM.DD && git push --tags`
2. Wait for the *release* pipeline: it builds the image and runs the migrations check.
3. Deploy: `make deploy ENV=prod TAG=portal-YYYY.MM.DD`
4. Watch the rollout: `kubectl -n portal rollout status deploy/portal-web`

## Troubleshooting

| Symptom | Cause | Fix |
|---|---|---|
| Pods stuck in `CrashLoopBackOff` | missing environment variable | compare with `config/prod.env.example` |
| 502 from the load balancer | readiness probe failing | check `/healthz` in the pod logs |
"""

DEPLOY_V2 = DEPLOY_V1.replace(
    "3. Deploy: `make deploy ENV=prod TAG=portal-YYYY.MM.DD`\n",
    "3. Announce the deploy in #releases (customers see a banner during migrations).\n"
    "4. Deploy: `make deploy ENV=prod TAG=portal-YYYY.MM.DD`\n",
).replace("4. Watch the rollout", "5. Watch the rollout")

DEPLOY_V3 = DEPLOY_V2.replace(
    "## Troubleshooting",
    "## Rolling back\n\n"
    "`make rollback ENV=prod` returns to the previous image. Migrations are forward-only: "
    "never roll back past a release that changed the database without talking to Ravi.\n\n"
    "## Troubleshooting",
)

REVIEW_V1 = """Every change to the app or the platform gets one review before it is merged.

## The author

- Keeps the change small (under 400 lines where possible) and says *why* in the description.
- Runs `make check` locally: tests, `ruff`, `mypy`.

## The reviewer

1. Does the change do what the ticket asks, and nothing else?
2. Are there tests for the new behaviour, and do they fail without the change?
3. Are errors handled and shown to the user in words they can act on?
4. Is anything user-written escaped or sanitised?

> Review the code, not the person. Ask questions rather than give orders.
"""

REVIEW_V2 = REVIEW_V1.replace(
    "4. Is anything user-written escaped or sanitised?\n",
    "4. Is anything user-written escaped or sanitised?\n"
    "5. Database: does a new query run once per page, not once per row?\n",
)

GATEWAY = """*Written by Ben Carter before he left; Emma took the gateway over.*

## What it is

The **legacy sensor gateway** (`gw-legacy`) still serves the 40 oldest park installations
(Stadtpark Nord, the Hamburg golf clubs). It translates their 433 MHz sensors to MQTT.

## Where it runs

- One VM in the Frankfurt data centre: `gw-legacy-01`, Debian 11.
- Config in `/etc/gw-legacy/sites.yaml`; one block per site.

## Things only Ben knew

1. After a power cut the radio dongle comes up as `/dev/ttyUSB1` instead of `ttyUSB0`:
   edit `sites.yaml` and restart `gw-legacy.service`.
2. The Hamburg sites send temperatures in Fahrenheit (old firmware); the gateway converts them.
3. The TLS certificate is *not* in the fleet rotation; it expires every March.

## Plan

Replace it with the standard controller by the end of the year (see the decision on the
telemetry store).
"""

CERTS = """## Goal

Renew the client certificates of all field controllers before they expire (yearly, in
October).

## Prerequisites

- Access to the `fleet-ca` vault path
- The controller inventory export from the fleet dashboard

## Steps

1. `fleetctl certs plan --expiring-within 45d > plan.csv` and check the count against the
   inventory.
2. Roll out in waves of 200: `fleetctl certs rotate --plan plan.csv --wave 200`.
3. Watch the *certificate age* panel in Grafana; failed controllers retry every hour.
4. After three days, list the stragglers: `fleetctl certs status --failed`.

## Troubleshooting

- A controller offline for the whole window keeps its old certificate and gets the new one
  when it reconnects, as long as the old one is still valid.
- Firmware older than 3.2 cannot rotate remotely: a technician visit is needed.
"""

COMMISSION = """## Goal

Hand a new drip-irrigation zone over to the customer, tested and documented.

## Prerequisites

- Site plan with the zone marked, valve box installed
- Controller online in the fleet dashboard
- Personal protective equipment; isolate the mains before opening the valve box

## Steps

1. Flush the lines for two minutes before fitting the end caps.
2. Pressure test: 2.5 bar for 15 minutes, less than 0.1 bar drop.
3. Wire the solenoid to the next free station on the controller (red = common).
4. In the app, create the zone, assign the station, run a 5-minute test cycle.
5. Walk the zone with the customer; photograph every emitter line.
6. Upload the photos and the pressure reading to the job in the field app.

## Troubleshooting

| Symptom | Cause | Fix |
|---|---|---|
| Valve does not open | station not assigned | check step 4 |
| Pressure drops quickly | loose fitting | re-seat and re-test |
"""

TICKETS = """Customers write to us when something in their garden or park is not watering. A good
reply calms, explains and gives a next step.

## Do

- Answer within four working hours, even if only to say who is on it.
- Name the zone and the site, so the customer knows we looked.
- Give a time: "Paolo will be on site on Thursday morning."
- Close with what *they* can do meanwhile (manual watering via the app's *Run now*).

## Don't

- Blame the weather, the hardware or another team.
- Paste internal ticket numbers or error codes without explaining them.
"""

FIRMWARE_LESSON = """## Context

Firmware 4.0 went to 3,100 controllers between 3 and 14 March. Sven's team led it; Customer
Success and Operations were on call.

## What happened

Wave 2 (800 controllers) included the Hamburg sites on old radio hardware. 64 controllers lost
their schedule after the update and did not water for up to two days.

## What went well

- The canary wave caught the clock-drift bug before it reached anyone.
- Customer Success called every affected customer within a day.

## What to change

- Waves must be grouped by *hardware revision*, not by region.
- The update must keep the schedule if the migration of the settings fails.

## Actions

| Action | Owner | Due |
|---|---|---|
| Hardware revision in the rollout plan | Kenji | April |
| Settings migration falls back to the old schedule | Julia | April |
| Post-update watering check in the dashboard | Liam | May |
"""

STADTPARK_LESSON = """## Context

Installation of 28 zones in Stadtpark Süd for the city of Munich, planned for six weeks in
spring.

## What happened

It took eleven weeks. The valves arrived a month late because the order waited for a budget
approval nobody was chasing.

## What went well

- The crew re-planned to lay all pipes first, so no day on site was lost.
- The customer was told early and kept the contract.

## What to change

- Long-lead items (valves, controllers) are ordered at contract signature.
- One person owns every purchase order until it is delivered.

## Actions

- Procurement checklist updated (Anna)
- Weekly supplier call during big projects (Stefan)
"""

TELEMETRY_DECISION = """## Decision

We store controller telemetry in **PostgreSQL** (partitioned by month), not in a separate
time-series database.

## Why

- Our volume (about 2 million readings a day) fits easily in partitioned tables.
- One database means one backup, one set of skills, one on-call runbook.
- Reports join telemetry with customers and sites; that is plain SQL in PostgreSQL.

## Considered

- *InfluxDB*: faster for pure time-series queries, but a second system to run and learn.
- *TimescaleDB*: attractive, but its licence needed legal review; we can move later.

## Revisit when

Daily readings pass 20 million, or dashboard queries over a year take more than 2 seconds.
"""

PRICING_DECISION = """## Decision

Service-contract prices are reviewed every quarter, not yearly.

## Why

Parts costs moved by up to 18 % within a year; yearly reviews left us selling at a loss for
months.

## How

- Finance sends the parts index by the 5th of each quarter.
- Account executives may apply up to 4 % without approval; more goes to Rachel.
- Existing contracts change only at renewal.
"""

MONTH_END = """## Goal

Close the books within five working days after the month ends.

## Steps

1. Day 1: bank reconciliation, import of the card statements.
2. Day 2: accruals for field-service hours not yet invoiced (report from the field app).
3. Day 3: inventory valuation (Anna sends the count), depreciation run.
4. Day 4: management accounts draft to Oliver.
5. Day 5: final numbers, lock the period in the ERP.

## Troubleshooting

- Field hours missing: chase the coordinators, not the technicians.
"""

ONBOARDING = """## Goal

A new colleague feels welcome, has what they need and knows who to ask by the end of their
first week.

## Before day one

- Laptop and accounts ordered ten working days ahead (IT form in the HRIS).
- A buddy named; the buddy books a lunch on day one.

## Week one

1. Day 1: welcome by the manager, tour, accounts, safety briefing for field roles.
2. Day 2–3: meet the team and the buddy's key contacts.
3. Day 4: first small task with the buddy.
4. Day 5: check-in with the manager: what is unclear, what is missing?

## Troubleshooting

- No laptop on day one: use a loaner from People & Culture, never a personal device.
"""

WATER_SAVINGS = """## Goal

A defensible estimate of water saved for a proposal, in litres per season.

## Steps

1. Ask the customer for last season's water bill or meter readings.
2. Use the area and plant types to get the baseline need (FAO-56 crop coefficients).
3. Our controllers typically save 20–35 %; use 20 % unless we have data from a similar site.

*Draft: the table of similar sites is still missing.*
"""

INCIDENTS = """## Goal

Restore watering for customers quickly when the platform fails, and learn from every incident.

## Steps

1. Declare the incident in #incidents with `/incident start` — one person leads.
2. Check the status board: API, MQTT broker, scheduler, database.
3. If schedules are not reaching controllers, switch them to *local mode*:
   `fleetctl mode local --all` (controllers water from their last schedule).
4. Tell Customer Success what customers see and when we expect a fix.
5. After the fix: `fleetctl mode cloud --all`, then write the post-mortem within 3 days.

## Troubleshooting

| Symptom | First check |
|---|---|
| Controllers offline in the dashboard | MQTT broker pods and their certificate |
| Schedules late | scheduler queue length in Grafana |
"""

# fmt: off
ARTICLES: list[DemoArticle] = [
    DemoArticle(
        "Deploy the customer portal to production", "howto", "jonas",
        ["Django", "CI/CD", "Kubernetes"],
        "Tag, deploy and watch a release of the portal; how to roll back.",
        DEPLOY_V1, 320, 40, 180,
        revisions=[(210, "Announce deploys in #releases", DEPLOY_V2),
                   (40, "Added the rollback section", DEPLOY_V3)],
    ),
    DemoArticle(
        "Code review checklist", "practice", "emma",
        ["Code review", "Automated testing", "Python"],
        "What authors and reviewers check before a change is merged.",
        REVIEW_V1, 400, 170, 180,
        revisions=[(170, "Query counts belong in every review", REVIEW_V2)],
    ),
    DemoArticle(
        "Handover notes: the legacy sensor gateway", "handover", "emma",
        ["IoT protocols", "Linux administration"],
        "What only Ben knew about gw-legacy, the gateway of the oldest park sites.",
        GATEWAY, 160, 100, 90,
    ),
    DemoArticle(
        "Rotate the controller fleet's client certificates", "howto", "kenji",
        ["IoT protocols", "Linux administration", "Application security"],
        "The yearly certificate rotation of all field controllers, in waves.",
        CERTS, 500, 370, 365,
    ),
    DemoArticle(
        "Commission a new drip-irrigation zone", "howto", "stefan",
        ["Irrigation system installation", "Electrical wiring", "Health and safety"],
        "From flushing the lines to handing the zone over, with the pressure test.",
        COMMISSION, 600, 60, 365,
    ),
    DemoArticle(
        "Replying to a support ticket", "practice", "hugo",
        ["Support ticket handling", "Written communication"],
        "Calm, explain, give a next step: how we answer customers.",
        TICKETS, 420, 400, 270,
    ),
    DemoArticle(
        "Lessons learned: the spring firmware 4.0 rollout", "lesson", "sven",
        ["Embedded C", "IoT protocols", "Incident response"],
        "64 controllers lost their schedule; waves now follow hardware revisions.",
        FIRMWARE_LESSON, 230, 230, 365,
    ),
    DemoArticle(
        "Lessons learned: Stadtpark Süd installation", "lesson", "katarina",
        ["Project management", "Procurement", "Logistics planning"],
        "Five weeks late because valves were ordered late; what we changed.",
        STADTPARK_LESSON, 150, 150, 365,
    ),
    DemoArticle(
        "Decision: telemetry stays in PostgreSQL", "decision", "ravi",
        ["PostgreSQL", "Software architecture"],
        "Why we did not add a time-series database, and when to revisit.",
        TELEMETRY_DECISION, 420, 190, 180,
    ),
    DemoArticle(
        "Decision: quarterly price review of service contracts", "decision", "rachel",
        ["Negotiation", "Account management"],
        "Prices follow the parts index every quarter; who may apply what.",
        PRICING_DECISION, 90, 90, 180, visibility="team",
    ),
    DemoArticle(
        "Month-end close in five days", "howto", "nadia",
        ["Bookkeeping", "Financial reporting", "ERP systems"],
        "Day by day, from the bank reconciliation to locking the period.",
        MONTH_END, 365, 175, 180, visibility="team",
        attachment=("month-end-calendar.csv",
                    "day,task,owner\n1,Bank reconciliation,Nadia\n2,Accruals for field hours,Peter\n"
                    "3,Inventory valuation,Greta\n4,Management accounts draft,Nadia\n"
                    "5,Lock the period,Oliver\n"),
    ),
    DemoArticle(
        "A new colleague's first week", "howto", "lukas",
        ["Employee onboarding"],
        "Before day one and the first five days, for managers and buddies.",
        ONBOARDING, 200, 20, 180,
    ),
    DemoArticle(
        "Platform incident runbook", "howto", "marco",
        ["Incident response", "Observability", "Kubernetes"],
        "Declare, keep customers watering (local mode), fix, learn.",
        INCIDENTS, 250, 176, 180,
    ),
    DemoArticle(
        "Estimating water savings for proposals", "howto", "elena",
        ["Proposal writing", "Data analysis"],
        "A defensible litres-per-season estimate (draft).",
        WATER_SAVINGS, 12, 12, 180, state="draft",
    ),
]
# fmt: on


@transaction.atomic
def build_knowledge_articles(*, now: datetime | None = None) -> int:
    """Write the demo articles that do not exist yet; returns how many were written."""
    now = now or timezone.now()
    people = {
        spec.key: Person.objects.select_related("user").get(email__iexact=spec.email)
        for spec in data.PEOPLE
    }
    skills = dict(Skill.objects.values_list("name", "pk"))
    written = 0
    for spec in ARTICLES:
        if Article.objects.filter(title=spec.title).exists():
            continue
        owner = people[spec.owner]
        actor = owner.user
        assert actor is not None
        article = create_article(
            actor=actor,
            title=spec.title,
            body=spec.body,
            kind=spec.kind,
            summary=spec.summary,
            skill_ids=[skills[name] for name in spec.skills],
            owner=owner,
            visibility=spec.visibility,
            state=spec.state,
            review_interval_days=spec.interval,
        )
        for _days, note, body in spec.revisions:
            update_article(actor=actor, article=article, data={"body": body}, note=note)
        if spec.attachment is not None:
            name, text = spec.attachment
            add_attachment(
                actor=actor,
                article=article,
                upload=SimpleUploadedFile(name, text.encode(), content_type="text/csv"),
            )
        _place_in_time(article, spec, now)
        written += 1
    return written


def _place_in_time(article: Article, spec: DemoArticle, now: datetime) -> None:
    """The services stamped "now"; move the article and its versions to their demo dates."""
    written_at = now - timedelta(days=spec.written_days_ago)
    days = [spec.written_days_ago, *(d for d, _n, _b in spec.revisions)]
    for number, days_ago in enumerate(days, start=1):
        ArticleRevision.objects.filter(article=article, number=number).update(
            created_at=now - timedelta(days=days_ago, hours=number)
        )
    changed_at = now - timedelta(days=min(days))
    published = spec.state == "published"
    verified_at = now - timedelta(days=spec.verified_days_ago) if published else None
    Article.objects.filter(pk=article.pk).update(
        created_at=written_at,
        updated_at=changed_at,
        last_verified_at=verified_at,
        review_due_on=(
            timezone.localdate(verified_at) + timedelta(days=spec.interval) if verified_at else None
        ),
    )
