"""Build the demo company, Greenfield Works, through the same services the app uses.

Steps of ``build_demo`` (one transaction):
1. refuse a database that holds another organisation; skip if the demo is already there;
2. the HR lead (admin) first, since every later service call needs an admin actor;
3. teams, the skills taxonomy (default scale plus a language scale), roles and requirements;
4. people with reporting lines and logins (three with the printed demo password);
5. two years of rating history: two review cycles of self-ratings validated by managers, newer
   self-ratings still waiting for validation, some levels not reviewed for over a year, and a few
   certifications, assessments, completed courses and peer ratings;
6. interests (keen / happy / not interested) and one person who left;
7. a skills survey running for Engineering: launched nine days ago, due in twelve, seven of
   sixteen done and the demo employee half-way (their answers wait for validation);
8. certifications with certificates near expiry, and development plans
   (``build_certifications_and_plans``).

All randomness comes from one seeded generator and every date is relative to ``now``, so a
demo built from the same seed on the same day is the same demo.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from seedbed.accounts.models import AccessLevel, User
from seedbed.accounts.services import audit, update_org_settings
from seedbed.demo import data
from seedbed.demo.knowledge_articles import build_knowledge_articles
from seedbed.demo.knowledge_questions import build_questions
from seedbed.demo.mentoring import build_mentoring
from seedbed.frameworks.models import Role
from seedbed.frameworks.services import save_role, set_requirement
from seedbed.knowledge.evidence import rebuild_evidence
from seedbed.lib.errors import Conflict
from seedbed.people.models import Person, Team
from seedbed.people.services import deactivate_person, link_user, save_person, save_team
from seedbed.search.index import reindex_all
from seedbed.skills.models import Interest, PersonSkill, Skill, SkillCategory, Source
from seedbed.skills.services import (
    NewAssertion,
    ensure_default_scale,
    record_assertions_bulk,
    save_category,
    save_scale,
    save_skill,
    set_interest,
)
from seedbed.surveys.models import Scope
from seedbed.surveys.services import launch_campaign, submit_answers

DEFAULT_SEED = 2026
# The two company-wide skills reviews, in days before ``now``: the older one is more than a
# year back, so levels last reviewed then count as stale.
REVIEW_CYCLES_DAYS_AGO = (640, 200)


@dataclass(frozen=True)
class DemoLogin:
    label: str
    email: str
    what: str


@dataclass(frozen=True)
class DemoSummary:
    """What ``build_demo`` found or made, for the console and for tests."""

    created: bool
    people: int
    teams: int
    roles: int
    skills: int
    current_levels: int
    pending_for_manager: int
    manager_reports: int
    logins: list[DemoLogin]
    password: str = data.DEMO_PASSWORD


def _person(key: str) -> data.DemoPerson:
    return next(p for p in [*data.PEOPLE, data.FORMER] if p.key == key)


def demo_logins() -> list[DemoLogin]:
    admin, manager, employee = (
        _person(k) for k in (data.ADMIN_KEY, data.MANAGER_KEY, data.EMPLOYEE_KEY)
    )
    return [
        DemoLogin(
            "Admin", admin.email, f"{admin.name}, HR lead: manages people, skills and settings"
        ),
        DemoLogin(
            "Manager",
            manager.email,
            f"{manager.name}, engineering manager: validation queue and team matrix",
        ),
        DemoLogin(
            "Employee",
            employee.email,
            f"{employee.name}, software engineer in {manager.name.split()[0]}'s team",
        ),
    ]


def demo_exists() -> bool:
    return Person.objects.filter(email__iexact=_person(data.ADMIN_KEY).email).exists()


def summarise(*, created: bool) -> DemoSummary:
    manager = (
        Person.objects.select_related("user")
        .filter(email__iexact=_person(data.MANAGER_KEY).email)
        .first()
    )
    pending = reports = 0
    if manager is not None and manager.user is not None:  # None only if someone erased him
        pending = PersonSkill.objects.pending_for(manager.user).count()
        reports = manager.reports.filter(is_active=True).count()
    return DemoSummary(
        created=created,
        people=Person.objects.active().count(),
        teams=Team.objects.count(),
        roles=Role.objects.count(),
        skills=Skill.objects.count(),
        current_levels=PersonSkill.objects.count(),
        pending_for_manager=pending,
        manager_reports=reports,
        logins=demo_logins(),
    )


@transaction.atomic
def build_demo(*, seed: int = DEFAULT_SEED, now: datetime | None = None) -> DemoSummary:
    """Create Greenfield Works unless it exists. Raises Conflict if the database already holds
    people who are not the demo company (the demo must never mix into real data)."""
    if demo_exists():
        return summarise(created=False)
    existing = Person.objects.count()
    if existing:
        raise Conflict(
            f"This database already holds an organisation ({existing} people) that is not the "
            "demo. Use another data folder (SEEDBED_DATA_DIR) for the demo."
        )
    _Builder(random.Random(seed), now or timezone.now()).build()
    reindex_all()  # the search index, once, over everything built
    return summarise(created=True)


class _Builder:
    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.teams: dict[str, Team] = {}
        self.roles: dict[str, Role] = {}
        self.skills: dict[str, Skill] = {}
        self.language_skills: set[str] = set()
        self.people: dict[str, Person] = {}
        self.users: dict[str, User] = {}
        self.admin: User
        self.rows: dict[int, list[NewAssertion]] = defaultdict(list)  # rater user id -> rows
        self.raters: dict[int, User] = {}
        self.validated: dict[tuple[str, str], int] = {}  # (person key, skill) -> last validated

    # --- steps ---------------------------------------------------------------------------
    def build(self) -> None:
        self.bootstrap_admin()
        update_org_settings(
            actor=self.admin,
            data={
                "name": data.ORG_NAME,
                "default_timezone": "Europe/Berlin",
                "review_interval_months": 12,
            },
        )
        self.build_teams()
        self.build_taxonomy()
        self.build_roles()
        self.build_people()
        self.build_history()
        self.build_interests()
        former = self.people[data.FORMER.key]
        deactivate_person(
            actor=self.admin, person=former, left_on=(self.now - timedelta(days=150)).date()
        )
        self.build_survey()
        build_learning(now=self.now)
        build_certifications_and_plans(now=self.now)
        build_knowledge_articles(now=self.now)
        build_questions(now=self.now)
        build_mentoring(now=self.now)
        rebuild_evidence()  # the history above back-dates articles with QuerySet.update
        audit(
            actor=self.admin, action="demo.build", summary=f"Demo company {data.ORG_NAME} created"
        )

    def bootstrap_admin(self) -> None:
        # Every service below needs an admin actor, so the HR lead's record comes first: the
        # one row made without a service (her team, role and manager follow via save_person).
        spec = _person(data.ADMIN_KEY)
        person = Person.objects.create(full_name=spec.name, email=spec.email)
        self.admin = link_user(
            person=person, access_level=AccessLevel.ADMIN, password=data.DEMO_PASSWORD
        )
        self.people[spec.key] = person
        self.users[spec.key] = self.admin

    def build_teams(self) -> None:
        for name, (parent, description) in data.TEAMS.items():
            self.teams[name] = save_team(
                actor=self.admin,
                data={
                    "name": name,
                    "description": description,
                    "parent": self.teams[parent] if parent else None,
                },
            )

    def build_taxonomy(self) -> None:
        ensure_default_scale()
        language_scale = save_scale(
            actor=self.admin,
            name=data.LANGUAGE_SCALE_NAME,
            description=data.LANGUAGE_SCALE_DESCRIPTION,
            levels=data.LANGUAGE_LEVELS,
        )
        categories: dict[str, SkillCategory] = {}
        for name, (parent, description, skills) in data.TAXONOMY.items():
            categories[name] = save_category(
                actor=self.admin,
                data={
                    "name": name,
                    "description": description,
                    "parent": categories[parent] if parent else None,
                    "scale": language_scale if name == data.LANGUAGES_CATEGORY else None,
                },
            )
            for skill_name, aliases, criticality, skill_description in skills:
                self.skills[skill_name] = save_skill(
                    actor=self.admin,
                    data={
                        "name": skill_name,
                        "category": categories[name],
                        "aliases": aliases,
                        "criticality": criticality,
                        "description": skill_description,
                    },
                )
                if name == data.LANGUAGES_CATEGORY:
                    self.language_skills.add(skill_name)

    def build_roles(self) -> None:
        for name, (description, requirements) in data.ROLES.items():
            role = save_role(actor=self.admin, data={"name": name, "description": description})
            for skill_name, level, importance in requirements:
                set_requirement(
                    actor=self.admin,
                    role=role,
                    skill=self.skills[skill_name],
                    required_level=level,
                    importance=importance,
                )
            self.roles[name] = role

    def build_people(self) -> None:
        specs = [*data.PEOPLE, data.FORMER]
        managers = {p.manager for p in specs if p.manager}
        for spec in specs:
            tz, local = data.LOCATIONS[spec.location]
            joined = (self.now - timedelta(days=round(spec.years * 365))).date()
            fields = {
                "full_name": spec.name,
                "email": spec.email,
                "team": self.teams[spec.team],
                "role": self.roles[spec.role],
                "location": spec.location,
                "timezone": tz,
                "languages": ", ".join(["en", *local]),
                "start_date": joined,
                "manager": self.people[spec.manager] if spec.manager else None,
            }
            existing = self.people.get(spec.key)
            self.people[spec.key] = save_person(actor=self.admin, person=existing, data=fields)
            if spec.key == data.ADMIN_KEY:
                continue
            level = AccessLevel.MANAGER if spec.key in managers else AccessLevel.EMPLOYEE
            demo_login = spec.key in (data.MANAGER_KEY, data.EMPLOYEE_KEY)
            self.users[spec.key] = link_user(
                person=self.people[spec.key],
                access_level=level,
                actor=self.admin,
                password=data.DEMO_PASSWORD if demo_login else None,
            )

    # --- rating history --------------------------------------------------------------------
    def _bounds(self, skill: str) -> tuple[int, int]:
        return (1, 4) if skill in self.language_skills else (0, 5)

    def _targets(self, spec: data.DemoPerson) -> dict[str, int]:
        """Where this person stands today in each skill they have rated (dict keeps order)."""
        rng = self.rng
        targets: dict[str, int] = {}
        for skill, required, _importance in data.ROLES[spec.role][1]:
            delta = rng.choices([-2, -1, 0, 1], weights=[5, 27, 45, 23])[0]
            if spec.years >= 5 and rng.random() < 0.3:
                delta += 1
            if spec.years < 1.5 and rng.random() < 0.3:
                delta -= 1
            lo, hi = self._bounds(skill)
            targets[skill] = max(lo + 1 if lo == 0 else lo, min(hi, required + delta))
        pool = [s for s in data.TEAM_EXTRAS[spec.team] if s not in targets]
        for skill in rng.sample(pool, k=min(len(pool), rng.randint(2, 5))):
            targets[skill] = rng.choice([1, 2, 2, 3, 3, 4])
        _tz, local = data.LOCATIONS[spec.location]
        targets.setdefault("English", 4 if spec.location == "London" or rng.random() < 0.3 else 3)
        local_skill = {"de": "German", "nl": "Dutch", "es": "Spanish"}.get(
            local[0] if local else ""
        )
        if local_skill:
            targets.setdefault(local_skill, 4 if rng.random() < 0.7 else 3)
        if rng.random() < 0.15:
            targets.setdefault(rng.choice(["French", "Spanish"]), rng.choice([1, 2]))
        return targets

    def _day(self, days_ago: float) -> datetime:
        # Working hours, so timestamps look like real people clicked them.
        moment = self.now - timedelta(days=days_ago)
        return moment.replace(
            hour=self.rng.randint(8, 17), minute=self.rng.randint(0, 59), second=0, microsecond=0
        )

    def _add(
        self,
        rater_key: str,
        spec: data.DemoPerson,
        skill: str,
        level: int,
        source: str,
        at: datetime,
        *,
        note: str = "",
        evidence_url: str = "",
        review_by: datetime | None = None,
    ) -> None:
        user = self.users[rater_key]
        self.raters[user.pk] = user
        self.rows[user.pk].append(
            NewAssertion(
                person_id=self.people[spec.key].pk,
                skill_id=self.skills[skill].pk,
                level=level,
                source=source,
                note=note,
                evidence_url=evidence_url,
                at=at,
                review_by=review_by.date() if review_by else None,
            )
        )

    def build_history(self) -> None:
        rng = self.rng
        older, newer = REVIEW_CYCLES_DAYS_AGO
        for spec in [*data.PEOPLE, data.FORMER]:
            days_employed = spec.years * 365
            left = spec.key == data.FORMER.key
            targets = self._targets(spec)
            for skill, target in targets.items():
                lo, _hi = self._bounds(skill)
                floor = max(lo, 1)
                history: list[tuple[float, int]] = []  # (days ago, self level)
                if days_employed > older + 30:
                    grew = 1 if rng.random() < 0.35 else 0
                    history.append((older - rng.uniform(0, 20), max(floor, target - grew)))
                    # Not re-rated in the newer review: last reviewed over a year ago (stale).
                    if not left and rng.random() < 0.72:
                        history.append((newer - rng.uniform(0, 20), target))
                elif days_employed > newer + 30:
                    history.append((days_employed - rng.uniform(30, 60), max(floor, target - 1)))
                    if rng.random() < 0.8:
                        history.append((newer - rng.uniform(0, 20), target))
                else:
                    history.append((days_employed - rng.uniform(20, 40), target))
                for days_ago, level in history:
                    self._add(spec.key, spec, skill, level, Source.SELF, self._day(days_ago))
                    self._validate(spec, skill, level, days_ago)
            self._recent_self_ratings(spec, targets)
        for person_key, skill, source, level, note, link, expires in data.EXTRA_EVIDENCE:
            at = self._day(rng.uniform(40, 500))
            self._add(
                data.ADMIN_KEY,
                _person(person_key),
                skill,
                level,
                source,
                at,
                note=note,
                evidence_url=link,
                review_by=at + timedelta(days=730) if expires else None,
            )
        for person_key, skill, peer_key, level in data.PEER_EVIDENCE:
            self._add(
                peer_key,
                _person(person_key),
                skill,
                level,
                Source.PEER,
                self._day(rng.uniform(20, 300)),
                note="From working together on a project.",
            )
        for user_id, rows in self.rows.items():
            user = self.raters[user_id]
            record_assertions_bulk(
                actor=user, rows=rows, summary=f"Demo rating history by {user.email}"
            )

    def _validate(self, spec: data.DemoPerson, skill: str, level: int, days_ago: float) -> None:
        """Most self-ratings get the manager's validation within a few weeks, some adjusted."""
        rng = self.rng
        # The CEO has no manager: her self-ratings wait in the admin's queue.
        if spec.manager is None or rng.random() > 0.96:
            return
        lo, hi = self._bounds(skill)
        checked, note, roll = level, "", rng.random()
        if roll < 0.08 and level > max(lo, 1):
            checked, note = level - 1, "Adjusted: let's see this on a real project first."
        elif roll > 0.94 and level < hi:
            checked, note = level + 1, "Adjusted up: you undersell yourself here."
        validated_days_ago = max(days_ago - rng.uniform(2, 25), 1)
        self._add(
            spec.manager,
            spec,
            skill,
            checked,
            Source.MANAGER,
            self._day(validated_days_ago),
            note=note,
        )
        self.validated[(spec.key, skill)] = checked

    def _recent_self_ratings(self, spec: data.DemoPerson, targets: dict[str, int]) -> None:
        """Self-ratings from the last few weeks, newer than any validation: the queue. Every
        report of the demo manager has some; elsewhere a few people do."""
        if spec.key == data.FORMER.key:
            return
        rng = self.rng
        in_demo_team = spec.manager == data.MANAGER_KEY
        if not in_demo_team and rng.random() > 0.2:
            return
        level_now = {s: self.validated.get((spec.key, s), t) for s, t in targets.items()}
        growable = [s for s in targets if level_now[s] < self._bounds(s)[1]]
        count = rng.randint(2, 3) if in_demo_team else 1
        for skill in rng.sample(growable, k=min(len(growable), count)):
            note = "Took on more of this lately." if rng.random() < 0.5 else ""
            self._add(
                spec.key,
                spec,
                skill,
                level_now[skill] + 1,
                Source.SELF,
                self._day(rng.uniform(1, 20)),
                note=note,
            )

    def build_interests(self) -> None:
        rng = self.rng
        for spec in [*data.PEOPLE, data.FORMER]:
            person, user = self.people[spec.key], self.users[spec.key]
            required = [s for s, _level, _imp in data.ROLES[spec.role][1]]
            extras = [s for s in data.TEAM_EXTRAS[spec.team] if s not in required]
            choices = [(s, Interest.KEEN) for s in rng.sample(required, k=rng.randint(1, 2))]
            choices += [(s, Interest.HAPPY) for s in rng.sample(extras, k=rng.randint(1, 2))]
            if rng.random() < 0.4:
                choices.append(
                    (rng.choice([s for s in extras if s not in dict(choices)]), Interest.NONE)
                )
            for skill, interest in choices:
                set_interest(actor=user, person=person, skill=self.skills[skill], interest=interest)

    def build_survey(self) -> None:
        campaign = launch_campaign(
            actor=self.admin,
            name="Engineering skills check",
            message=(
                "Please confirm or update your levels in the skills your role needs before we "
                "plan next year's training budget."
            ),
            scope=Scope.TEAM,
            team=self.teams["Engineering"],
            deadline=(self.now + timedelta(days=12)).date(),
            now=self.now - timedelta(days=9),
        )
        done = ("jonas", "sven", "ana", "kenji", "fatima", "liam", "julia")
        for key in (*done, data.EMPLOYEE_KEY):
            person, user = self.people[key], self.users[key]
            task = campaign.tasks.get(person=person)
            current = {
                ps.skill_id: ps.self_level if ps.pending_validation else ps.level
                for ps in PersonSkill.objects.filter(person=person)
            }
            items = list(task.items.order_by("skill__name"))
            if key == data.EMPLOYEE_KEY:
                items = items[:2]  # half-way: her task stays open
            answers: dict[int, int] = {}
            for item in items:
                level = current.get(item.skill_id)
                answers[item.skill_id] = (
                    level if level is not None else max(1, (item.required_level or 2) - 1)
                )
            submit_answers(
                actor=user,
                task=task,
                answers=answers,
                complete=key != data.EMPLOYEE_KEY,
                at=self._day(self.rng.uniform(1, 8)),
            )


