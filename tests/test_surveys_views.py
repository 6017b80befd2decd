"""Survey pages per actor: who may launch, see progress, remind, close; answering one's own
task; the home page's open tasks; exports."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from seedbed.accounts.models import AuditLog
from seedbed.notifications.models import Kind, Notification
from seedbed.people.models import Person
from seedbed.skills.models import Assertion, Skill, Source
from seedbed.surveys import services
from seedbed.surveys.models import Campaign, CampaignStatus, Scope, SurveyTask, TaskStatus
from tests.builders import make_person, make_team

pytestmark = pytest.mark.django_db


def _deadline(days: int = 14) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _launch(org, **kw) -> Campaign:  # type: ignore[no-untyped-def]
    return services.launch_campaign(
        actor=org.user("admin"),
        name=kw.pop("name", "Spring review"),
        scope=kw.pop("scope", Scope.EVERYONE),
        deadline=timezone.localdate() + timedelta(days=14),
        **kw,
    )


def _task(campaign: Campaign, person: Person) -> SurveyTask:
    return SurveyTask.objects.get(campaign=campaign, person=person)


# --- launching -------------------------------------------------------------------------------


def test_admin_launches_a_survey_for_a_team_from_the_form(org, clients):
    response = clients["admin"].post(
        reverse("surveys:launch"),
        {
            "name": "Engineering check",
            "message": "Thanks!",
            "scope": "team",
            "team": org.employee.team_id,
            "deadline": _deadline(),
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:detail", args=[campaign.pk])
    assert campaign.tasks.count() == 4 and campaign.team == org.employee.team
    assert AuditLog.objects.filter(action="survey.launch").exists()
    page = clients["admin"].get(response["Location"]).content.decode()
    assert "4 people have a task and are being notified" in page


def test_launch_form_names_the_problem(org, clients):
    response = clients["admin"].post(
        reverse("surveys:launch"), {"name": "x", "scope": "team", "deadline": _deadline()}
    )
    assert response.status_code == 200 and "Choose the team to survey." in response.content.decode()
    response = clients["admin"].post(
        reverse("surveys:launch"), {"name": "x", "scope": "everyone", "deadline": _deadline(-2)}
    )
    assert "The deadline has passed" in response.content.decode()
    assert not Campaign.objects.exists()


def test_launch_form_can_be_preset_by_a_link(org, clients):
    url = reverse("surveys:launch") + f"?scope=team&team={org.employee.team_id}"
    html = clients["admin"].get(url).content.decode()
    assert 'value="team" required id="id_scope_1" checked>' in html
    assert f'<option value="{org.employee.team_id}" selected>' in html


@pytest.mark.parametrize("actor", ["manager", "employee", "outsider"])
def test_only_admins_reach_the_launch_form(org, clients, actor):
    assert clients[actor].get(reverse("surveys:launch")).status_code == 403
    response = clients[actor].post(
        reverse("surveys:launch"), {"name": "x", "scope": "everyone", "deadline": _deadline()}
    )
    assert response.status_code == 403
    assert not Campaign.objects.exists()


# --- lists and progress ------------------------------------------------------------------------


def test_campaign_list_per_actor(org, clients):
    _launch(org, name="Developers", scope=Scope.ROLE, role=org.employee.role)
    _launch(org, name="Operations", scope=Scope.TEAM, team=org.outsider.team)
    admin = clients["admin"].get(reverse("surveys:list")).content.decode()
    assert "Developers" in admin and "Operations" in admin
    manager = clients["manager"].get(reverse("surveys:list")).content.decode()
    assert "Developers" in manager and "Operations" not in manager
    assert "0 / 4" in manager  # the manager's whole line takes part
    lead = clients["lead"].get(reverse("surveys:list")).content.decode()
    assert "0 / 2" in lead  # the lead and report2 only
    filtered = clients["admin"].get(reverse("surveys:list") + "?q=operat&status=open")
    assert "Developers" not in filtered.content.decode()
    assert "Operations" in filtered.content.decode()
    for actor in ("employee", "outsider"):
        assert clients[actor].get(reverse("surveys:list")).status_code == 403


def test_progress_page_shows_teams_bars_and_who_is_behind(org, clients):
    platform = make_team("Platform", parent=org.employee.team)
    Person.objects.filter(pk=org.report2.pk).update(team=platform)
    campaign = _launch(org, scope=Scope.TEAM, team=org.employee.team)
    task = _task(campaign, org.employee)
    services.submit_answers(
        actor=org.user("employee"),
        task=task,
        answers=dict.fromkeys(task.items.values_list("skill_id", flat=True), 2),
        complete=True,
    )
    html = clients["admin"].get(reverse("surveys:detail", args=[campaign.pk])).content.decode()
    assert "1 of 4 people done" in html and "25 %" in html
    assert 'aria-label="1 of 3 done"' in html  # Engineering
    assert 'width="33"' in html and 'width="0"' in html  # the SVG bars
    assert "<script" not in html.split("<main", 1)[1]
    behind = html.split("Still to do", 1)[1]
    assert org.report2.full_name in behind and org.lead.full_name in behind  # report2's manager
    assert org.employee.full_name not in behind.split("</table>")[0]
    # the lead sees only their line, the outsider's manager not this survey at all
    lead = clients["lead"].get(reverse("surveys:detail", args=[campaign.pk])).content.decode()
    assert "0 of 2 people done" in lead and org.employee.full_name not in lead
    assert (
        clients["outsider_manager"].get(reverse("surveys:detail", args=[campaign.pk])).status_code
        == 404
    )
    assert clients["employee"].get(reverse("surveys:detail", args=[campaign.pk])).status_code == 403


def test_progress_exports_csv_and_xlsx_safely(org, clients):
    Person.objects.filter(pk=org.report2.pk).update(full_name="=HYPERLINK(1)")
    campaign = _launch(org, scope=Scope.ROLE, role=org.employee.role)
    url = reverse("surveys:detail", args=[campaign.pk])
    csv = clients["manager"].get(url + "?format=csv")
    body = csv.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("name,email,team,manager,status")
    assert "'=HYPERLINK(1)" in body and len(body.splitlines()) == 5
    xlsx = clients["lead"].get(url + "?format=xlsx")
    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(1)", org.lead.full_name]


def test_remind_button_reaches_those_behind_in_the_clickers_line(org, clients):
    campaign = _launch(org)
    response = clients["lead"].post(reverse("surveys:remind", args=[campaign.pk]))
    assert response.status_code == 302
    assert set(
        Notification.objects.filter(kind=Kind.SURVEY_REMINDER).values_list("recipient", flat=True)
    ) == {org.lead.pk, org.report2.pk}
    page = clients["lead"].get(response["Location"]).content.decode()
    assert "Reminders sent to 2 people." in page
    clients["lead"].post(reverse("surveys:remind", args=[campaign.pk]))
    assert Notification.objects.filter(kind=Kind.SURVEY_REMINDER).count() == 2
    assert (
        clients["employee"].post(reverse("surveys:remind", args=[campaign.pk])).status_code == 403
    )


def test_close_and_cancel_are_for_admins(org, clients):
    campaign = _launch(org)
    url = reverse("surveys:close", args=[campaign.pk, "close"])
    assert clients["manager"].post(url).status_code == 403
    assert (
        clients["admin"].post(reverse("surveys:close", args=[campaign.pk, "explode"])).status_code
        == 404
    )
    assert clients["admin"].post(url).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    response = clients["admin"].post(reverse("surveys:close", args=[campaign.pk, "cancel"]))
    assert "already closed" in clients["admin"].get(response["Location"]).content.decode()


# --- answering one's task ----------------------------------------------------------------------


def test_employee_answers_and_completes_their_task(org, clients):
    campaign = _launch(org)
    task = _task(campaign, org.employee)
    url = reverse("surveys:task", args=[task.pk])
    page = clients["employee"].get(url).content.decode()
    assert "Python" in page and "Kubernetes" in page
    python, k8s = (Skill.objects.get(name=n).pk for n in ("Python", "Kubernetes"))
    response = clients["employee"].post(url, {f"level-{python}": "3", "save": ""})
    assert response.status_code == 302 and response["Location"] == url
    assert Assertion.objects.filter(person=org.employee, source=Source.SELF).count() == 1
    refused = clients["employee"].post(url, {f"level-{python}": "4", "complete": ""})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Rate every skill first" in html
    select = html.split(f'id="level-{python}"')[1].split("</select>")[0]
    assert re.search(r'<option value="4"[^>]*selected', select)  # the choice is kept
    done = clients["employee"].post(
        url, {f"level-{python}": "3", f"level-{k8s}": "2", "complete": ""}
    )
    assert done.status_code == 302 and done["Location"] == reverse("home")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    bad = clients["employee"].post(url, {f"level-{python}": "lots"})
    assert bad.status_code == 400 and "Choose a level" in bad.content.decode()


@pytest.mark.parametrize("actor", ["manager", "admin", "outsider"])
def test_nobody_opens_or_answers_someone_elses_task(org, clients, actor):
    campaign = _launch(org)
    url = reverse("surveys:task", args=[_task(campaign, org.employee).pk])
    assert clients[actor].get(url).status_code == 404
    python = Skill.objects.get(name="Python").pk
    assert clients[actor].post(url, {f"level-{python}": "3"}).status_code == 404
    assert not Assertion.objects.exists()


def test_home_lists_open_tasks_and_my_surveys_lists_all(org, clients):
    campaign = _launch(org, name="Autumn check")
    home = clients["employee"].get(reverse("home")).content.decode()
    assert (
        "Skill surveys for you" in home and "Autumn check" in home and "0 of 2 skills rated" in home
    )
    services.close_campaign(actor=org.user("admin"), campaign=campaign)
    assert "Autumn check" not in clients["employee"].get(reverse("home")).content.decode()
    mine = clients["employee"].get(reverse("surveys:my_tasks")).content.decode()
    assert "Autumn check" in mine and "Closed" in mine
    assert (
        "Autumn check"
        not in clients["outsider"]
        .get(reverse("surveys:task", args=[_task(campaign, org.employee).pk]))
        .content.decode()
    )


# --- query budgets ---------------------------------------------------------------------------


def _grow(org, n: int, campaign: Campaign) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        team = make_team()
        person = make_person(
            access="employee", team=team, role=org.employee.role, manager=org.manager
        )
        SurveyTask.objects.create(campaign=campaign, person=person, team=team)
        _launch(org, name=f"More {i}", scope=Scope.ROLE, role=org.employee.role)


@pytest.mark.parametrize(
    ("actor", "which"),
    [("admin", "list"), ("manager", "list"), ("admin", "detail"), ("lead", "detail")],
)
def test_survey_pages_query_count_is_constant(org, clients, actor, which):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campaign = _launch(org)
    url = (
        reverse("surveys:list")
        if which == "list"
        else reverse("surveys:detail", args=[campaign.pk])
    )
    counts = []
    for size in (2, 12):
        _grow(org, size, campaign)
        with CaptureQueriesContext(connection) as ctx:
            assert clients[actor].get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    # session, user; the list: count + page | the detail: campaign, progress, count + page of
    # those behind; the navigation's unread count.
    assert counts[0] == (2 + 2 + 1 if which == "list" else 2 + 1 + 1 + 2 + 1)
