"""People's data: export on request, erasure, interest API, audit."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from seedbed.accounts.models import AuditLog
from seedbed.skills.models import Assertion, Skill, SkillInterest, Source
from seedbed.skills.services import record_assertion
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def _rate(org) -> Skill:
    python = Skill.objects.get(name="Python")
    record_assertion(
        actor=org.employee.user,
        person=org.employee,
        skill=python,
        level=3,
        source=Source.SELF,
        note="Built the billing service",
    )
    return python


def test_person_downloads_own_personal_data(org, clients):
    _rate(org)
    response = clients["employee"].get(reverse("people:personal_data", args=[org.employee.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["email"] == org.employee.email
    assert data["assertions"][0]["note"] == "Built the billing service"
    assert AuditLog.objects.filter(action="person.export", object_id=str(org.employee.pk)).exists()


@pytest.mark.parametrize("who", ["outsider", "manager", "outsider_manager"])
def test_others_cannot_download_personal_data(org, clients, who):
    response = clients[who].get(reverse("people:personal_data", args=[org.employee.pk]))
    assert response.status_code == 403


def test_admin_exports_and_erases_through_the_api(org):
    _rate(org)
    api = Client(**bearer(org.admin))
    data = api.get(f"/api/v1/people/{org.employee.pk}/personal-data").json()
    assert data["person"]["name"] == "Emil Employee"
    assert api.post(f"/api/v1/people/{org.employee.pk}/erase").status_code == 200
    org.employee.refresh_from_db()
    assert org.employee.erased_at is not None and "Emil" not in org.employee.full_name
    assert Assertion.objects.get(person=org.employee).note == ""


def test_outsider_cannot_erase_or_export_through_the_api(org):
    api = Client(**bearer(org.outsider))
    assert api.get(f"/api/v1/people/{org.employee.pk}/personal-data").status_code == 403
    assert api.post(f"/api/v1/people/{org.employee.pk}/erase").status_code == 403
    org.employee.refresh_from_db()
    assert org.employee.erased_at is None


def test_interest_api_only_for_oneself(org):
    python = Skill.objects.get(name="Python")
    url = f"/api/v1/people/{org.employee.pk}/skills/{python.pk}/interest"
    own = Client(**bearer(org.employee))
    response = own.put(url, {"interest": "keen"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["interest"] == "keen"
    assert SkillInterest.objects.get(person=org.employee, skill=python).interest == "keen"
    manager = Client(**bearer(org.manager))
    assert (
        manager.put(url, {"interest": "none"}, content_type="application/json").status_code == 403
    )
    outsider = Client(**bearer(org.outsider))
    assert (
        outsider.put(url, {"interest": "none"}, content_type="application/json").status_code == 404
    )
    assert own.put(url, {"interest": "very"}, content_type="application/json").status_code == 422


def test_export_and_erasure_cover_learning_certificates_and_plans(org, clients, tmp_path):
    from datetime import date

    from django.core.files.base import ContentFile

    from seedbed.certifications.models import Certification, HeldCertification
    from seedbed.development.models import DevelopmentPlan, Goal
    from seedbed.learning.models import Enrolment, LearningHours, LearningItem

    item = LearningItem.objects.create(title="Kubernetes basics", kind="elearning")
    Enrolment.objects.create(person=org.employee, item=item, reaction_comment="Loved the labs")
    LearningHours.objects.create(person=org.employee, hours=2, note="lab evening")
    cert = Certification.objects.create(name="CKA")
    held = HeldCertification.objects.create(
        person=org.employee, certification=cert, number="CKA-123", issued_on=date(2026, 1, 5)
    )
    held.attachment.save("scan.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    plan = DevelopmentPlan.objects.create(person=org.employee, title="Grow into platform")
    Goal.objects.create(
        plan=plan,
        skill=Skill.objects.get(name="Kubernetes"),
        target_level=3,
        note="private goal note",
    )
    data = json.loads(
        clients["employee"].get(reverse("people:personal_data", args=[org.employee.pk])).content
    )
    assert data["enrolments"][0]["comment"] == "Loved the labs"
    assert data["learning_hours"][0]["note"] == "lab evening"
    assert data["certificates"][0]["number"] == "CKA-123" and data["certificates"][0]["has_scan"]
    assert data["development_plans"][0]["goals"][0]["note"] == "private goal note"
    path = held.attachment.path
    clients["admin"].post(reverse("people:action", args=[org.employee.pk, "erase"]))
    held.refresh_from_db()
    assert held.number == "" and not held.attachment
    import os

    assert not os.path.exists(path)
    assert Enrolment.objects.get(person=org.employee).reaction_comment == ""
    assert Goal.objects.get(plan=plan).note == ""


def test_export_and_erasure_cover_mentoring_and_knowledge(org):
    """The request-level export carries the person's mentoring and knowledge data, and
    erasure through the API removes what they wrote there (private session notes, comments)
    while the organisation's articles stay, without their name."""
    from datetime import date

    from seedbed.knowledge.models import Article, Comment, Question
    from seedbed.mentoring.models import MentoringSession, Pair, PairState, Programme

    programme = Programme.objects.create(name="Guild")
    pair = Pair.objects.create(
        programme=programme, mentor=org.lead, mentee=org.employee, state=PairState.ACTIVE
    )
    MentoringSession.objects.create(
        pair=pair, held_on=date(2026, 11, 1), private_notes="MENTEE-PRIVATE-41"
    )
    article = Article.objects.create(title="Deploying", body="Steps", owner=org.employee)
    question = Question.objects.create(title="How to deploy?", asked_by=org.employee)
    Comment.objects.create(question=question, author=org.employee, body="COMMENT-TEXT-41")

    api = Client(**bearer(org.admin))
    data = api.get(f"/api/v1/people/{org.employee.pk}/personal-data").json()
    dumped = json.dumps(data)
    assert "participations" in data["mentoring"] and "articles" in data["knowledge"]
    assert "MENTEE-PRIVATE-41" in dumped and "COMMENT-TEXT-41" in dumped
    assert "Deploying" in dumped

    assert api.post(f"/api/v1/people/{org.employee.pk}/erase").status_code == 200
    assert MentoringSession.objects.get(pair=pair).private_notes == ""
    assert not Comment.objects.filter(body="COMMENT-TEXT-41").exists()
    article.refresh_from_db()
    assert article.owner is None and article.title == "Deploying"
    pair.refresh_from_db()
    assert pair.state == PairState.ENDED
