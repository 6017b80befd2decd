"""The demo company's mentoring, made through the mentoring services.

Steps of ``build_mentoring``:
1. skip if the demo cohort exists (additive and idempotent);
2. HR creates the spring cohort, opens it, and fifteen people sign up (five mentors, ten
   mentees, the demo employee among them) with the skills they offer or want;
3. the matcher pairs them; HR publishes; everyone answers yes except the demo employee, whose
   pair waits for her answer on "My mentoring";
4. the cohort is moved back in time (it started eight weeks before ``now``: the one step made
   without a service, as the demo's history is); the active pairs log sessions, keep goals,
   and two of them show progress (a manager validated a level since); one pair ended early and
   both gave feedback; one has gone quiet;
5. HR starts cross-training for a critical skill with a single holder (Incident response,
   held only by Kenji) with the learner the proposal ranks first; both accept and meet once.
Everything is dated relative to ``now`` and chosen without randomness, so two builds match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from seedbed.demo import data
from seedbed.mentoring.models import Pair, PairState, Participant, Programme
from seedbed.mentoring.services import cross_training as ct
from seedbed.mentoring.services import pairs as pair_services
from seedbed.mentoring.services import programmes as programme_services
from seedbed.mentoring.services import programmes_matching as matching_services
from seedbed.mentoring.services.pairs import GoalData, SessionData
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill, Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk

COHORT_NAME = "Grow together – spring cohort"
CROSS_TRAINING_SKILL = "Incident response"
STARTED_DAYS_AGO = 56


@dataclass(frozen=True)
class SignUp:
    key: str
    role: str  # mentor | mentee
    skills: tuple[str, ...]  # offered (mentors) or wanted (mentees)
    goals: str = ""
    capacity: int = 1
    availability: str = ""


# fmt: off
SIGN_UPS: list[SignUp] = [
    SignUp("mateusz", "mentor", ("Software architecture", "Python", "Code review"), capacity=2,
           availability="Tuesday afternoons"),
    SignUp("kenji", "mentor", ("Kubernetes", "AWS", "Linux administration"), capacity=2,
           availability="Every other Thursday"),
    SignUp("charlotte", "mentor", ("Negotiation", "Discovery calls", "Proposal writing"),
           capacity=2, availability="Mornings, London time"),
    SignUp("jan", "mentor", ("Churn prevention", "Product training", "Customer onboarding"),
           capacity=2, availability="Flexible"),
    SignUp("stefan", "mentor", ("Vendor management", "Field service scheduling"), capacity=2,
           availability="Fridays"),
    SignUp("emma", "mentee", ("Software architecture", "Kubernetes"),
           "Design the next version of the irrigation scheduler with confidence."),
    SignUp("ines", "mentee", ("Python", "Code review"), "Review pull requests on my own."),
    SignUp("zoe", "mentee", ("Kubernetes", "Linux administration"),
           "Take my first on-call week for the platform."),
    SignUp("arjun", "mentee", ("AWS", "Kubernetes"), "Own a service in production."),
    SignUp("noah", "mentee", ("Discovery calls", "Negotiation"), "Close my first deal alone."),
    SignUp("lucia", "mentee", ("Proposal writing", "Negotiation"), "Write winning proposals."),
    SignUp("tara", "mentee", ("Churn prevention", "Customer onboarding"),
           "Keep my accounts growing."),
    SignUp("maya", "mentee", ("Product training", "Churn prevention"),
           "Run product trainings for new customers."),
    SignUp("mia", "mentee", ("Vendor management", "Field service scheduling"),
           "Plan the summer service season."),
    SignUp("diego", "mentee", ("Vendor management",), "Negotiate better supplier terms."),
]
# fmt: on

# (session days after the start, minutes, topics, private notes) for the active pairs
SESSIONS: list[tuple[int, int, str, str]] = [
    (6, 60, "Getting to know each other; goals for the cohort.", "Wants honest feedback."),
    (20, 45, "Worked through a real example from this month.", ""),
    (34, 60, "Reviewed progress on the goals; next steps.", "Less nervous than at the start."),
    (48, 30, "Short check-in before a deadline.", ""),
]
GOALS: list[tuple[str, int]] = [("Apply it on a real piece of work", 60), ("Teach it back", 25)]


def _people() -> dict[str, Person]:
    keys = {s.key for s in SIGN_UPS} | {data.ADMIN_KEY, "kenji", "ravi", "marco", "sven"}
    emails = {p.email.lower(): p.key for p in data.PEOPLE if p.key in keys}
    return {
        emails[p.email.lower()]: p
        for p in Person.objects.select_related("user").filter(email__in=list(emails))
    }


def build_mentoring(*, now: datetime | None = None) -> None:
    """The demo's mentoring (see the module docstring). Additive and idempotent."""
    if Programme.objects.filter(name=COHORT_NAME).exists():
        return
    now = now or timezone.now()
    people = _people()
    admin = people[data.ADMIN_KEY].user
    assert admin is not None
    skills = {s.name: s for s in Skill.objects.filter(is_active=True)}
    start = now - timedelta(days=STARTED_DAYS_AGO)

    # 2. The cohort and its sign-ups.
    programme = programme_services.create_programme(
        actor=admin,
        data=programme_services.ProgrammeInput(
            name=COHORT_NAME,
            description="Twelve weeks of mentoring across teams: meet every two weeks, "
            "set one or two goals, tell us how it went at the end.",
            starts_on=timezone.localdate(start),
            ends_on=timezone.localdate(start + timedelta(weeks=16)),
            duration_weeks=16,
            quiet_after_days=21,
            # What people said they want and offer counts most in this cohort.
            weights={
                "skills": 0.3,
                "goals": 0.45,
                "language": 0.05,
                "timezone": 0.05,
                "teams": 0.1,
                "seniority": 0.05,
            },
            skills=[skills[n] for s in SIGN_UPS for n in s.skills if n in skills][:30],
        ),
    )
    programme_services.set_state(actor=admin, programme=programme, state="open")
    for sign_up in SIGN_UPS:
        person = people[sign_up.key]
        assert person.user is not None
        wanted = [skills[n] for n in sign_up.skills if n in skills]
        programme_services.join_programme(
            actor=person.user,
            programme=programme,
            person=person,
            data=programme_services.ParticipationInput(
                role=sign_up.role,
                capacity=sign_up.capacity if sign_up.role == "mentor" else 1,
                availability=sign_up.availability,
                goals=sign_up.goals,
                wants_skills=wanted if sign_up.role == "mentee" else [],
                offers_skills=wanted if sign_up.role == "mentor" else [],
            ),
        )

    # 3. Matching, publishing, answers.
    matching_services.run_matching(actor=admin, programme=programme)
    matching_services.publish(actor=admin, programme=programme)
    emma = people[data.EMPLOYEE_KEY]
    pairs = list(
        programme.pairs.filter(state=PairState.PUBLISHED)
        .select_related("mentor__user", "mentee__user")
        .order_by("mentee__full_name", "id")
    )
    for pair in pairs:
        assert pair.mentor.user is not None and pair.mentee.user is not None
        matching_services.answer(actor=pair.mentor.user, pair=pair, accept=True)
        if pair.mentee_id != emma.pk:  # the demo employee's answer is hers to give
            matching_services.answer(actor=pair.mentee.user, pair=pair, accept=True)

    # 4. Back in time: the cohort started eight weeks ago.
    Programme.objects.filter(pk=programme.pk).update(
        created_at=start - timedelta(days=21),
        matched_at=start - timedelta(days=3),
        published_at=start - timedelta(days=2),
    )
    Participant.objects.filter(programme=programme).update(joined_at=start - timedelta(days=14))
    active = [p for p in pairs if p.mentee_id != emma.pk]
    for k, pair in enumerate(active):
        began = start + timedelta(days=k % 3)
        Pair.objects.filter(pk=pair.pk).update(
            created_at=start - timedelta(days=3),
            published_at=start - timedelta(days=2),
            started_at=began,
            last_activity_at=began,
        )
        pair.refresh_from_db()
    Pair.objects.filter(pk__in=[p.pk for p in pairs if p.mentee_id == emma.pk]).update(
        created_at=now - timedelta(days=3), published_at=now - timedelta(days=2)
    )
    quiet = active[-1] if len(active) > 2 else None  # no session since week one
    ended = active[0] if active else None
    for k, pair in enumerate(active):
        assert pair.mentor.user is not None and pair.mentee.user is not None
        logged = SESSIONS[:1] if pair is quiet else SESSIONS[: 2 + k % 3]
        for days, minutes, topics, notes in logged:
            held = (pair.started_at or start) + timedelta(days=days)
            if held > now:
                continue
            pair_services.log_session(
                actor=pair.mentee.user if days % 2 else pair.mentor.user,
                pair=pair,
                data=SessionData(
                    held_on=timezone.localdate(held),
                    minutes=minutes,
                    topics=topics,
                    private_notes=notes,
                    skills=list(pair.focus_skills.all()[:2]),
                ),
                now=held + timedelta(hours=2),
            )
        focus = pair.focus_skills.order_by("name").first()
        for n, (title, progress) in enumerate(GOALS[: 1 + k % 2]):
            pair_services.add_goal(
                actor=pair.mentee.user,
                pair=pair,
                data=GoalData(
                    f"{title}: {focus.name}" if focus and n == 0 else title,
                    focus if n == 0 else None,
                    None,
                    progress,
                ),
            )
    _progress(active[1:3], now=now)
    if ended is not None:
        assert ended.mentor.user is not None and ended.mentee.user is not None
        pair_services.end_pair(actor=ended.mentee.user, pair=ended, now=now - timedelta(days=9))
        pair_services.give_feedback(
            actor=ended.mentee.user,
            pair=ended,
            rating=5,
            comment="Exactly the help I needed; we reached the goal early.",
        )
        pair_services.give_feedback(actor=ended.mentor.user, pair=ended, rating=4)

    # 5. Cross-training of a critical skill with a single holder.
    _cross_training(admin_key=data.ADMIN_KEY, people=people, now=now)


