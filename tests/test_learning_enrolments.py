"""Doing the learning, services: enrolment and approval rules, seats, completion feeding the
skills inventory (through the manager's validation queue), on-the-job sign-off, the reaction
survey, learning hours and who sees which enrolments."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from seedbed.accounts.models import OrgSettings
from seedbed.learning.models import Enrolment, EnrolmentStatus, Kind, LearningItem, SignOffDecision
from seedbed.learning.services import catalogue as catalogue_services
from seedbed.learning.services import enrolments as services
from seedbed.learning.services import hours as hours_services
from seedbed.learning.services import signoff as signoff_services
from seedbed.learning.services.enrolments import Reaction
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.notifications.models import Notification
from seedbed.people.models import Person
from seedbed.skills.models import Assertion, PersonSkill, Skill, Source
from seedbed.skills.services import record_assertion, validate_rating
from tests.conftest import Org
from tests.test_learning_catalogue import make_item

pytestmark = pytest.mark.django_db


def rate(org: Org, who: str, skill: str, level: int, *, validated: bool = True) -> None:
    """A self-rating, validated by the person's manager (admin when they have none)."""
    person: Person = getattr(org, who)
    s = Skill.objects.get(name=skill)
    record_assertion(actor=person.user, person=person, skill=s, level=level, source=Source.SELF)  # type: ignore[arg-type]
    if validated:
        manager = person.manager.user if person.manager else org.user("admin")
        validate_rating(actor=manager, person_skill=PersonSkill.objects.get(person=person, skill=s))  # type: ignore[arg-type]


def session_for(org: Org, item: LearningItem, seats: int, days: int = 7):  # type: ignore[no-untyped-def]
    start = timezone.now() + timedelta(days=days)
    return catalogue_services.save_session(
        actor=org.user("admin"),
        item=item,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        seats=seats,
    )


# --- enrolling ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "person", "allowed"),
    [
        ("employee", "employee", True),
        ("manager", "employee", True),
        ("manager", "report2", True),  # indirect report, via the lead
        ("lead", "report2", True),
        ("admin", "outsider", True),
        ("employee", "report2", False),
        ("lead", "employee", False),  # a colleague, not in the lead's line
        ("outsider_manager", "employee", False),
        ("manager", "outsider", False),
    ],
)
def test_who_may_enrol_whom(org: Org, actor: str, person: str, allowed: bool) -> None:
    item = make_item(org, "Git basics")
    if allowed:
        e = services.enrol(actor=org.user(actor), person=getattr(org, person), item=item)
        assert e.status == EnrolmentStatus.ENROLLED
    else:
        with pytest.raises(NotAllowed):
            services.enrol(actor=org.user(actor), person=getattr(org, person), item=item)
        assert not Enrolment.objects.exists()


def test_self_enrolment_in_an_approval_item_is_a_request_and_tells_the_manager(org: Org) -> None:
    item = make_item(org, "Conference ticket", requires_approval=True, cost="900")
    e = services.enrol(actor=org.user("employee"), person=org.employee, item=item)
    assert e.status == EnrolmentStatus.REQUESTED and e.decided_by is None
    note = Notification.objects.get(recipient=org.manager)
    assert "Emil Employee asks to take “Conference ticket”" in note.title
    assert note.link == "/learning/approvals/"
    assert e in services.approvals_for(org.user("manager"))


def test_an_enrolment_by_the_manager_is_approved_by_making_it(org: Org) -> None:
    item = make_item(org, "Conference ticket", requires_approval=True)
    e = services.enrol(actor=org.user("manager"), person=org.employee, item=item)
    assert e.status == EnrolmentStatus.ENROLLED and e.decided_by == org.user("manager")
    assert Notification.objects.filter(recipient=org.employee, title__contains="enrolled").exists()


def test_one_open_enrolment_per_item_but_a_retake_after_completion(org: Org) -> None:
    item = make_item(org, "Git basics")
    e = services.enrol(actor=org.user("employee"), person=org.employee, item=item)
    with pytest.raises(Conflict, match="already enrolled"):
        services.enrol(actor=org.user("manager"), person=org.employee, item=item)
    services.complete(actor=org.user("employee"), enrolment=e)
    assert services.enrol(actor=org.user("employee"), person=org.employee, item=item).pk != e.pk


