"""Stale levels: newest evidence older than the review interval. Marked in the matrix, on the
person page and in My skills (with Confirm), listed by the API, nudged at most weekly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from seedbed.accounts.models import OrgSettings
from seedbed.notifications.models import Kind, Notification
from seedbed.skills.models import Assertion, PersonSkill, Skill, Source
from seedbed.skills.selectors import months_before, stale_cutoff
from seedbed.skills.services import NewAssertion, record_assertion, record_assertions_bulk
from seedbed.surveys import services
from tests.builders import make_person
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def _evidence(person, skill_name: str, level: int, days_ago: int, source=Source.MANAGER):  # type: ignore[no-untyped-def]
    skill = Skill.objects.get(name=skill_name)
    record_assertions_bulk(
        actor=None,
        rows=[
            NewAssertion(
                person.pk, skill.pk, level, source, at=timezone.now() - timedelta(days=days_ago)
            )
        ],
        summary="test evidence",
    )
    return skill


def test_months_before_keeps_month_ends_valid():
    at = datetime(2026, 3, 31, 9, 0, tzinfo=UTC)
    assert months_before(at, 1) == datetime(2026, 2, 28, 9, 0, tzinfo=UTC)
    assert months_before(at, 12) == datetime(2025, 3, 31, 9, 0, tzinfo=UTC)
    assert months_before(at, 25) == datetime(2024, 2, 29, 9, 0, tzinfo=UTC)


def test_stale_follows_the_review_interval(org):
    _evidence(org.employee, "Python", 3, days_ago=200)
    assert not services.stale_levels(org.employee).exists()  # default 12 months
    OrgSettings.objects.update_or_create(pk=1, defaults={"review_interval_months": 6})
    assert [ps.skill.name for ps in services.stale_levels(org.employee)] == ["Python"]
    assert stale_cutoff(months=6) < timezone.now() - timedelta(days=180)


def test_any_newer_evidence_makes_a_level_fresh(org):
    skill = _evidence(org.employee, "Python", 3, days_ago=500)
    assert services.stale_levels().filter(person=org.employee).count() == 1
    record_assertion(
        actor=org.user("lead"), person=org.employee, skill=skill, level=3, source=Source.PEER
    )
    assert not services.stale_levels(org.employee).exists()


def test_stale_levels_leave_out_archived_skills_and_people_who_left(org):
    skill = _evidence(org.employee, "Python", 3, days_ago=500)
    _evidence(org.report2, "Python", 2, days_ago=500)
    org.report2.is_active = False
    org.report2.save(update_fields=["is_active"])
    assert list(services.stale_levels().values_list("person_id", flat=True)) == [org.employee.pk]
    Skill.objects.filter(pk=skill.pk).update(is_active=False)
    assert not services.stale_levels().exists()


# --- marks on pages --------------------------------------------------------------------------


def test_matrix_marks_stale_cells_for_sighted_and_screen_reader_users(org, clients):
    _evidence(org.employee, "Python", 3, days_ago=500)
    _evidence(org.report2, "Kubernetes", 2, days_ago=10)
    html = clients["manager"].get(reverse("people:matrix")).content.decode()
    assert html.count('class="stale-mark"') == 2  # one cell + the legend sample
    assert html.count("stale: not reviewed within the review interval") == 1
    assert "stale: not reviewed for over 12 months" in html
    row = next(line for line in html.splitlines() if org.employee.full_name in line)
    assert 'class="stale"' in row and "↻" in row


def test_matrix_stale_marks_follow_the_sort(org, clients):
    _evidence(org.employee, "Python", 2, days_ago=500)
    _evidence(org.report2, "Python", 4, days_ago=5)
    python = Skill.objects.get(name="Python")
    html = clients["manager"].get(reverse("people:matrix") + f"?sort=skill:{python.pk}")
    rows = [line for line in html.content.decode().splitlines() if "<tr><th" in line]
    assert org.report2.full_name in rows[0] and "stale-mark" not in rows[0]
    assert any(org.employee.full_name in r and "stale-mark" in r for r in rows)


def test_person_page_and_my_skills_show_stale_with_the_date(org, clients):
    _evidence(org.employee, "Python", 3, days_ago=500)
    since = (timezone.now() - timedelta(days=500)).date().isoformat()
    page = clients["manager"].get(reverse("people:detail", args=[org.employee.pk])).content
    assert f"stale: last confirmed {since}" in page.decode()
    mine = clients["employee"].get(reverse("skills:my_skills")).content.decode()
    assert f"stale: last confirmed {since}" in mine
    assert reverse("surveys:confirm") in mine
    fresh = clients["employee"].get(reverse("people:detail", args=[org.manager.pk])).content
    assert b"stale:" not in fresh


def test_confirm_records_a_self_rating_at_the_same_level(org, clients):
    skill = _evidence(org.employee, "Python", 3, days_ago=500)
    response = clients["employee"].post(reverse("surveys:confirm"), {"skill": skill.pk})
    assert response.status_code == 302 and response["Location"] == reverse("skills:my_skills")
    latest = Assertion.objects.filter(person=org.employee).first()
    assert latest is not None and latest.source == Source.SELF and latest.level == 3
    ps = PersonSkill.objects.get(person=org.employee, skill=skill)
    assert ps.pending_validation and not services.stale_levels(org.employee).exists()
    # nothing to confirm where there is no level; bad input gets a message, not an error
    other = Skill.objects.get(name="Kubernetes")
    clients["employee"].post(reverse("surveys:confirm"), {"skill": other.pk})
    clients["employee"].post(reverse("surveys:confirm"), {"skill": "²"})
    assert Assertion.objects.filter(person=org.employee).count() == 2


def test_confirm_keeps_a_pending_self_rating(org):
    skill = _evidence(org.employee, "Python", 2, days_ago=500)
    _evidence(org.employee, "Python", 4, days_ago=450, source=Source.SELF)
    services.confirm_level(actor=org.user("employee"), person=org.employee, skill=skill)
    ps = PersonSkill.objects.get(person=org.employee, skill=skill)
    assert ps.self_level == 4 and ps.level == 2


# --- nudges ----------------------------------------------------------------------------------


def test_nudges_go_at_most_weekly_to_people_who_can_sign_in(
    org, django_capture_on_commit_callbacks
):
    _evidence(org.employee, "Python", 3, days_ago=500)
    _evidence(org.employee, "Kubernetes", 2, days_ago=400)
    no_login = make_person("No Login", team=org.employee.team)
    _evidence(no_login, "Python", 2, days_ago=500)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.nudge_stale() == 1
    note = Notification.objects.get(kind=Kind.STALE_LEVELS)
    assert note.recipient == org.employee and note.link == reverse("skills:my_skills")
    assert note.title == "2 of your skill levels need a check"
    assert [m.to for m in mail.outbox] == [[org.employee.email]]
    assert services.nudge_stale(now=timezone.now() + timedelta(days=6)) == 0
    assert services.nudge_stale(now=timezone.now() + timedelta(days=8)) == 1


def test_no_nudge_without_stale_levels(org):
    _evidence(org.employee, "Python", 3, days_ago=30)
    assert services.nudge_stale() == 0
    assert not Notification.objects.exists()


# --- API -------------------------------------------------------------------------------------


def _stale_api(person) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    client = Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})
    response = client.get("/api/v1/stale-levels")
    assert response.status_code == 200
    return [(i["person_name"], i["skill_name"]) for i in response.json()["items"]]


def test_stale_levels_api_is_scoped(org):
    for person in (org.employee, org.report2, org.outsider, org.manager):
        _evidence(person, "Python", 2, days_ago=500)
    assert _stale_api(org.employee) == [(org.employee.full_name, "Python")]
    assert _stale_api(org.outsider) == [(org.outsider.full_name, "Python")]
    assert {n for n, _s in _stale_api(org.lead)} == {org.report2.full_name}
    assert {n for n, _s in _stale_api(org.manager)} == {
        org.manager.full_name,
        org.employee.full_name,
        org.report2.full_name,
    }
    assert len(_stale_api(org.admin)) == 4
