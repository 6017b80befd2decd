"""Pages: each actor, outsiders, the self-rating → validation → matrix flow, query budgets."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from seedbed.accounts.models import AuditLog
from seedbed.people.models import Person
from seedbed.skills.models import Assertion, PersonSkill, Skill, Source
from seedbed.skills.services import record_assertion
from tests.builders import PASSWORD, make_person, make_skill, require

pytestmark = pytest.mark.django_db


def _self_rate(org, who: str, skill: str, level: int) -> PersonSkill:
    person = getattr(org, who)
    sk = Skill.objects.get(name=skill)
    record_assertion(actor=person.user, person=person, skill=sk, level=level, source=Source.SELF)
    return PersonSkill.objects.get(person=person, skill=sk)


def test_every_page_renders_for_admin(org, clients):
    skill = Skill.objects.get(name="Python")
    _self_rate(org, "employee", "Python", 3)
    urls = [
        reverse("home"),
        reverse("skills:my_skills"),
        reverse("people:list"),
        reverse("people:detail", args=[org.employee.pk]),
        reverse("people:skill_history", args=[org.employee.pk, skill.pk]),
        reverse("people:validation"),
        reverse("people:matrix"),
        reverse("people:teams"),
        reverse("people:create"),
        reverse("people:edit", args=[org.employee.pk]),
        reverse("people:team_create"),
        reverse("skills:list"),
        reverse("skills:detail", args=[skill.pk]),
        reverse("skills:create"),
        reverse("skills:edit", args=[skill.pk]),
        reverse("skills:categories"),
        reverse("skills:category_create"),
        reverse("skills:scales"),
        reverse("skills:scale_create"),
        reverse("frameworks:roles"),
        reverse("frameworks:role_detail", args=[org.employee.role_id]),
        reverse("frameworks:role_create"),
        reverse("accounts:account"),
        reverse("accounts:settings"),
        reverse("accounts:audit"),
        reverse("skills:search") + "?q=py",
    ]
    for url in urls:
        response = clients["admin"].get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize(
    "name",
    [
        "people:create",
        "people:team_create",
        "skills:create",
        "skills:categories",
        "skills:scales",
        "frameworks:role_create",
        "accounts:settings",
        "accounts:audit",
    ],
)
@pytest.mark.parametrize("who", ["manager", "employee", "outsider"])
def test_admin_pages_refuse_others(clients, name, who):
    assert clients[who].get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["people:validation", "people:matrix"])
def test_manager_pages_refuse_employees(clients, name):
    assert clients["employee"].get(reverse(name)).status_code == 403
    assert clients["outsider"].get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_login(db):
    response = Client().get(reverse("people:matrix"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_outsider_cannot_see_levels_or_history(org, clients):
    ps = _self_rate(org, "employee", "Python", 4)
    detail = clients["outsider"].get(reverse("people:detail", args=[org.employee.pk]))
    assert detail.status_code == 200  # the directory entry is public inside the company
    assert b"skill-row" not in detail.content and b"History" not in detail.content
    history = clients["outsider"].get(
        reverse("people:skill_history", args=[org.employee.pk, ps.skill_id])
    )
    assert history.status_code == 404
    holders = clients["outsider"].get(reverse("skills:detail", args=[ps.skill_id]))
    assert "Emil Employee" not in holders.content.decode()


def test_outsider_manager_cannot_validate(org, clients):
    ps = _self_rate(org, "employee", "Python", 4)
    response = clients["outsider_manager"].post(
        reverse("people:validate", args=[ps.pk]), {"action": "accept"}
    )
    assert response.status_code == 404
    ps.refresh_from_db()
    assert ps.pending_validation


def test_org_setting_opens_levels_to_colleagues(org, clients):
    from seedbed.accounts.models import OrgSettings

    ps = _self_rate(org, "employee", "Python", 4)
    url = reverse("people:skill_history", args=[org.employee.pk, ps.skill_id])
    assert clients["outsider"].get(url).status_code == 404
    OrgSettings.objects.update_or_create(pk=1, defaults={"colleagues_see_levels": True})
    assert clients["outsider"].get(url).status_code == 200


def test_employee_rates_self_and_sets_interest(org, clients):
    python = Skill.objects.get(name="Python")
    response = clients["employee"].post(
        reverse("skills:rate"), {"skill": python.pk, "level": 3, "interest": "keen"}
    )
    assert response.status_code == 302
    ps = PersonSkill.objects.get(person=org.employee, skill=python)
    assert (ps.level, ps.pending_validation) == (3, True)
    assert org.employee.interests.get(skill=python).interest == "keen"
    # Saving the same level again does not append a duplicate assertion.
    clients["employee"].post(reverse("skills:rate"), {"skill": python.pk, "level": 3})
    assert Assertion.objects.filter(person=org.employee, skill=python).count() == 1


def test_rate_with_htmx_returns_the_row(org, clients):
    python = Skill.objects.get(name="Python")
    response = clients["employee"].post(
        reverse("skills:rate"), {"skill": python.pk, "level": 2}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr") and f'id="skill-row-{python.pk}"' in html
    assert "awaiting validation" in html


def test_out_of_scale_level_is_refused_with_message(org, clients):
    python = Skill.objects.get(name="Python")
    response = clients["employee"].post(
        reverse("skills:rate"), {"skill": python.pk, "level": 9}, follow=True
    )
    assert "outside the scale" in response.content.decode()
    assert not PersonSkill.objects.filter(person=org.employee).exists()


def test_picker_matches_aliases(org, clients):
    response = clients["employee"].get(reverse("skills:search") + "?q=k8s", HTTP_HX_REQUEST="true")
    assert "Kubernetes" in response.content.decode()


def test_validation_accept_and_adjust(org, clients):
    ps = _self_rate(org, "employee", "Python", 4)
    ps2 = _self_rate(org, "report2", "Kubernetes", 3)
    queue = clients["manager"].get(reverse("people:validation")).content.decode()
    assert "Emil Employee" in queue and "Rita Report" in queue
    response = clients["manager"].post(
        reverse("people:validate", args=[ps.pk]), {"action": "accept"}, HTTP_HX_REQUEST="true"
    )
    assert "Validated at level 4" in response.content.decode()
    ps.refresh_from_db()
    assert (ps.level, ps.source, ps.pending_validation) == (4, "manager", False)
    # Adjusting without a note re-renders the row with the reason.
    response = clients["manager"].post(
        reverse("people:validate", args=[ps2.pk]),
        {"action": "adjust", "level": 2},
        HTTP_HX_REQUEST="true",
    )
    assert "Say why" in response.content.decode()
    response = clients["manager"].post(
        reverse("people:validate", args=[ps2.pk]),
        {"action": "adjust", "level": 2, "note": "Only staging so far"},
    )
    assert response.status_code == 302
    ps2.refresh_from_db()
    assert (ps2.level, ps2.source) == (2, "manager")
    validation = Assertion.objects.get(person=org.report2, source="manager")
    assert (
        validation.validates_id == ps2.pending_assertion_id
        or validation.note == "Only staging so far"
    )
    assert AuditLog.objects.filter(action="assertion.manager").count() == 2


def test_matrix_shows_levels_requirements_and_gaps(org, clients):
    _self_rate(org, "employee", "Python", 1)
    html = clients["manager"].get(reverse("people:matrix")).content.decode()
    assert "Emil Employee" in html and "Rita Report" in html
    assert "Olga Outsider" not in html
    assert 'class="below"' in html  # Python 1 < required 3
    assert "≥3" in html


def test_matrix_sort_and_category_filter(org, clients):
    _self_rate(org, "employee", "Python", 1)
    _self_rate(org, "report2", "Python", 5)
    python = Skill.objects.get(name="Python")
    html = (
        clients["manager"]
        .get(reverse("people:matrix") + f"?sort=skill:{python.pk}")
        .content.decode()
    )
    assert html.index("Rita Report") < html.index("Emil Employee")
    other = make_skill("Negotiation")
    record_assertion(
        actor=org.employee.user, person=org.employee, skill=other, level=2, source=Source.SELF
    )
    html = (
        clients["manager"]
        .get(reverse("people:matrix") + f"?category={python.category_id}")
        .content.decode()
    )
    assert "Negotiation" not in html and "Python" in html


def test_matrix_export_is_neutralised(org, clients):
    Person.objects.filter(pk=org.employee.pk).update(full_name='=HYPERLINK("http://evil")')
    _self_rate(org, "employee", "Python", 2)
    response = clients["manager"].get(reverse("people:matrix") + "?format=csv")
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body
    assert response["Content-Disposition"].endswith('.csv"')
    xlsx = clients["manager"].get(reverse("people:matrix") + "?format=xlsx")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(xlsx.content)).active
    names = [row[1] for row in ws.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://evil")' in names


def _grow_team(org, n: int) -> None:
    python = Skill.objects.get(name="Python")
    k8s = Skill.objects.get(name="Kubernetes")
    for i in range(n):
        p = make_person(
            f"Extra {i}",
            access="employee",
            team=org.employee.team,
            role=org.employee.role,
            manager=org.manager,
        )
        for sk in (python, k8s, make_skill()):
            require(org.employee.role, sk, 2) if not org.employee.role.requirements.filter(
                skill=sk
            ).exists() else None
            record_assertion(actor=p.user, person=p, skill=sk, level=2, source=Source.SELF)


def _count_queries(client: Client, url: str, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["people:matrix", "people:validation"])
def test_manager_pages_query_count_is_constant(org, clients, url_name, django_assert_num_queries):
    url = reverse(url_name)
    _grow_team(org, 2)
    small = _count_queries(clients["manager"], url, None)
    _grow_team(org, 12)
    large = _count_queries(clients["manager"], url, None)
    assert small == large


def test_matrix_query_budget(org, clients, django_assert_num_queries):
    _grow_team(org, 5)
    # session, user, OrgSettings-free scoping (subqueries), then the matrix's 5 queries:
    # people, requirements, current levels (with last evidence), the review interval
    # (OrgSettings, for stale marks), skills; the navigation's unread-notification count.
    # Nothing per row or cell.
    with django_assert_num_queries(2 + 5 + 1):
        clients["manager"].get(reverse("people:matrix"))


def test_validation_queue_query_budget(org, clients, django_assert_num_queries):
    _grow_team(org, 5)
    # session + user; paginator count; page rows (one join); required levels;
    # scale lookup: default scale, levels, categories; the navigation's unread count.
    with django_assert_num_queries(2 + 1 + 1 + 1 + 3 + 1):
        clients["manager"].get(reverse("people:validation"))


def test_login_is_rate_limited(org, settings):
    settings.LOGIN_MAX_FAILURES = 3
    client = Client()
    email = org.employee.email
    for _ in range(3):
        r = client.post(reverse("accounts:login"), {"email": email, "password": "wrong-password"})
        assert r.status_code == 200
    r = client.post(reverse("accounts:login"), {"email": email, "password": PASSWORD})
    assert r.status_code == 429 and "Too many" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_works_and_rejects_unsafe_next(org):
    client = Client()
    r = client.post(
        reverse("accounts:login"),
        {
            "email": org.employee.email.upper(),
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert r.status_code == 302 and r["Location"] == reverse("home")


def test_user_language_is_used(org, clients):
    user = org.employee.user
    user.language = "de"
    user.save()
    response = clients["employee"].get(reverse("home"))
    assert response["Content-Language"] == "de"


def test_pages_escape_hostile_names(org, clients):
    Person.objects.filter(pk=org.employee.pk).update(full_name="<script>alert(1)</script>")
    html = clients["manager"].get(reverse("people:matrix")).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_deactivate_keeps_history_and_erase_anonymises(org, clients):
    _self_rate(org, "employee", "Python", 3)
    clients["admin"].post(reverse("people:action", args=[org.employee.pk, "deactivate"]))
    org.employee.refresh_from_db()
    assert not org.employee.is_active and not org.employee.user.is_active
    assert Assertion.objects.filter(person=org.employee).count() == 1
    clients["admin"].post(reverse("people:action", args=[org.employee.pk, "erase"]))
    org.employee.refresh_from_db()
    assert org.employee.full_name.startswith("Erased person") and org.employee.erased_at
    assert Assertion.objects.filter(person=org.employee).count() == 1


def test_admin_edits_person_with_cycle_message(org, clients):
    response = clients["admin"].post(
        reverse("people:edit", args=[org.manager.pk]),
        {
            "full_name": "Max Manager",
            "email": org.manager.email,
            "manager": org.report2.pk,
            "timezone": "UTC",
        },
    )
    assert response.status_code == 200
    assert "loop" in response.content.decode()


def test_matrix_export_reimports_as_wide_skills_file(org, clients):
    """The exported matrix is the wide import layout: importing it back changes nothing."""
    from seedbed.imports.parsing import read_table
    from seedbed.imports.services.skills import validate_skills

    _self_rate(org, "employee", "Python", 2)
    body = clients["manager"].get(reverse("people:matrix") + "?format=csv").content
    assert body.decode("utf-8-sig").startswith("email,name,team,role,")
    preview = validate_skills(read_table(body, "matrix.csv"), layout="wide", source="self")
    assert preview.error_count == 0
    assert preview.counts.get("created", 0) == 0


def test_edits_through_forms_are_audited_with_their_changes(org, clients):
    """A ModelForm writes the submitted values onto its instance while validating; the edit
    views give it a copy, so the service still sees the stored values and audits the change."""
    from seedbed.accounts.models import AuditLog

    response = clients["admin"].post(
        reverse("people:edit", args=[org.employee.pk]),
        {
            "full_name": "Emil Employee",
            "email": org.employee.email,
            "location": "Graz",
            "timezone": "UTC",
            "team": org.employee.team_id,
            "role": org.employee.role_id,
            "manager": org.manager.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditLog.objects.filter(action="person.update", object_id=str(org.employee.pk)).get()
    assert entry.changes["location"] == ["", "Graz"]
    team = org.employee.team
    clients["admin"].post(reverse("people:team_edit", args=[team.pk]), {"name": "Platform"})
    entry = AuditLog.objects.filter(action="team.update", object_id=str(team.pk)).get()
    assert entry.changes["name"] == ["Engineering", "Platform"]
