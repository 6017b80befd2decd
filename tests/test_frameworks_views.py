"""Role pages for each actor: requirement picker, career path, compare, readiness, target role,
strategic needs and sector templates. Every permission test asks what the outsider gets."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from seedbed.accounts.models import AuditLog
from seedbed.frameworks.models import Role, RoleRequirement, StrategicNeed
from seedbed.frameworks.services import save_need, set_next_roles
from seedbed.people.models import Person
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.builders import make_role, make_skill, require

pytestmark = pytest.mark.django_db


@pytest.fixture
def senior(org) -> Role:  # type: ignore[no-untyped-def]
    make_skill("SQL", aliases=["structured query language"])
    role = make_role("Senior Developer")
    require(role, Skill.objects.get(name="Python"), 4, importance=3)
    require(role, Skill.objects.get(name="Kubernetes"), 2, importance=1)
    require(role, Skill.objects.get(name="SQL"), 3, importance=2)
    return role


def _levels(person: Person, **levels: int) -> None:
    rows = [
        NewAssertion(person.pk, Skill.objects.get(name=n).pk, lv, Source.MANAGER)
        for n, lv in levels.items()
    ]
    record_assertions_bulk(actor=None, rows=rows, summary="test")


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# --- role page: picker and career path ----------------------------------------------------------


def test_admin_adds_a_requirement_through_the_picker(org, clients, senior) -> None:  # type: ignore[no-untyped-def]
    developer = org.employee.role
    url = reverse("frameworks:requirement_picker", args=[developer.pk])
    page = clients["admin"].get(url, {"q": "structured"})
    assert page.status_code == 200 and "<html" in _text(page) and "SQL" in _text(page)
    fragment = clients["admin"].get(url, {"q": "py"}, headers={"HX-Request": "true"})
    assert "<html" not in _text(fragment) and "already required" in _text(fragment)
    assert "No skill matches" in _text(clients["admin"].get(url, {"q": "zzz"}))
    sql = Skill.objects.get(name="SQL")
    response = clients["admin"].post(
        reverse("frameworks:requirement_set", args=[developer.pk]),
        {"skill": sql.pk, "required_level": 2, "importance": 3},
    )
    assert response.status_code == 302
    req = RoleRequirement.objects.get(role=developer, skill=sql)
    assert (req.required_level, req.importance) == (2, 3)
    # The role page has the search box, not a select of every skill.
    detail = _text(clients["admin"].get(reverse("frameworks:role_detail", args=[developer.pk])))
    assert 'id="req-search"' in detail and 'name="skill" id="id_skill"' not in detail


def test_only_admins_use_the_picker_or_change_the_career_path(org, clients, senior) -> None:  # type: ignore[no-untyped-def]
    developer = org.employee.role
    for who in ("manager", "employee", "outsider"):
        client = clients[who]
        assert (
            client.get(reverse("frameworks:requirement_picker", args=[developer.pk])).status_code
            == 403
        )
        response = client.post(
            reverse("frameworks:next_roles", args=[developer.pk]), {"next_roles": [senior.pk]}
        )
        assert response.status_code == 403
        page = _text(client.get(reverse("frameworks:role_detail", args=[developer.pk])))
        assert 'id="req-search"' not in page and "Save career path" not in page
    assert not developer.next_roles.exists()


def test_career_path_on_the_role_pages(org, clients, senior) -> None:  # type: ignore[no-untyped-def]
    developer = org.employee.role
    response = clients["admin"].post(
        reverse("frameworks:next_roles", args=[developer.pk]), {"next_roles": [senior.pk]}
    )
    assert response.status_code == 302
    assert list(developer.next_roles.all()) == [senior]
    page = _text(clients["employee"].get(reverse("frameworks:role_detail", args=[senior.pk])))
    assert "People often come from" in page and "Developer" in page
    # The employee sees their own readiness for the role with a link to the details.
    assert "Your readiness for this role" in page
    assert reverse("frameworks:readiness", args=[senior.pk, org.employee.pk]) in page
    # Choosing the role itself as its next role is refused with a message.
    response = clients["admin"].post(
        reverse("frameworks:next_roles", args=[developer.pk]),
        {"next_roles": [developer.pk]},
        follow=True,
    )
    assert "Choose active roles other than this one" in _text(response)


def test_editing_a_role_is_audited_with_its_changes(org, clients) -> None:  # type: ignore[no-untyped-def]
    developer = org.employee.role
    response = clients["admin"].post(
        reverse("frameworks:role_edit", args=[developer.pk]),
        {"name": "Developer", "description": "Builds things", "is_active": "on"},
    )
    assert response.status_code == 302
    entry = AuditLog.objects.get(action="role.update")
    assert entry.changes == {"description": ["", "Builds things"]}


# --- compare --------------------------------------------------------------------------------


def test_compare_two_roles_and_export(org, clients, senior) -> None:  # type: ignore[no-untyped-def]
    developer = org.employee.role
    url = reverse("frameworks:compare")
    page = clients["outsider"].get(url, {"a": developer.pk, "b": senior.pk})
    text = _text(page)
    assert page.status_code == 200
    assert "2 skills required by both" in text
    assert "(1 at a higher level in Senior Developer, 0 higher in Developer)" in text
    assert "1 only in Senior Developer." in text
    assert "only Senior Developer" in text  # SQL
    response = clients["employee"].get(url, {"a": developer.pk, "b": senior.pk, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2:4] == ["level: Developer", "importance: Developer"]
    by_skill = {r[1]: r for r in rows[1:]}
    assert by_skill["Python"][2:] == ["3", "2", "4", "3", "1", "both"]
    assert by_skill["SQL"][2:] == ["", "", "3", "2", "", "only B"]
    xlsx = clients["employee"].get(url, {"a": developer.pk, "b": senior.pk, "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    # Missing or unknown roles: the form explains, nothing breaks.
    assert "Choose two roles" in _text(clients["employee"].get(url, {"a": developer.pk, "b": 0}))
    assert clients["employee"].get(url).status_code == 200
    # Linked from the role list and the role page.
    assert url in _text(clients["employee"].get(reverse("frameworks:roles")))
    assert f"{url}?a={developer.pk}" in _text(
        clients["employee"].get(reverse("frameworks:role_detail", args=[developer.pk]))
    )


# --- readiness and target role ------------------------------------------------------------------


def test_readiness_page_for_each_actor(org, clients, senior) -> None:  # type: ignore[no-untyped-def]
    _levels(org.employee, Python=3, Kubernetes=4)
    url = reverse("frameworks:readiness", args=[senior.pk, org.employee.pk])
    for who in ("employee", "manager", "admin"):
        response = clients[who].get(url)
        assert response.status_code == 200, who
        text = _text(response)
        assert "54.2 %" in text and "Meets 1 of 3 required levels" in text
        assert "min(level, required) ÷ required" in text  # the definition is on the page
    for who in ("outsider", "outsider_manager", "report2"):
        assert clients[who].get(url).status_code == 404, who
    assert (
        clients["admin"].get(reverse("frameworks:readiness", args=[senior.pk, 999999])).status_code
        == 404
    )
    pick = clients["manager"].get(
        reverse("frameworks:readiness_pick", args=[org.employee.pk]), {"role": senior.pk}
    )
    assert pick["Location"] == url
    assert (
        clients["outsider"]
        .get(reverse("frameworks:readiness_pick", args=[org.employee.pk]), {"role": senior.pk})
        .status_code
        == 404
    )


def test_target_role_on_my_skills(org, clients, senior) -> None:  # type: ignore[no-untyped-def]
    set_next_roles(actor=org.user("admin"), role=org.employee.role, next_roles=[senior])
    _levels(org.employee, Python=3, Kubernetes=4)
    page = _text(clients["employee"].get(reverse("skills:my_skills")))
    assert "Career path and readiness" in page and "next on the path" in page
    assert "54.2 %" in page
    response = clients["employee"].post(reverse("frameworks:target_role"), {"role": senior.pk})
    assert response.status_code == 302
    org.employee.refresh_from_db()
    assert org.employee.target_role == senior
    assert "target role" in _text(clients["employee"].get(reverse("skills:my_skills")))
    retired = make_role("Retired", is_active=False)
    response = clients["employee"].post(
        reverse("frameworks:target_role"), {"role": retired.pk}, follow=True
    )
    assert "Choose an active role" in _text(response)
    org.employee.refresh_from_db()
    assert org.employee.target_role == senior
    clients["employee"].post(reverse("frameworks:target_role"), {"role": ""})
    org.employee.refresh_from_db()
    assert org.employee.target_role is None


def test_admin_sets_the_target_role_on_the_person_form(org, clients, senior) -> None:  # type: ignore[no-untyped-def]
    e = org.employee
    response = clients["admin"].post(
        reverse("people:edit", args=[e.pk]),
        {
            "full_name": e.full_name,
            "email": e.email,
            "role": e.role_id,
            "target_role": senior.pk,
            "team": e.team_id,
            "manager": e.manager_id,
            "timezone": "UTC",
        },
    )
    assert response.status_code == 302, response.content
    e.refresh_from_db()
    assert e.target_role == senior


def test_person_page_shows_readiness_to_who_may_see_levels(org, clients, senior) -> None:  # type: ignore[no-untyped-def]
    Person.objects.filter(pk=org.employee.pk).update(target_role=senior)
    _levels(org.employee, Python=3, Kubernetes=4)
    url = reverse("people:detail", args=[org.employee.pk])
    for who in ("manager", "admin"):
        text = _text(clients[who].get(url))
        assert "Career path and readiness" in text and "54.2 %" in text, who
        assert "Role I am working towards" not in text  # the picker is for the person only
    text = _text(clients["outsider"].get(url))
    assert "Career path and readiness" not in text and "54.2" not in text


# --- strategic needs ----------------------------------------------------------------------------


def _need(org, **data) -> StrategicNeed:  # type: ignore[no-untyped-def]
    base = {
        "skill": Skill.objects.get(name="Python"),
        "level": 4,
        "headcount": 2,
        "due_date": timezone.localdate() + timedelta(days=90),
        "owner": org.manager,
        "goal": "New analytics product",
    }
    return save_need(actor=org.user("admin"), data=base | data)


def test_admin_creates_edits_and_archives_a_need(org, clients) -> None:  # type: ignore[no-untyped-def]
    admin = clients["admin"]
    chooser = admin.get(reverse("frameworks:need_create"), {"q": "k8s"})
    k8s = Skill.objects.get(name="Kubernetes")
    assert f"?skill={k8s.pk}" in _text(chooser)
    form = admin.get(reverse("frameworks:need_create"), {"skill": k8s.pk})
    assert "Kubernetes" in _text(form) and 'name="headcount"' in _text(form)
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    data = {"skill": k8s.pk, "level": 4, "headcount": 3, "due_date": due, "priority": 3}
    response = admin.post(reverse("frameworks:need_create"), data | {"owner": org.manager.pk})
    assert response.status_code == 302
    need = StrategicNeed.objects.get()
    assert (need.skill, need.headcount, need.owner) == (k8s, 3, org.manager)
    # An archived skill (the picker never offers one) is refused next to the skill.
    old = make_skill("COBOL", is_active=False)
    refused = admin.post(reverse("frameworks:need_create"), data | {"skill": old.pk})
    assert refused.status_code == 200 and "COBOL is archived" in _text(refused)
    # A level beyond the scale comes back on the form with the service's message.
    bad = admin.post(reverse("frameworks:need_edit", args=[need.pk]), data | {"level": 9})
    assert bad.status_code == 200 and "outside the scale" in _text(bad)
    admin.post(reverse("frameworks:need_edit", args=[need.pk]), data | {"headcount": 5})
    need.refresh_from_db()
    assert need.headcount == 5
    # The service sees the stored need, not one the form already changed: the change is audited.
    assert AuditLog.objects.get(action="need.update").changes["headcount"] == [3, 5]
    admin.post(reverse("frameworks:need_action", args=[need.pk, "archive"]))
    need.refresh_from_db()
    assert not need.is_active
    admin.post(reverse("frameworks:need_action", args=[need.pk, "reopen"]))
    need.refresh_from_db()
    assert need.is_active


def test_needs_list_for_each_actor(org, clients) -> None:  # type: ignore[no-untyped-def]
    mine = _need(org)
    other = _need(org, owner=org.outsider_manager, goal="Operations goal")
    _levels(org.employee, Python=4)
    _levels(org.lead, Python=3)
    url = reverse("frameworks:needs")
    text = _text(clients["admin"].get(url))
    assert "New analytics product" in text and "Operations goal" in text
    assert "New need" in text
    text = _text(clients["manager"].get(url))
    assert "New analytics product" in text and "Operations goal" not in text
    assert "New need" not in text
    assert "No needs you own match" in _text(clients["employee"].get(url))
    # Export with the figures: have 1 (employee), close 1 (lead), shortfall 1.
    response = clients["admin"].get(url, {"format": "csv", "status": "all"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_goal = {r[6]: r for r in rows[1:]}
    assert by_goal["New analytics product"][7:10] == ["1", "1", "1"]
    for who in ("manager", "employee", "outsider"):
        client = clients[who]
        assert client.get(reverse("frameworks:need_create")).status_code == 403
        assert client.get(reverse("frameworks:need_edit", args=[mine.pk])).status_code == 403
        assert (
            client.post(reverse("frameworks:need_action", args=[other.pk, "archive"])).status_code
            == 403
        )
    assert StrategicNeed.objects.filter(is_active=True).count() == 2


def test_needs_list_filters(org, clients) -> None:  # type: ignore[no-untyped-def]
    _need(org, goal="Python goal")
    late = _need(org, skill=Skill.objects.get(name="Kubernetes"), goal="Late goal", priority=1)
    StrategicNeed.objects.filter(pk=late.pk).update(
        due_date=timezone.localdate() - timedelta(days=2)
    )
    url = reverse("frameworks:needs")
    text = _text(clients["admin"].get(url, {"status": "overdue"}))
    assert "Late goal" in text and "Python goal" not in text and "overdue" in text
    text = _text(clients["admin"].get(url, {"q": "k8s"}))  # aliases find skills
    assert "Late goal" in text and "Python goal" not in text
    text = _text(clients["admin"].get(url, {"priority": "2"}))
    assert "Python goal" in text and "Late goal" not in text


# --- sector templates ---------------------------------------------------------------------------


def test_templates_pages_for_admins_only(org, clients) -> None:  # type: ignore[no-untyped-def]
    for who in ("manager", "employee", "outsider"):
        client = clients[who]
        assert client.get(reverse("frameworks:templates")).status_code == 403
        assert (
            client.get(reverse("frameworks:template_preview", args=["healthcare"])).status_code
            == 403
        )
        assert (
            client.post(reverse("frameworks:template_apply", args=["healthcare"])).status_code
            == 403
        )
    assert not Skill.objects.filter(name="Basic life support").exists()


def test_admin_previews_and_applies_a_template(org, clients) -> None:  # type: ignore[no-untyped-def]
    admin = clients["admin"]
    text = _text(admin.get(reverse("frameworks:templates")))
    for title in ("Technology", "Healthcare", "Manufacturing", "Financial services"):
        assert title in text
    assert "2 skills, 0 roles" in text  # technology shares Python and Kubernetes
    preview = _text(admin.get(reverse("frameworks:template_preview", args=["technology"])))
    assert "skills you already have" in preview and "Apply template" in preview
    assert admin.get(reverse("frameworks:template_preview", args=["farming"])).status_code == 404
    response = admin.post(reverse("frameworks:template_apply", args=["technology"]), follow=True)
    assert "Template applied: 38 skills and 7 roles created" in _text(response)
    assert "already in Seedbed: applying it would change nothing" in _text(response)
    again = admin.post(reverse("frameworks:template_apply", args=["technology"]), follow=True)
    assert "Nothing to do: this template is already applied" in _text(again)


def test_first_run_checklist_links_the_templates(org, clients) -> None:  # type: ignore[no-untyped-def]
    Skill.objects.all().delete()
    RoleRequirement.objects.all().delete()
    text = _text(clients["admin"].get(reverse("home")))
    assert reverse("frameworks:templates") in text