# --- certifications and development plans ------------------------------------------------

# (name, issuer, skill, level it proves, validity in months, roles that require it)
DEMO_CERTIFICATIONS: list[tuple[str, str, str, int, int, list[str]]] = [
    ("First aid at work", "St John Ambulance", "Health and safety", 3, 36, ["Field Technician"]),
    ("Electrical safety (NEN 3140)", "NEN", "Electrical wiring", 3, 12, ["Field Technician"]),
    (
        "Certified Kubernetes Administrator (CKA)",
        "CNCF",
        "Kubernetes",
        4,
        24,
        ["Platform Engineer"],
    ),
    ("AWS Certified Solutions Architect – Associate", "Amazon Web Services", "AWS", 4, 36, []),
]
# (person key, certification, number, days until it expires): issued one validity earlier, so
# the compliance table shows every status and the reminders have something to send.
DEMO_CERTIFICATES: list[tuple[str, str, str, int]] = [
    ("paolo", "First aid at work", "SJA-20417", 20),
    ("paolo", "Electrical safety (NEN 3140)", "NEN-3140-881", 120),
    ("thomas", "First aid at work", "SJA-19102", 700),
    ("thomas", "Electrical safety (NEN 3140)", "NEN-3140-642", -10),
    ("ewa", "First aid at work", "SJA-21877", 45),
    ("mehmet", "First aid at work", "SJA-20933", 400),
    ("mehmet", "Electrical safety (NEN 3140)", "NEN-3140-907", 200),
    ("kenji", "Certified Kubernetes Administrator (CKA)", "LF-CKA-2291", 30),
    ("ravi", "Certified Kubernetes Administrator (CKA)", "LF-CKA-3350", 6),
    ("ana", "AWS Certified Solutions Architect – Associate", "AWS-SAA-77120", 500),
]