def test_archived_items_and_people_who_left_take_no_enrolments(org: Org) -> None:
    item = make_item(org, "Old")
    catalogue_services.set_item_active(actor=org.user("admin"), item=item, active=False)
    with pytest.raises(ServiceError, match="archived"):
        services.enrol(actor=org.user("employee"), person=org.employee, item=item)


def test_due_date_cannot_be_in_the_past(org: Org) -> None:
    item = make_item(org, "Git basics")
    with pytest.raises(ServiceError, match="past") as exc:
        services.enrol(
            actor=org.user("employee"),
            person=org.employee,
            item=item,
            due_date=timezone.localdate() - timedelta(days=1),
        )
    assert exc.value.field == "due_date"


# --- approval ----------------------------------------------------------------------------


def _request(org: Org, who: str = "employee") -> Enrolment:
    item = make_item(org, f"Paid course for {who}", requires_approval=True, cost="300")
    person = getattr(org, who)
    return services.enrol(actor=person.user, person=person, item=item)


def test_nobody_approves_their_own_request(org: Org) -> None:
    e = _request(org)
    with pytest.raises(NotAllowed, match="your own request"):
        services.decide(actor=org.user("employee"), enrolment=e, approve=True)
    admin_request = _request(org, "admin")
    with pytest.raises(NotAllowed, match="your own request"):
        services.decide(actor=org.user("admin"), enrolment=admin_request, approve=True)


@pytest.mark.parametrize(
    ("approver", "allowed"),
    [
        ("lead", True),
        ("manager", True),
        ("admin", True),
        ("outsider_manager", False),
        ("employee", False),
    ],
)
def test_managers_approve_for_their_line_only_and_hr_for_anyone(
    org: Org, approver: str, allowed: bool
) -> None:
    e = _request(org, "report2")  # report2 -> lead -> manager
    if allowed:
        services.decide(actor=org.user(approver), enrolment=e, approve=True, note="Go for it")
        e.refresh_from_db()
        assert e.status == EnrolmentStatus.ENROLLED and e.decision_note == "Go for it"
        assert Notification.objects.filter(
            recipient=org.report2, title__startswith="Approved"
        ).exists()
    else:
        with pytest.raises(NotAllowed):
            services.decide(actor=org.user(approver), enrolment=e, approve=True)
        e.refresh_from_db()
        assert e.status == EnrolmentStatus.REQUESTED


def test_a_rejection_needs_a_note_and_a_decision_is_made_once(org: Org) -> None:
    e = _request(org)
    with pytest.raises(ServiceError, match="Say why") as exc:
        services.decide(actor=org.user("manager"), enrolment=e, approve=False)
    assert exc.value.field == "note"
    services.decide(actor=org.user("manager"), enrolment=e, approve=False, note="Budget is spent")
    e.refresh_from_db()
    assert e.status == EnrolmentStatus.REJECTED
    with pytest.raises(Conflict, match="already decided"):
        services.decide(actor=org.user("admin"), enrolment=e, approve=True)
    assert e not in services.approvals_for(org.user("manager"))


def test_approval_queues_per_actor(org: Org) -> None:
    mine, theirs = _request(org, "employee"), _request(org, "outsider")
    assert list(services.approvals_for(org.user("manager"))) == [mine]
    assert list(services.approvals_for(org.user("outsider_manager"))) == [theirs]
    assert set(services.approvals_for(org.user("admin"))) == {mine, theirs}
    assert not services.approvals_for(org.user("employee")).exists()


# --- seats -------------------------------------------------------------------------------


def test_seats_cannot_be_overbooked_and_a_cancellation_frees_one(org: Org) -> None:
    workshop = make_item(org, "Workshop", kind=Kind.WORKSHOP)
    session = session_for(org, workshop, seats=1)
    with pytest.raises(ServiceError, match="Choose one of the upcoming sessions"):
        services.enrol(actor=org.user("employee"), person=org.employee, item=workshop)
    first = services.enrol(
        actor=org.user("employee"), person=org.employee, item=workshop, session=session
    )
    with pytest.raises(Conflict, match="full"):
        services.enrol(actor=org.user("admin"), person=org.report2, item=workshop, session=session)
    services.cancel(actor=org.user("employee"), enrolment=first)
    again = services.enrol(
        actor=org.user("admin"), person=org.report2, item=workshop, session=session
    )
    assert again.session == session