def _progress(pairs: list[Pair], *, now: datetime) -> None:
    """The mentees' managers validated one level more in a focus skill, ten days ago."""
    for pair in pairs:
        focus = pair.focus_skills.order_by("name").first()
        manager = Person.objects.select_related("user").filter(reports=pair.mentee_id).first()
        if focus is None or manager is None or manager.user is None:
            continue
        current = (
            PersonSkill.objects.filter(person=pair.mentee, skill=focus)
            .values_list("level", flat=True)
            .first()
        )
        if current is None or current >= 5:
            continue
        record_assertions_bulk(
            actor=manager.user,
            rows=[
                NewAssertion(
                    person_id=pair.mentee_id,
                    skill_id=focus.pk,
                    level=current + 1,
                    source=Source.MANAGER,
                    note="Visible progress since the mentoring started.",
                    at=now - timedelta(days=10),
                )
            ],
            summary=f"Demo: progress of {pair.mentee.full_name}",
        )


def _cross_training(*, admin_key: str, people: dict[str, Person], now: datetime) -> None:
    admin = people[admin_key].user
    assert admin is not None
    proposal = next(
        (p for p in ct.proposals(admin) if p.skill_name == CROSS_TRAINING_SKILL and p.learners),
        None,
    )
    if proposal is None:
        return
    mentor = Person.objects.select_related("user").get(pk=proposal.holder_id)
    learner = Person.objects.select_related("user").get(pk=proposal.learners[0].person_id)
    skill = Skill.objects.get(pk=proposal.skill_id)
    pair = ct.start(actor=admin, skill=skill, mentor=mentor, mentee=learner, now=now)
    for who in (mentor, learner):
        assert who.user is not None
        matching_services.answer(actor=who.user, pair=pair, accept=True)
    began = now - timedelta(days=12)
    Pair.objects.filter(pk=pair.pk).update(
        created_at=began - timedelta(days=2),
        published_at=began - timedelta(days=2),
        started_at=began,
    )
    pair.refresh_from_db()
    assert learner.user is not None
    pair_services.log_session(
        actor=learner.user,
        pair=pair,
        data=SessionData(
            held_on=timezone.localdate(now - timedelta(days=5)),
            minutes=90,
            topics="Walked through the last two incidents and the runbook.",
            private_notes="Shadow the next on-call handover.",
            skills=[skill],
        ),
        now=now - timedelta(days=5),
    )
    pair_services.add_goal(
        actor=learner.user,
        pair=pair,
        data=GoalData("Lead an incident review with Kenji watching", skill, ct.TARGET_LEVEL, 20),
    )