@transaction.atomic
def build_certifications_and_plans(*, now: datetime | None = None) -> None:
    """Certification kinds (two required of field technicians, one of platform engineers),
    certificates near expiry (recorded by their holders, waiting for verification), and
    development plans: the demo employee's, agreed by her manager and now overdue for review with a
    stalled goal, and a draft of another report's waiting to be agreed. Additive and
    idempotent: what exists (matched by name, person and title) is left alone; dates are
    relative to ``now``."""
    from seedbed.certifications.models import Certification, HeldCertification
    from seedbed.certifications.services import KindData, add_certificate, save_certification
    from seedbed.development.models import DevelopmentPlan
    from seedbed.development.services import add_goal, agree_plan, create_plan, record_review
    from seedbed.learning.models import LearningItem

    today = timezone.localdate(now or timezone.now())
    people = {
        spec.key: Person.objects.select_related("user").get(email__iexact=spec.email)
        for spec in data.PEOPLE
    }
    admin, manager, employee = (
        people[data.ADMIN_KEY],
        people[data.MANAGER_KEY],
        people[data.EMPLOYEE_KEY],
    )
    assert admin.user and manager.user and employee.user
    kinds: dict[str, Certification] = {}
    for name, issuer, skill, level, months, roles in DEMO_CERTIFICATIONS:
        found = Certification.objects.filter(name=name, issuer=issuer).first()
        kinds[name] = found or save_certification(
            actor=admin.user,
            data=KindData(
                name=name,
                issuer=issuer,
                skill=Skill.objects.get(name=skill),
                level=level,
                validity_months=months,
                roles=list(Role.objects.filter(name__in=roles)),
            ),
        )
    for key, name, number, days_left in DEMO_CERTIFICATES:
        kind = kinds[name]
        if HeldCertification.objects.filter(person=people[key], certification=kind).exists():
            continue
        expires = today + timedelta(days=days_left)
        months = kind.validity_months or 12
        holder = people[key].user
        assert holder is not None
        # Recorded by the holders themselves, so they wait for verification: the demo's
        # rating history already holds the certification evidence (with past dates).
        add_certificate(
            actor=holder,
            person=people[key],
            certification=kind,
            number=number,
            issued_on=expires - timedelta(days=round(months * 30.44)),
            expires_on=expires,
            today=today,
        )
    aws = kinds["AWS Certified Solutions Architect – Associate"]
    if not HeldCertification.objects.filter(person=employee, certification=aws).exists():
        add_certificate(
            actor=employee.user,
            person=employee,
            certification=aws,
            number="AWS-SAA-80456",
            issued_on=today - timedelta(days=40),
            today=today,
        )

    title = "Backend depth, 2027"
    if not DevelopmentPlan.objects.filter(person=employee, title=title).exists():
        plan = create_plan(actor=employee.user, person=employee, title=title)
        for skill_name, target, due_in in [
            ("Automated testing", 4, 20),
            ("API design", 3, 90),
            ("Kubernetes", 2, None),
        ]:
            goal_skill = Skill.objects.get(name=skill_name)
            items = LearningItem.objects.active().filter(skills__skill=goal_skill)
            add_goal(
                actor=employee.user,
                plan=plan,
                skill=goal_skill,
                target_level=target,
                due_date=today + timedelta(days=due_in) if due_in is not None else None,
                note="",
                items=list(items.order_by("title")[:2]),
            )
        agree_plan(
            actor=manager.user, plan=plan, next_review=today + timedelta(days=30), today=today
        )
        record_review(
            actor=manager.user,
            plan=plan,
            note="Good start on testing; pair with Jonas on the API redesign next.",
            reviewed_on=today - timedelta(days=95),
            next_review=today - timedelta(days=5),
            today=today,
        )
    ravi = people["ravi"]
    draft = "Kubernetes to expert"
    if ravi.user and not DevelopmentPlan.objects.filter(person=ravi, title=draft).exists():
        plan = create_plan(actor=ravi.user, person=ravi, title=draft)
        add_goal(
            actor=ravi.user,
            plan=plan,
            skill=Skill.objects.get(name="Kubernetes"),
            target_level=5,
            due_date=today + timedelta(days=180),
        )