def test_a_request_waiting_for_approval_holds_its_seat(org: Org) -> None:
    workshop = make_item(org, "Paid workshop", kind=Kind.WORKSHOP, requires_approval=True)
    session = session_for(org, workshop, seats=1)
    services.enrol(actor=org.user("employee"), person=org.employee, item=workshop, session=session)
    with pytest.raises(Conflict, match="full"):
        services.enrol(actor=org.user("lead"), person=org.report2, item=workshop, session=session)


def test_a_session_that_started_or_of_another_item_is_refused(org: Org) -> None:
    workshop = make_item(org, "Workshop", kind=Kind.WORKSHOP)
    other = make_item(org, "Other workshop", kind=Kind.WORKSHOP)
    theirs = session_for(org, other, seats=5)
    session_for(org, workshop, seats=5)
    with pytest.raises(ServiceError, match="another item"):
        services.enrol(
            actor=org.user("employee"), person=org.employee, item=workshop, session=theirs
        )


# --- completion feeds the skills inventory -------------------------------------------------


def test_completion_records_learning_claims_the_manager_confirms(org: Org) -> None:
    rate(org, "employee", "Kubernetes", 1)  # validated at 1
    item = make_item(org, "Kubernetes in practice", skills=[("Kubernetes", 3), ("Python", 2)])
    e = services.enrol(actor=org.user("employee"), person=org.employee, item=item)
    services.set_progress(actor=org.user("employee"), enrolment=e, progress=60)
    services.complete(
        actor=org.user("employee"),
        enrolment=e,
        reaction=Reaction(
            usefulness=4,
            applicability=5,
            would_recommend=True,
            comment="Good",
            pre_score=Decimal("40"),
            post_score=Decimal("85.5"),
        ),
    )
    e.refresh_from_db()
    assert (e.status, e.progress, e.usefulness, e.post_score) == (
        "completed",
        100,
        4,
        Decimal("85.5"),
    )
    k8s = PersonSkill.objects.get(person=org.employee, skill__name="Kubernetes")
    # The manager's validated 1 stands until the claim is confirmed...
    assert (k8s.level, k8s.source, k8s.pending_validation) == (1, Source.MANAGER, True)
    claim = Assertion.objects.get(pk=k8s.pending_assertion_id)
    assert (claim.source, claim.level) == (Source.LEARNING, 3)
    assert "Kubernetes in practice" in claim.note
    # ...it waits in the manager's validation queue (not in the outsider manager's)...
    queue = PersonSkill.objects.pending_for(org.user("manager"))
    assert {ps.skill.name for ps in queue} == {"Kubernetes", "Python"}
    assert not PersonSkill.objects.pending_for(org.user("outsider_manager")).exists()
    assert Notification.objects.filter(recipient=org.manager, title__contains="completed").exists()
    # ...and once the manager confirms it, it is the current level.
    validate_rating(actor=org.user("manager"), person_skill=k8s)
    k8s.refresh_from_db()
    assert (k8s.level, k8s.source, k8s.pending_validation) == (3, Source.MANAGER, False)


def test_completion_without_a_claim_level_for_archived_skills(org: Org) -> None:
    item = make_item(org, "Mixed", skills=[("Kubernetes", 2), ("Python", 2)])
    Skill.objects.filter(name="Python").update(is_active=False)
    e = services.enrol(actor=org.user("employee"), person=org.employee, item=item)
    services.complete(actor=org.user("employee"), enrolment=e)
    assert set(
        Assertion.objects.filter(person=org.employee).values_list("skill__name", flat=True)
    ) == {"Kubernetes"}


