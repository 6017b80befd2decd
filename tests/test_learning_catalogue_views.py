"""Catalogue pages per actor: list with filters, exports (neutralised), item detail, HR's
editing of items, prerequisites and sessions; query budget of the list."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from seedbed.learning.models import Kind, LearningItem, Prerequisite, Session
from seedbed.learning.services import catalogue as catalogue_services
from seedbed.learning.services import enrolments as enrolment_services
from tests.conftest import Org
from tests.test_learning_catalogue import make_item

pytestmark = pytest.mark.django_db

LIST = reverse("learning:catalogue")


def test_everyone_signed_in_browses_the_catalogue_with_a_free_badge(
    org: Org, clients: dict[str, Client]
) -> None:
    make_item(org, "Kubernetes basics", skills=[("Kubernetes", 2)], cost="0", provider="CNCF")
    make_item(org, "Paid cluster course", skills=[("Kubernetes", 4)], cost="300")
    page = clients["outsider"].get(LIST).content.decode()
    assert "Kubernetes basics" in page and "Paid cluster course" in page
    assert 'badge ok">Free<' in page
    free_only = clients["outsider"].get(LIST, {"free": "on"}).content.decode()
    assert "Kubernetes basics" in free_only and "Paid cluster course" not in free_only
    assert "New item" not in page  # only HR sees the editing links


def test_catalogue_filters_by_search_skill_and_cost(org: Org, clients: dict[str, Client]) -> None:
    make_item(org, "Kubernetes basics", skills=[("Kubernetes", 2)], cost="0", provider="CNCF")
    make_item(org, "Python tricks", skills=[("Python", 3)], cost="40")
    c = clients["employee"]
    assert "Python tricks" not in c.get(LIST, {"q": "cncf"}).content.decode()
    python_id = LearningItem.objects.get(title="Python tricks").skills.get().skill_id
    by_skill = c.get(LIST, {"skill": python_id}).content.decode()
    assert "Python tricks" in by_skill and "Kubernetes basics" not in by_skill
    assert "Python tricks" not in c.get(LIST, {"max_cost": "10"}).content.decode()
    bad = c.get(LIST, {"max_cost": "cheap"})
    assert bad.status_code == 200 and "Enter a number" in bad.content.decode()


def test_catalogue_exports_are_neutralised_and_use_the_import_columns(
    org: Org, clients: dict[str, Client]
) -> None:
    a = make_item(org, '=HYPERLINK("http://evil")', skills=[("Python", 2)], code="X-1")
    b = make_item(org, "Follow-up", provider="@acme")
    catalogue_services.add_prerequisite(actor=org.user("admin"), item=b, requires_item=a)
    csv = clients["employee"].get(LIST, {"export": "csv"})
    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Disposition"].endswith('learning-catalogue.csv"')
    assert text.splitlines()[0].startswith("code,title,kind,description,url,provider")
    assert "'=HYPERLINK" in text and ",'@acme," in text
    assert "Python:2" in text and ",X-1," in text  # the prerequisite by its code
    xlsx = clients["employee"].get(LIST, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil")' in titles


def test_catalogue_list_query_count_does_not_grow_with_items(
    org: Org, clients: dict[str, Client], django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    c = clients["employee"]

    def grow(n: int) -> None:
        for i in range(n):
            make_item(
                org,
                f"Item {LearningItem.objects.count()}-{i}",
                skills=[("Python", 2), ("Kubernetes", 1)],
            )

    grow(3)
    c.get(LIST)  # warm-up
    # session, user, languages in the filter, count of items, unread notifications (nav),
    # skills developed (filter), page of items, prefetch of their skills
    with django_assert_num_queries(8):
        assert c.get(LIST).status_code == 200
    grow(20)
    with django_assert_num_queries(8):
        assert c.get(LIST).status_code == 200


def test_item_page_shows_skills_prerequisites_sessions_and_my_missing_prerequisites(
    org: Org, clients: dict[str, Client]
) -> None:
    base = make_item(org, "Docker basics")
    workshop = make_item(org, "Cluster workshop", kind=Kind.WORKSHOP, skills=[("Kubernetes", 3)])
    catalogue_services.add_prerequisite(actor=org.user("admin"), item=workshop, requires_item=base)
    start = timezone.now() + timedelta(days=5)
    catalogue_services.save_session(
        actor=org.user("admin"),
        item=workshop,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        location="Berlin HQ",
        seats=8,
    )
    page = clients["employee"].get(reverse("learning:item", args=[workshop.pk])).content.decode()
    assert "Berlin HQ" in page and "8 of 8" in page
    assert "Before you start:" in page and "complete “Docker basics” first" in page
    assert "Enrolled</h2>" not in page  # employees do not see who is enrolled


def test_managers_see_who_is_enrolled_in_their_line_only(
    org: Org, clients: dict[str, Client]
) -> None:
    item = make_item(org, "Git")
    for who in ("employee", "outsider"):
        person = getattr(org, who)
        enrolment_services.enrol(actor=person.user, person=person, item=item)
    url = reverse("learning:item", args=[item.pk])
    manager_page = clients["manager"].get(url).content.decode()
    assert "Emil Employee" in manager_page and "Olga Outsider" not in manager_page
    admin_page = clients["admin"].get(url).content.decode()
    assert "Emil Employee" in admin_page and "Olga Outsider" in admin_page


def test_hr_creates_and_edits_an_item_others_get_403(org: Org, clients: dict[str, Client]) -> None:
    data = {
        "title": "Terraform 101",
        "kind": "elearning",
        "format": "online",
        "language": "en",
        "duration_hours": "3",
        "cost": "0",
        "skills_text": "Kubernetes:2; py:1",
        "code": "",
    }
    for who in ("manager", "employee", "outsider"):
        assert clients[who].post(reverse("learning:item_create"), data).status_code == 403
    response = clients["admin"].post(reverse("learning:item_create"), data)
    item = LearningItem.objects.get(title="Terraform 101")
    assert response.status_code == 302 and response["Location"] == reverse(
        "learning:item", args=[item.pk]
    )
    assert {(s.skill.name, s.level) for s in item.skills.all()} == {
        ("Kubernetes", 2),
        ("Python", 1),
    }
    bad = clients["admin"].post(
        reverse("learning:item_edit", args=[item.pk]), {**data, "skills_text": "Cobol:2"}
    )
    assert bad.status_code == 400 and "Unknown skill “Cobol”" in bad.content.decode()
    edit = clients["admin"].get(reverse("learning:item_edit", args=[item.pk])).content.decode()
    assert "Kubernetes:2; Python:1" in edit


def test_a_cycle_is_refused_on_the_page_with_its_path(org: Org, clients: dict[str, Client]) -> None:
    a, b = make_item(org, "Alpha", code="A-1"), make_item(org, "Beta")
    c = clients["admin"]
    c.post(reverse("learning:prerequisite_add", args=[b.pk]), {"requires": "a-1"})
    assert Prerequisite.objects.filter(item=b, requires_item=a).exists()
    page = c.post(
        reverse("learning:prerequisite_add", args=[a.pk]), {"requires": "Beta"}, follow=True
    ).content.decode()
    assert "Alpha → Beta → Alpha" in page
    c.post(reverse("learning:prerequisite_add", args=[a.pk]), {"skill": "k8s", "level": "2"})
    assert Prerequisite.objects.filter(
        item=a, requires_skill__name="Kubernetes", requires_level=2
    ).exists()
    assert (
        clients["employee"]
        .post(reverse("learning:prerequisite_add", args=[a.pk]), {"requires": "Beta"})
        .status_code
        == 403
    )


def test_hr_plans_sessions(org: Org, clients: dict[str, Client]) -> None:
    workshop = make_item(org, "Cluster workshop", kind=Kind.WORKSHOP)
    url = reverse("learning:session_create", args=[workshop.pk])
    start = (timezone.localtime() + timedelta(days=3)).replace(second=0, microsecond=0)
    data = {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "location": "Room 4",
        "seats": "12",
    }
    assert clients["manager"].post(url, data).status_code == 403
    assert clients["admin"].post(url, data).status_code == 302
    session = Session.objects.get(item=workshop)
    assert session.seats == 12 and session.starts_at == start
    bad = clients["admin"].post(url, {**data, "ends_at": data["starts_at"]})
    assert bad.status_code == 400 and "ends after it starts" in bad.content.decode()
    clients["admin"].post(reverse("learning:session_delete", args=[session.pk]))
    assert not Session.objects.exists()


def test_archive_and_restore(org: Org, clients: dict[str, Client]) -> None:
    item = make_item(org, "Old course")
    url = reverse("learning:item_archive", args=[item.pk])
    assert clients["employee"].post(url).status_code == 403
    clients["admin"].post(url)
    item.refresh_from_db()
    assert not item.is_active
    assert "Old course" not in clients["employee"].get(LIST).content.decode()
    clients["admin"].post(url, {"active": "1"})
    item.refresh_from_db()
    assert item.is_active