# code, title, kind, provider, format, language, hours, cost, approval, url, skills,
# prerequisites (item codes, or (skill, level)), description
DemoItem = tuple[
    str, str, str, str, str, str, str, str, bool, str, list[tuple[str, int]], list[Any], str
]
# fmt: off
DEMO_CATALOGUE: list[DemoItem] = [
    ("DOCKER-101", "Docker: get started", "elearning", "Docker", "self_paced", "en", "2", "0", False,
     "https://docs.docker.com/get-started/", [("Docker", 2)], [],
     "Build, run and share your first containers."),
    ("K8S-101", "Kubernetes basics (interactive tutorial)", "elearning", "Kubernetes project", "self_paced", "en", "3", "0", False,
     "https://kubernetes.io/docs/tutorials/kubernetes-basics/", [("Kubernetes", 2)], ["DOCKER-101"],
     "Deploy, expose, scale and update an app on a small cluster in the browser."),
    ("K8S-301", "Kubernetes in production", "workshop", "Container Academy Berlin", "in_person", "en", "16", "950", True,
     "", [("Kubernetes", 4)], ["K8S-101", ("Docker", 2)],
     "Two days on a real cluster: upgrades, autoscaling, network policies, incident drills."),
    ("DJANGO-TUT", "The Django tutorial", "elearning", "Django Software Foundation", "self_paced", "en", "6", "0", False,
     "https://docs.djangoproject.com/en/stable/intro/tutorial01/", [("Django", 2)], [("Python", 2)],
     "The official seven-part tutorial: models, views, templates, forms, tests."),
    ("PYTEST-BOOK", "Python testing with pytest", "reading", "Pragmatic Bookshelf", "self_paced", "en", "10", "45", False,
     "", [("Automated testing", 3)], [("Python", 2)],
     "Fixtures, parametrisation and plugins: the test suite the backend deserves."),
    ("OWASP-10", "OWASP Top 10 walkthrough", "elearning", "OWASP Foundation", "self_paced", "en", "4", "0", False,
     "https://owasp.org/Top10/", [("Application security", 2)], [],
     "The ten most critical web application security risks, with examples."),
    ("SEC-WS", "Secure coding workshop", "workshop", "Greenfield Security Guild", "in_person", "en", "4", "0", False,
     "", [("Application security", 3)], ["OWASP-10"],
     "Hands-on: find and fix the vulnerabilities in a copy of our own portal."),
    ("PRO-GIT", "Pro Git", "reading", "Scott Chacon and Ben Straub", "self_paced", "en", "8", "0", False,
     "https://git-scm.com/book/en/v2", [("Git", 3)], [],
     "The free book: branching, rebasing, internals."),
    ("SRE-BOOK", "Site Reliability Engineering", "reading", "Google", "self_paced", "en", "12", "0", False,
     "https://sre.google/sre-book/table-of-contents/", [("Incident response", 3), ("Observability", 2)], [],
     "How Google runs production systems; read the chapters on incidents and monitoring first."),
    ("TF-TUT", "Terraform tutorials", "elearning", "HashiCorp", "self_paced", "en", "5", "0", False,
     "https://developer.hashicorp.com/terraform/tutorials", [("Terraform", 2)], [],
     "Get started with infrastructure as code on AWS."),
    ("AWS-SAA", "AWS Solutions Architect Associate preparation", "external", "AWS Training and Certification", "online", "en", "40", "680", True,
     "", [("AWS", 3)], [],
     "Exam preparation course and voucher."),
    ("OTJ-RELEASE", "Run a production release end to end", "on_the_job", "Greenfield Works", "in_person", "en", "6", "0", False,
     "", [("CI/CD", 3)], [("Git", 2)],
     "Prepare, ship and verify a release of the platform, including the rollback plan."),
    ("OTJ-ONCALL", "Shadow an on-call week", "mentoring", "Greenfield Works", "blended", "en", "20", "0", False,
     "", [("Incident response", 2)], ["SRE-BOOK"],
     "Follow the on-call engineer for a week and write the post-mortem of one incident."),
    ("MENTOR-API", "API design mentoring", "mentoring", "Greenfield Works", "blended", "en", "6", "0", False,
     "", [("API design", 3)], [],
     "Six sessions with a senior engineer on the partner API redesign."),
    ("HS-ONLINE", "Health and safety on site", "elearning", "Greenfield HSE", "self_paced", "de", "2", "0", False,
     "", [("Health and safety", 2)], [],
     "Water, electricity and ladders: the basics every field visit needs."),
    ("FIRST-AID", "First aid at work", "workshop", "Red Cross training centre", "in_person", "de", "8", "120", False,
     "", [("Health and safety", 3)], ["HS-ONLINE"],
     "One-day certified first aid course."),
    ("INSTALL-CERT", "Certified irrigation installer", "external", "Irrigation Association", "in_person", "en", "24", "1200", True,
     "", [("Irrigation system installation", 3)], [("Health and safety", 2)],
     "Design and installation of drip and sprinkler systems, with exam."),
    ("NEGOTIATE-BOOK", "Never split the difference", "reading", "Chris Voss", "self_paced", "en", "8", "25", False,
     "", [("Negotiation", 3)], [],
     "Tactical empathy for sales conversations."),
    ("SOLUTION-SELL", "Solution selling", "external", "Sales Excellence Institute", "online", "en", "16", "850", True,
     "", [("Solution selling", 3)], [],
     "Selling outcomes rather than hardware, in four half-day sessions."),
    ("SQL-TUT", "PostgreSQL tutorial", "elearning", "PostgreSQL Global Development Group", "self_paced", "en", "4", "0", False,
     "https://www.postgresql.org/docs/current/tutorial.html", [("SQL", 2), ("PostgreSQL", 2)], [],
     "The tutorial of the official documentation."),
    ("PYCON-DE", "PyCon DE and PyData", "conference", "Python Software Verband", "in_person", "en", "24", "450", True,
     "", [("Data analysis", 2)], [],
     "Three days of talks and tutorials in Berlin."),
]
# fmt: on