@pytest.mark.parametrize("who", ["outsider", "outsider_manager", "lead"])
def test_others_cannot_complete_progress_or_cancel(org: Org, who: str) -> None:
    e = services.enrol(actor=org.user("employee"), person=org.employee, item=make_item(org, "Git"))
    for call in (
        lambda: services.complete(actor=org.user(who), enrolment=e),
        lambda: services.set_progress(actor=org.user(who), enrolment=e, progress=10),
        lambda: services.cancel(actor=org.user(who), enrolment=e),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_progress_and_reaction_are_checked(org: Org) -> None:
    e = services.enrol(actor=org.user("employee"), person=org.employee, item=make_item(org, "Git"))
    with pytest.raises(ServiceError, match="0 to 100"):
        services.set_progress(actor=org.user("employee"), enrolment=e, progress=101)
    with pytest.raises(ServiceError, match="from 1"):
        services.complete(actor=org.user("employee"), enrolment=e, reaction=Reaction(usefulness=6))
    with pytest.raises(ServiceError, match="0 to 100"):
        services.complete(
            actor=org.user("employee"), enrolment=e, reaction=Reaction(post_score=Decimal(120))
        )
    e.refresh_from_db()
    assert e.status == EnrolmentStatus.ENROLLED and not Assertion.objects.exists()


def test_session_items_complete_after_attendance_marked_by_the_manager(org: Org) -> None:
    workshop = make_item(org, "Workshop", kind=Kind.WORKSHOP, skills=[("Python", 2)])
    session = session_for(org, workshop, seats=5)
    e = services.enrol(
        actor=org.user("employee"), person=org.employee, item=workshop, session=session
    )
    with pytest.raises(ServiceError, match="not started yet"):
        services.mark_attendance(actor=org.user("manager"), enrolment=e, attended=True)
    session.starts_at = timezone.now() - timedelta(hours=3)
    session.ends_at = timezone.now() - timedelta(hours=1)
    session.save()
    with pytest.raises(ServiceError, match="not been marked"):
        services.complete(actor=org.user("employee"), enrolment=e)
    with pytest.raises(NotAllowed, match="manager or HR"):
        services.mark_attendance(actor=org.user("employee"), enrolment=e, attended=True)
    services.mark_attendance(actor=org.user("manager"), enrolment=e, attended=False)
    with pytest.raises(ServiceError, match="absent"):
        services.complete(actor=org.user("employee"), enrolment=e)
    services.mark_attendance(actor=org.user("manager"), enrolment=e, attended=True)
    services.complete(actor=org.user("employee"), enrolment=e)
    assert Assertion.objects.filter(person=org.employee, source=Source.LEARNING).count() == 1


def test_record_reaction_later_only_by_the_learner(org: Org) -> None:
    e = services.enrol(actor=org.user("employee"), person=org.employee, item=make_item(org, "Git"))
    with pytest.raises(Conflict):
        services.record_reaction(
            actor=org.user("employee"), enrolment=e, reaction=Reaction(usefulness=3)
        )
    services.complete(actor=org.user("manager"), enrolment=e)
    with pytest.raises(NotAllowed):
        services.record_reaction(
            actor=org.user("manager"), enrolment=e, reaction=Reaction(usefulness=3)
        )
    services.record_reaction(
        actor=org.user("employee"),
        enrolment=e,
        reaction=Reaction(usefulness=3, would_recommend=False),
    )
    e.refresh_from_db()
    assert (e.usefulness, e.would_recommend) == (3, False)


# --- on-the-job sign-off -------------------------------------------------------------------


@pytest.fixture
def task(org: Org) -> Enrolment:
    """An on-the-job task (Kubernetes 3, Python 3) the employee is doing; the lead is a
    qualified peer (confirmed Kubernetes 4, Python 3)."""
    rate(org, "lead", "Kubernetes", 4)
    rate(org, "lead", "Python", 3)
    item = make_item(
        org, "Run the release", kind=Kind.ON_THE_JOB, skills=[("Kubernetes", 3), ("Python", 3)]
    )
    return services.enrol(actor=org.user("manager"), person=org.employee, item=item)


def test_a_peer_without_the_confirmed_levels_cannot_assess(org: Org, task: Enrolment) -> None:
    rate(org, "report2", "Kubernetes", 4)  # validated by the lead
    rate(org, "report2", "Python", 5, validated=False)  # only her own claim
    with pytest.raises(ServiceError) as exc:
        signoff_services.add_assessor(
            actor=org.user("manager"), enrolment=task, assessor=org.report2
        )
    assert "Rita Report cannot assess this task" in exc.value.message
    assert "Python – of 3" in exc.value.message
    with pytest.raises(ServiceError, match="their own task"):
        signoff_services.add_assessor(
            actor=org.user("manager"), enrolment=task, assessor=org.employee
        )
    assert not task.signoffs.exists()


def test_only_managers_and_hr_name_assessors(org: Org, task: Enrolment) -> None:
    for who in ("employee", "outsider_manager", "lead"):
        with pytest.raises(NotAllowed):
            signoff_services.add_assessor(actor=org.user(who), enrolment=task, assessor=org.manager)


def test_on_the_job_tasks_are_completed_by_sign_off_not_by_hand(org: Org, task: Enrolment) -> None:
    with pytest.raises(ServiceError, match="sign it off"):
        services.complete(actor=org.user("manager"), enrolment=task)


def test_every_assessor_passes_then_the_lowest_level_is_recorded_as_assessment(
    org: Org, task: Enrolment
) -> None:
    manager_so = signoff_services.add_assessor(
        actor=org.user("manager"), enrolment=task, assessor=org.manager
    )
    lead_so = signoff_services.add_assessor(
        actor=org.user("admin"), enrolment=task, assessor=org.lead
    )
    task.refresh_from_db()
    assert task.status == EnrolmentStatus.AWAITING_SIGNOFF
    assert Notification.objects.filter(recipient=org.lead, title__contains="assess").exists()
    with pytest.raises(NotAllowed, match="named assessor"):
        signoff_services.sign_off(actor=org.user("admin"), signoff=lead_so, passed=True, level=3)
    with pytest.raises(ServiceError, match="from 1 to 3"):
        signoff_services.sign_off(actor=org.user("lead"), signoff=lead_so, passed=True, level=4)
    signoff_services.sign_off(actor=org.user("manager"), signoff=manager_so, passed=True, level=3)
    task.refresh_from_db()
    assert task.status == EnrolmentStatus.AWAITING_SIGNOFF  # the lead has not judged yet
    assert not Assertion.objects.filter(person=org.employee).exists()
    signoff_services.sign_off(actor=org.user("lead"), signoff=lead_so, passed=True, level=2)
    task.refresh_from_db()
    assert task.status == EnrolmentStatus.COMPLETED and task.progress == 100
    recorded = Assertion.objects.filter(person=org.employee).order_by("skill__name")
    assert [(a.skill.name, a.level, a.source) for a in recorded] == [
        ("Kubernetes", 2, Source.ASSESSMENT),
        ("Python", 2, Source.ASSESSMENT),
    ]
    assert "Lea Lead" in recorded[0].note and "Max Manager" in recorded[0].note
    # An assessment is checked by others: it is the current level at once.
    k8s = PersonSkill.objects.get(person=org.employee, skill__name="Kubernetes")
    assert (k8s.level, k8s.source, k8s.pending_validation) == (2, Source.ASSESSMENT, False)


def test_one_not_yet_keeps_the_task_open_until_that_assessor_passes_it(
    org: Org, task: Enrolment
) -> None:
    manager_so = signoff_services.add_assessor(
        actor=org.user("manager"), enrolment=task, assessor=org.manager
    )
    lead_so = signoff_services.add_assessor(
        actor=org.user("manager"), enrolment=task, assessor=org.lead
    )
    signoff_services.sign_off(actor=org.user("manager"), signoff=manager_so, passed=True, level=3)
    with pytest.raises(ServiceError, match="what is still missing"):
        signoff_services.sign_off(actor=org.user("lead"), signoff=lead_so, passed=False)
    signoff_services.sign_off(
        actor=org.user("lead"), signoff=lead_so, passed=False, note="Rollback not practised yet"
    )
    task.refresh_from_db()
    assert task.status == EnrolmentStatus.AWAITING_SIGNOFF
    assert not Assertion.objects.filter(person=org.employee).exists()
    assert Notification.objects.filter(recipient=org.employee, title__startswith="Not yet").exists()
    with pytest.raises(Conflict, match="judgement stays"):
        signoff_services.remove_assessor(actor=org.user("manager"), signoff=lead_so)
    signoff_services.sign_off(actor=org.user("lead"), signoff=lead_so, passed=True, level=3)
    task.refresh_from_db()
    assert task.status == EnrolmentStatus.COMPLETED
    assert set(Assertion.objects.filter(person=org.employee).values_list("level", flat=True)) == {3}


def test_removing_the_last_pending_assessor_signs_off_when_the_others_passed(
    org: Org, task: Enrolment
) -> None:
    manager_so = signoff_services.add_assessor(
        actor=org.user("manager"), enrolment=task, assessor=org.manager
    )
    lead_so = signoff_services.add_assessor(
        actor=org.user("manager"), enrolment=task, assessor=org.lead
    )
    signoff_services.sign_off(actor=org.user("manager"), signoff=manager_so, passed=True, level=3)
    signoff_services.remove_assessor(actor=org.user("manager"), signoff=lead_so)
    task.refresh_from_db()
    assert task.status == EnrolmentStatus.COMPLETED


def test_the_sign_off_rule() -> None:
    P, F, W = SignOffDecision.PASS, SignOffDecision.FAIL, SignOffDecision.PENDING
    assert signoff_services.signoff_outcome([(P, 3), (P, 2), (P, 4)]) == 2
    assert signoff_services.signoff_outcome([(P, 3), (F, None)]) is None
    assert signoff_services.signoff_outcome([(P, 3), (W, None)]) is None
    assert signoff_services.signoff_outcome([]) is None


# --- learning hours ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "days_ago", "text"),
    [
        (Decimal(0), 0, "more than 0"),
        (Decimal(25), 0, "at most 24"),
        (Decimal("1.234"), 0, "two decimals"),
        (Decimal(1), -1, "future"),
        (Decimal(1), 400, "within the last year"),
    ],
)
def test_hours_are_checked(org: Org, hours: Decimal, days_ago: int, text: str) -> None:
    with pytest.raises(ServiceError, match=text):
        hours_services.log_hours(
            actor=org.user("employee"),
            person=org.employee,
            on=timezone.localdate() - timedelta(days=days_ago),
            hours=hours,
        )


