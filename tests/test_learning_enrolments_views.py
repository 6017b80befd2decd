"""Learning pages per actor: enrolling, my learning with hours, the approvals queue, the
enrolment page and its actions, completion into the manager's validation queue, sign-off,
team enrolments and hours with exports; query budgets of the list pages."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from seedbed.learning.models import Enrolment, EnrolmentStatus, Kind, LearningHours
from seedbed.learning.services import catalogue as catalogue_services
from seedbed.learning.services import enrolments as services
from seedbed.learning.services import hours as hours_services
from seedbed.skills.models import PersonSkill, Source
from tests.conftest import Org
from tests.test_learning_catalogue import make_item
from tests.test_learning_enrolments import rate

pytestmark = pytest.mark.django_db


def action(enrolment: Enrolment, name: str) -> str:
    return reverse("learning:enrolment_action", args=[enrolment.pk, name])


def test_employee_enrols_completes_and_the_manager_confirms_the_level(
    org: Org, clients: dict[str, Client]
) -> None:
    item = make_item(org, "Kubernetes in practice", skills=[("Kubernetes", 3)])
    emp = clients["employee"]
    response = emp.post(reverse("learning:enrol", args=[item.pk]))
    enrolment = Enrolment.objects.get(person=org.employee, item=item)
    assert response["Location"] == reverse("learning:enrolment", args=[enrolment.pk])
    mine = emp.get(reverse("learning:mine")).content.decode()
    assert "Kubernetes in practice" in mine and "Current" in mine
    emp.post(action(enrolment, "progress"), {"progress": "40"})
    enrolment.refresh_from_db()
    assert (enrolment.progress, enrolment.status) == (40, EnrolmentStatus.IN_PROGRESS)
    page = emp.post(
        action(enrolment, "complete"),
        {
            "usefulness": "5",
            "applicability": "4",
            "would_recommend": "yes",
            "comment": "Great",
            "pre_score": "30",
            "post_score": "80",
        },
        follow=True,
    ).content.decode()
    assert "now wait for the manager" in page
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED and enrolment.would_recommend is True
    queue = clients["manager"].get(reverse("people:validation")).content.decode()
    assert "Emil Employee" in queue and "completed learning" in queue
    assert "Kubernetes in practice" in queue  # the claim's note names the item
    ps = PersonSkill.objects.get(person=org.employee, skill__name="Kubernetes")
    assert ps.pending_validation
    clients["manager"].post(reverse("people:validate", args=[ps.pk]), {"action": "accept"})
    ps.refresh_from_db()
    assert (ps.level, ps.source, ps.pending_validation) == (3, Source.MANAGER, False)


def test_a_request_goes_to_the_managers_queue_and_is_decided_there(
    org: Org, clients: dict[str, Client]
) -> None:
    item = make_item(org, "Paid conference", requires_approval=True, cost="800")
    page = clients["employee"].get(reverse("learning:item", args=[item.pk])).content.decode()
    assert "Ask to enrol" in page
    clients["employee"].post(reverse("learning:enrol", args=[item.pk]))
    enrolment = Enrolment.objects.get(person=org.employee)
    assert enrolment.status == EnrolmentStatus.REQUESTED
    assert (
        "Paid conference" in clients["manager"].get(reverse("learning:approvals")).content.decode()
    )
    assert "Paid conference" in clients["admin"].get(reverse("learning:approvals")).content.decode()
    assert (
        "Paid conference"
        not in clients["outsider_manager"].get(reverse("learning:approvals")).content.decode()
    )
    assert clients["employee"].get(reverse("learning:approvals")).status_code == 403
    decide = reverse("learning:decide", args=[enrolment.pk])
    # Not in their queue: the outsider manager and the employee herself get nothing to decide.
    assert clients["outsider_manager"].post(decide, {"decision": "approve"}).status_code == 404
    assert clients["employee"].post(decide, {"decision": "approve"}).status_code == 403
    rejected = clients["manager"].post(decide, {"decision": "reject"}, follow=True).content.decode()
    assert "Say why you reject" in rejected
    clients["manager"].post(decide, {"decision": "approve", "note": "Enjoy"})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED and enrolment.decision_note == "Enjoy"


def test_managers_enrol_their_people_but_not_others(org: Org, clients: dict[str, Client]) -> None:
    item = make_item(org, "Git")
    url = reverse("learning:enrol", args=[item.pk])
    clients["manager"].post(url, {"person": org.report2.pk})
    assert Enrolment.objects.filter(person=org.report2, enrolled_by=org.user("manager")).exists()
    # The outsider is not a choice in the manager's form.
    response = clients["manager"].post(url, {"person": org.outsider.pk}, follow=True)
    assert "Check the enrolment" in response.content.decode()
    assert not Enrolment.objects.filter(person=org.outsider).exists()


def test_a_full_session_is_refused_on_the_page(org: Org, clients: dict[str, Client]) -> None:
    workshop = make_item(org, "Workshop", kind=Kind.WORKSHOP)
    start = timezone.now() + timedelta(days=3)
    session = catalogue_services.save_session(
        actor=org.user("admin"),
        item=workshop,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        seats=1,
    )
    url = reverse("learning:enrol", args=[workshop.pk])
    clients["employee"].post(url, {"session": session.pk})
    page = clients["report2"].post(url, {"session": session.pk}, follow=True).content.decode()
    assert "is full (1 seats)" in page
    assert Enrolment.objects.count() == 1


def test_outsiders_cannot_see_or_change_others_enrolments(
    org: Org, clients: dict[str, Client]
) -> None:
    enrolment = services.enrol(
        actor=org.user("employee"), person=org.employee, item=make_item(org, "Git")
    )
    detail = reverse("learning:enrolment", args=[enrolment.pk])
    assert clients["outsider"].get(detail).status_code == 404
    assert clients["outsider_manager"].get(detail).status_code == 404
    assert clients["lead"].get(detail).status_code == 404  # a colleague, not her manager
    for name in ("progress", "complete", "cancel", "attendance", "due"):
        assert (
            clients["outsider"].post(action(enrolment, name), {"progress": "90"}).status_code == 404
        )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED and enrolment.progress == 0
    assert clients["manager"].get(detail).status_code == 200
    listing = clients["outsider_manager"].get(reverse("learning:enrolments")).content.decode()
    assert "Emil Employee" not in listing


def test_sign_off_on_the_pages(org: Org, clients: dict[str, Client]) -> None:
    rate(org, "lead", "Kubernetes", 4)
    item = make_item(org, "Run the release", kind=Kind.ON_THE_JOB, skills=[("Kubernetes", 3)])
    enrolment = services.enrol(actor=org.user("manager"), person=org.employee, item=item)
    page = (
        clients["manager"].get(reverse("learning:enrolment", args=[enrolment.pk])).content.decode()
    )
    assert "Rule:" in page and "lowest level the assessors confirmed" in page
    assert "Lea Lead" in page  # a qualified candidate is offered; Rita is not
    assert "Rita Report" not in page
    refused = (
        clients["manager"]
        .post(action(enrolment, "assessor"), {"assessor": org.report2.pk}, follow=True)
        .content.decode()
    )
    assert "Rita Report cannot assess this task" in refused
    clients["manager"].post(action(enrolment, "assessor"), {"assessor": org.lead.pk})
    clients["manager"].post(action(enrolment, "assessor"), {"assessor": org.manager.pk})
    queue = clients["lead"].get(reverse("learning:signoffs")).content.decode()
    assert "Run the release" in queue and "Emil Employee" in queue
    lead_so = enrolment.signoffs.get(assessor=org.lead)
    manager_so = enrolment.signoffs.get(assessor=org.manager)
    assert (
        clients["outsider"]
        .post(reverse("learning:sign_off", args=[lead_so.pk]), {"decision": "pass", "level": "3"})
        .status_code
        == 404
    )
    clients["lead"].post(
        reverse("learning:sign_off", args=[lead_so.pk]),
        {"decision": "fail", "note": "Not yet alone"},
    )
    clients["manager"].post(
        reverse("learning:sign_off", args=[manager_so.pk]), {"decision": "pass", "level": "3"}
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.AWAITING_SIGNOFF
    clients["lead"].post(
        reverse("learning:sign_off", args=[lead_so.pk]), {"decision": "pass", "level": "2"}
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    ps = PersonSkill.objects.get(person=org.employee, skill__name="Kubernetes")
    assert (ps.level, ps.source) == (2, Source.ASSESSMENT)
    # The learner answers the reaction survey afterwards.
    clients["employee"].post(action(enrolment, "reaction"), {"usefulness": "4"})
    enrolment.refresh_from_db()
    assert enrolment.usefulness == 4


def test_attendance_is_marked_by_the_manager(org: Org, clients: dict[str, Client]) -> None:
    workshop = make_item(org, "Workshop", kind=Kind.WORKSHOP)
    start = timezone.now() + timedelta(days=1)
    session = catalogue_services.save_session(
        actor=org.user("admin"),
        item=workshop,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        seats=3,
    )
    enrolment = services.enrol(
        actor=org.user("employee"), person=org.employee, item=workshop, session=session
    )
    session.starts_at = timezone.now() - timedelta(hours=2)
    session.ends_at = timezone.now() - timedelta(hours=1)
    session.save()
    page = clients["employee"].post(action(enrolment, "complete"), {}, follow=True).content.decode()
    assert "Attendance at the session has not been marked" in page
    clients["employee"].post(action(enrolment, "attendance"), {"attended": "yes"})
    enrolment.refresh_from_db()
    assert enrolment.attended is None
    clients["manager"].post(action(enrolment, "attendance"), {"attended": "yes"})
    enrolment.refresh_from_db()
    assert enrolment.attended is True


def test_log_hours_and_see_the_month_against_the_allowance(
    org: Org, clients: dict[str, Client]
) -> None:
    c = clients["employee"]
    today = timezone.localdate().isoformat()
    c.post(reverse("learning:hours"), {"date": today, "hours": "1.5", "note": "Reading"})
    bad = c.post(reverse("learning:hours"), {"date": today, "hours": "30"})
    assert (
        bad.status_code == 400
        and "Ensure this value is less than or equal to 24" in bad.content.decode()
    )
    future = c.post(
        reverse("learning:hours"),
        {"date": (timezone.localdate() + timedelta(days=2)).isoformat(), "hours": "1"},
    )
    assert future.status_code == 400 and "That day is in the future." in future.content.decode()
    assert LearningHours.objects.get().hours == Decimal("1.5")
    mine = c.get(reverse("learning:mine")).content.decode()
    assert "1.5" in mine and "/ 4 h" in mine
    # The manager sees the month per person in his line; the outsider manager does not.
    team = clients["manager"].get(reverse("learning:hours")).content.decode()
    assert "Emil Employee" in team and "Rita Report" in team and "Olga Outsider" not in team
    assert (
        "Emil Employee"
        not in clients["outsider_manager"].get(reverse("learning:hours")).content.decode()
    )
    entry = LearningHours.objects.get()
    assert (
        clients["outsider"].post(reverse("learning:hours_delete", args=[entry.pk])).status_code
        == 404
    )
    c.post(reverse("learning:hours_delete", args=[entry.pk]))
    assert not LearningHours.objects.exists()


def test_exports_of_enrolments_and_hours_are_scoped_and_neutralised(
    org: Org, clients: dict[str, Client]
) -> None:
    mine = services.enrol(
        actor=org.user("employee"), person=org.employee, item=make_item(org, "+SUM(A1)")
    )
    services.enrol(
        actor=org.user("outsider"), person=org.outsider, item=make_item(org, "Outsider course")
    )
    hours_services.log_hours(
        actor=org.user("employee"),
        person=org.employee,
        on=timezone.localdate(),
        hours=Decimal(2),
        enrolment=mine,
        note="=cmd|' /C calc'!A0",
    )
    csv = (
        clients["manager"]
        .get(reverse("learning:enrolments"), {"export": "csv"})
        .content.decode("utf-8-sig")
    )
    assert "'+SUM(A1)" in csv and "Outsider course" not in csv
    xlsx = clients["admin"].get(reverse("learning:enrolments"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    items = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert items == {"'+SUM(A1)", "Outsider course"}
    hours_csv = (
        clients["manager"]
        .get(reverse("learning:hours"), {"export": "csv"})
        .content.decode("utf-8-sig")
    )
    assert "'=cmd" in hours_csv and "Emil Employee" in hours_csv
    outsider_hours = (
        clients["outsider"]
        .get(reverse("learning:hours"), {"export": "csv"})
        .content.decode("utf-8-sig")
    )
    assert "Emil Employee" not in outsider_hours


def _grow(org: Org, n: int) -> None:
    from seedbed.learning.models import LearningItem

    for _i in range(n):
        item = make_item(org, f"Paid {LearningItem.objects.count()}", requires_approval=True)
        for who in ("employee", "report2"):
            person = getattr(org, who)
            services.enrol(actor=person.user, person=person, item=item)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # session, user, count, unread notifications (nav), page with person, item, session
        ("learning:enrolments", 5),
        # session, user, count, unread notifications (nav), page with person, team, item, session
        ("learning:approvals", 5),
    ],
)
def test_list_pages_query_count_does_not_grow(
    org: Org, clients: dict[str, Client], django_assert_num_queries, url: str, queries: int
) -> None:  # type: ignore[no-untyped-def]
    c = clients["manager"]
    _grow(org, 2)
    c.get(reverse(url))
    with django_assert_num_queries(queries):
        assert c.get(reverse(url)).status_code == 200
    _grow(org, 15)
    with django_assert_num_queries(queries):
        page = c.get(reverse(url))
    assert page.content.decode().count("Rita Report") >= 15


def test_my_learning_without_a_linked_person(org: Org) -> None:
    from seedbed.accounts.models import AccessLevel, User

    user = User.objects.create_user(
        "nobody@example.com", "pw-12345678", access_level=AccessLevel.EMPLOYEE
    )
    c = Client()
    c.force_login(user)
    assert "not linked to a person" in c.get(reverse("learning:mine")).content.decode()


def test_home_card_and_navigation(org: Org, clients: dict[str, Client]) -> None:
    item = make_item(org, "Paid course", requires_approval=True)
    services.enrol(actor=org.user("employee"), person=org.employee, item=item)
    hours_services.log_hours(
        actor=org.user("employee"),
        person=org.employee,
        on=timezone.localdate(),
        hours=Decimal("2.5"),
    )
    home = clients["employee"].get(reverse("home")).content.decode()
    assert 'id="learning-h"' in home and "2.50 <small" in home and "1 item in progress" in home
    assert f'href="{reverse("learning:mine")}">Learning</a>' in home
    manager_home = clients["manager"].get(reverse("home")).content.decode()
    assert "1 learning request waits for your approval" in manager_home
    assert (
        "learning request" not in clients["outsider_manager"].get(reverse("home")).content.decode()
    )