@transaction.atomic
def build_learning(*, now: datetime | None = None) -> None:
    """A small learning catalogue (free and paid items of every kind, prerequisites, sessions
    for the workshops and the conference, an on-the-job task) and the demo team's learning:
    the demo employee has completed two items (their levels wait in her manager's validation
    queue), is reading a book, asked to join a workshop (waiting for approval) and is doing an
    on-the-job task her manager will sign off; a colleague's request waits too; hours logged
    this month. Everything goes through the learning services. Additive and idempotent: skipped
    when the catalogue's first item exists; dates are relative to ``now``."""
    from seedbed.learning.models import Enrolment, LearningItem
    from seedbed.learning.services import catalogue as catalogue_services
    from seedbed.learning.services import enrolments as enrolment_services
    from seedbed.learning.services import hours as hours_services
    from seedbed.learning.services import signoff as signoff_services

    if LearningItem.objects.filter(code=DEMO_CATALOGUE[0][0]).exists():
        return
    now = now or timezone.now()
    today = timezone.localdate(now)
    people = {
        p.key: Person.objects.select_related("user", "manager").get(email__iexact=p.email)
        for p in data.PEOPLE
    }
    admin = people[data.ADMIN_KEY].user
    assert admin is not None
    items: dict[str, LearningItem] = {}
    for (
        code,
        title,
        kind,
        provider,
        fmt,
        lang,
        hours,
        cost,
        approval,
        url,
        skills,
        _p,
        text,
    ) in DEMO_CATALOGUE:
        items[code] = catalogue_services.save_item(
            actor=admin,
            data={
                "code": code,
                "title": title,
                "kind": kind,
                "provider": provider,
                "format": fmt,
                "language": lang,
                "duration_hours": hours,
                "cost": cost,
                "requires_approval": approval,
                "url": url,
                "description": text,
            },
            skills=[(Skill.objects.get(name=name), level) for name, level in skills],
        )
    for code, *_rest, prerequisites, _text in DEMO_CATALOGUE:
        for needed in prerequisites:
            if isinstance(needed, str):
                catalogue_services.add_prerequisite(
                    actor=admin, item=items[code], requires_item=items[needed]
                )
            else:
                catalogue_services.add_prerequisite(
                    actor=admin,
                    item=items[code],
                    requires_skill=Skill.objects.get(name=needed[0]),
                    requires_level=needed[1],
                )

    def at(days: int, hour: int) -> datetime:
        return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)

    sessions = {
        code: catalogue_services.save_session(
            actor=admin,
            item=items[code],
            starts_at=at(days, 8),
            ends_at=at(days + length - 1, 16),
            location=where,
            seats=seats,
        )
        for code, days, length, where, seats in [
            ("K8S-301", 24, 2, "Container Academy, Berlin", 8),
            ("SEC-WS", 10, 1, "Berlin office, room Elbe", 12),
            ("FIRST-AID", 17, 1, "Munich office", 10),
            ("PYCON-DE", 60, 3, "Berlin Congress Center", 6),
        ]
    }

    emma, marco = people[data.EMPLOYEE_KEY], people[data.MANAGER_KEY]
    assert emma.user is not None and marco.user is not None
    enrol = enrolment_services.enrol
    for code, reaction in [
        (
            "DOCKER-101",
            enrolment_services.Reaction(usefulness=4, applicability=4, would_recommend=True),
        ),
        (
            "K8S-101",
            enrolment_services.Reaction(
                usefulness=5,
                applicability=4,
                would_recommend=True,
                comment="The interactive cluster made it click.",
                pre_score=Decimal(35),
                post_score=Decimal(80),
            ),
        ),
    ]:
        done = enrol(actor=emma.user, person=emma, item=items[code], now=now)
        enrolment_services.complete(actor=emma.user, enrolment=done, reaction=reaction, now=now)
    reading = enrol(
        actor=emma.user,
        person=emma,
        item=items["PYTEST-BOOK"],
        due_date=today + timedelta(days=21),
        now=now,
    )
    enrolment_services.set_progress(actor=emma.user, enrolment=reading, progress=40)
    enrol(actor=emma.user, person=emma, item=items["K8S-301"], session=sessions["K8S-301"], now=now)
    task = enrol(
        actor=marco.user,
        person=emma,
        item=items["OTJ-RELEASE"],
        due_date=today + timedelta(days=30),
        now=now,
    )
    signoff_services.add_assessor(actor=marco.user, enrolment=task, assessor=marco)
    jonas, leila = people["jonas"], people["leila"]
    assert jonas.user is not None and leila.user is not None
    enrol(actor=jonas.user, person=jonas, item=items["AWS-SAA"], now=now)
    enrol(actor=marco.user, person=leila, item=items["SEC-WS"], session=sessions["SEC-WS"], now=now)
    enrol(actor=marco.user, person=jonas, item=items["SEC-WS"], session=sessions["SEC-WS"], now=now)
    for key in ("paolo", "ewa", "lars"):
        person = people[key]
        assert person.user is not None
        enrol(actor=person.user, person=person, item=items["HS-ONLINE"], now=now)
    first = today.replace(day=1)
    logged: list[tuple[int, str, str | None, str]] = [
        (9, "1.5", "K8S-101", "Cluster tutorial, modules 4–6"),
        (4, "1", "PYTEST-BOOK", "Chapters 2 and 3"),
        (1, "0.75", None, "Read the team's post-mortems"),
    ]
    for days_ago, hours, item_code, note in logged:
        enrolment = (
            Enrolment.objects.filter(person=emma, item=items[item_code]).first()
            if item_code
            else None
        )
        hours_services.log_hours(
            actor=emma.user,
            person=emma,
            on=max(first, today - timedelta(days=days_ago)),
            hours=Decimal(hours),
            enrolment=enrolment,
            note=note,
            now=now,
        )