def test_a_day_holds_at_most_24_hours(org: Org) -> None:
    today = timezone.localdate()
    hours_services.log_hours(
        actor=org.user("employee"), person=org.employee, on=today, hours=Decimal(20)
    )
    with pytest.raises(ServiceError, match="already has 20 hours"):
        hours_services.log_hours(
            actor=org.user("employee"), person=org.employee, on=today, hours=Decimal(5)
        )


def test_who_logs_hours_for_whom(org: Org) -> None:
    today = timezone.localdate()
    hours_services.log_hours(
        actor=org.user("manager"), person=org.report2, on=today, hours=Decimal(1)
    )
    for who in ("outsider", "lead", "outsider_manager"):
        with pytest.raises(NotAllowed):
            hours_services.log_hours(
                actor=org.user(who), person=org.employee, on=today, hours=Decimal(1)
            )
    other = services.enrol(actor=org.user("admin"), person=org.report2, item=make_item(org, "Git"))
    with pytest.raises(ServiceError, match="someone else's"):
        hours_services.log_hours(
            actor=org.user("employee"),
            person=org.employee,
            on=today,
            hours=Decimal(1),
            enrolment=other,
        )


def test_monthly_total_against_the_allowance(org: Org) -> None:
    OrgSettings.objects.update_or_create(pk=1, defaults={"learning_hours_per_month": Decimal(6)})
    today = timezone.localdate()
    first = today.replace(day=1)
    for on, h in ((first, "2.5"), (today, "1.25"), (first - timedelta(days=1), "8")):
        hours_services.log_hours(
            actor=org.user("employee"), person=org.employee, on=on, hours=Decimal(h)
        )
    month = hours_services.month_hours(org.employee, today.year, today.month)
    assert (month.logged, month.allowance, month.remaining, month.percent) == (
        Decimal("3.75"),
        Decimal(6),
        Decimal("2.25"),
        62,
    )
    last = first - timedelta(days=1)
    previous = hours_services.month_hours(org.employee, last.year, last.month)
    assert previous.logged == Decimal(8) and previous.over


# --- visibility ----------------------------------------------------------------------------


def test_who_sees_which_enrolments(org: Org, task: Enrolment) -> None:
    theirs = services.enrol(
        actor=org.user("outsider"), person=org.outsider, item=make_item(org, "Git")
    )
    assert task in services.enrolments_visible_to(org.user("manager"))
    assert task in services.enrolments_visible_to(org.user("employee"))
    assert task not in services.enrolments_visible_to(org.user("outsider"))
    assert task not in services.enrolments_visible_to(org.user("lead"))  # not their report...
    signoff_services.add_assessor(actor=org.user("manager"), enrolment=task, assessor=org.lead)
    assert task in services.enrolments_visible_to(org.user("lead"))  # ...until named assessor
    assert list(services.enrolments_visible_to(org.user("outsider"))) == [theirs]
    assert services.enrolments_visible_to(org.user("admin")).count() == 2


# --- the demo company's learning -------------------------------------------------------------


@pytest.mark.django_db(transaction=False)
def test_demo_has_a_catalogue_and_the_demo_team_is_learning(settings) -> None:  # type: ignore[no-untyped-def]
    from seedbed.demo import data
    from seedbed.demo.services import DEMO_CATALOGUE, build_demo, build_learning
    from seedbed.learning.models import LearningHours

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_demo()
    items = LearningItem.objects.all()
    assert items.count() == len(DEMO_CATALOGUE) >= 15
    assert items.filter(cost=0).count() >= 8 and len({i.kind for i in items}) == len(Kind.values)
    marco = Person.objects.get(email__iexact=next(p.email for p in data.PEOPLE if p.key == "marco"))
    emma = Person.objects.get(email__iexact=next(p.email for p in data.PEOPLE if p.key == "emma"))
    assert marco.user is not None
    assert services.approvals_for(marco.user).count() == 2
    assert signoff_services.signoffs_for(marco.user).count() == 1
    claims = PersonSkill.objects.pending_for(marco.user).filter(
        person=emma, pending_assertion__source=Source.LEARNING
    )
    assert {ps.skill.name for ps in claims} == {"Docker", "Kubernetes"}
    assert LearningHours.objects.filter(person=emma).count() == 3
    counts = (LearningItem.objects.count(), Enrolment.objects.count(), Assertion.objects.count())
    build_learning()
    assert (
        LearningItem.objects.count(),
        Enrolment.objects.count(),
        Assertion.objects.count(),
    ) == counts


# --- due dates -------------------------------------------------------------------------------


def test_due_soon_and_overdue_reminders_at_most_weekly(org: Org) -> None:
    now = timezone.now()
    item = make_item(org, "Git")
    due = services.enrol(
        actor=org.user("manager"),
        person=org.employee,
        item=item,
        due_date=timezone.localdate() + timedelta(days=5),
    )
    later = services.enrol(
        actor=org.user("lead"),
        person=org.report2,
        item=item,
        due_date=timezone.localdate() + timedelta(days=30),
    )
    assert services.send_due_reminders(now=now) == 1  # only the one due within a week
    note = Notification.objects.get(recipient=org.employee, title__startswith="Due on")
    assert note.link == f"/learning/enrolments/{due.pk}/"
    assert services.send_due_reminders(now=now + timedelta(hours=20)) == 0  # not twice a week
    # Eight days on the first is two days overdue and the second still weeks away.
    assert services.send_due_reminders(now=now + timedelta(days=8)) == 1
    assert Notification.objects.filter(recipient=org.employee, title__startswith="Overdue").exists()
    services.complete(actor=org.user("employee"), enrolment=due)
    assert services.send_due_reminders(now=now + timedelta(days=16)) == 0
    assert later.status == EnrolmentStatus.ENROLLED


def test_daily_housekeeping_sends_the_learning_reminders(org: Org) -> None:
    from seedbed.surveys.tasks import daily_housekeeping

    services.enrol(
        actor=org.user("employee"),
        person=org.employee,
        item=make_item(org, "Git"),
        due_date=timezone.localdate() + timedelta(days=1),
    )
    assert daily_housekeeping.enqueue().return_value["learning_due"] == 1
