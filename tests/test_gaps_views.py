"""Gap pages: who sees what, figures checked by hand on a small organisation, exports, charts.

The small organisation (``small``), on top of the named actors of tests/conftest.py:

- Developer (manager, lead, employee, report2; team Engineering) requires Python 3 and
  Kubernetes 2, both importance 2. Operator (outsider; team Operations) requires Forklift 3,
  importance 3.
- Levels (manager validations): manager Python 4, Kubernetes 2; lead Python 3, Kubernetes 1
  (400 days old: stale); employee Python 2; report2 Kubernetes 1 (20 days ago), then 4
  (yesterday, after the comparison day ``cut``, 10 days ago); outsider Forklift 4.
- One strategic need: 2 people at Python 4, due a month ago (so the organisation asks for
  Python 4, Kubernetes 2, Forklift 3).

By hand: Engineering meets 4 of 8 requirements (manager 2, lead 1, report2 1), Operations 1 of
1: coverage 5/9. On ``cut`` report2's Kubernetes was 1: 3/8 and 4/9. Weighted gaps: Python
(1 + 3)·2 = 8, Kubernetes (1 + 2)·2 = 6. Every skill has one holder at level 4+ (Python the
manager, Kubernetes report2, Forklift the outsider): all three at risk. Only the manager reaches
Python 4 and only the outsider Forklift 3: either departure leaves 2 of 3 demanded skills
covered (66.7 %).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from seedbed.frameworks.models import Role, StrategicNeed
from seedbed.gaps import dashboards as d
from seedbed.gaps.charts import Bar, bar_chart, paired_bar_chart
from seedbed.gaps.selectors import person_readiness
from seedbed.people.models import Person
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.builders import make_role, make_skill, require
from tests.conftest import Org

pytestmark = pytest.mark.django_db


@dataclass
class Small:
    org: Org
    python: Skill
    k8s: Skill
    forklift: Skill
    operator: Role
    cut: date


def build_small(org: Org) -> Small:
    python = Skill.objects.get(name="Python")
    k8s = Skill.objects.get(name="Kubernetes")
    forklift = make_skill("Forklift")
    operator = make_role("Operator")
    require(operator, forklift, 3, importance=3)
    Person.objects.filter(pk=org.outsider.pk).update(role=operator)
    now = timezone.now()
    ago = lambda days: now - timedelta(days=days)  # noqa: E731
    rows = [
        (org.manager, python, 4, ago(20)),
        (org.manager, k8s, 2, ago(20)),
        (org.lead, python, 3, ago(400)),
        (org.lead, k8s, 1, ago(400)),
        (org.employee, python, 2, ago(20)),
        (org.report2, k8s, 1, ago(20)),
        (org.report2, k8s, 4, ago(1)),
        (org.outsider, forklift, 4, ago(20)),
    ]
    record_assertions_bulk(
        actor=None,
        rows=[NewAssertion(p.pk, s.pk, lvl, Source.MANAGER, at=at) for p, s, lvl, at in rows],
        summary="test levels",
    )
    StrategicNeed.objects.create(
        skill=python,
        level=4,
        headcount=2,
        due_date=timezone.localdate() - timedelta(days=30),
        goal="Platform rewrite",
    )
    return Small(org, python, k8s, forklift, operator, timezone.localdate() - timedelta(days=10))


@pytest.fixture
def small(org: Org) -> Small:
    return build_small(org)


def ctx_of(response):  # type: ignore[no-untyped-def]
    return response.context


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


# --- who may see what -----------------------------------------------------------------------


DASHBOARDS = ["/gaps/", "/gaps/risks/", "/gaps/compare/"]


def test_employee_gets_403_on_dashboards_but_opens_own_gaps(small, clients):
    org = small.org
    for url in [
        *DASHBOARDS,
        f"/gaps/teams/{org.employee.team_id}/",
        f"/gaps/skills/{small.python.pk}/",
    ]:
        assert clients["employee"].get(url).status_code == 403, url
        assert clients["outsider"].get(url).status_code == 403, url
    assert clients["employee"].get("/gaps/people/me/").url == f"/gaps/people/{org.employee.pk}/"
    own = clients["employee"].get(f"/gaps/people/{org.employee.pk}/")
    assert own.status_code == 200
    assert own.context["departure"] is None  # departure impact is for HR and managers
    assert clients["outsider"].get(f"/gaps/people/{org.employee.pk}/").status_code == 404
    assert clients["employee"].get(f"/gaps/people/{org.outsider.pk}/").status_code == 404


def test_anonymous_is_sent_to_sign_in(small, client):
    response = client.get("/gaps/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_manager_sees_only_their_reporting_line(small, clients):
    org = small.org
    response = clients["manager"].get("/gaps/")
    assert response.status_code == 200
    c = response.context
    assert c["people_count"] == 4  # manager, lead, employee, report2
    assert [t.name for t in c["teams"]] == ["Engineering"]
    assert {r.skill.name for r in c["risks"]} == {"Python", "Kubernetes"}  # not Forklift
    html = response.content.decode()
    assert "Operations" not in html and "Olga Outsider" not in html
    assert c["coverage"] == d.Figure(4, 8)
    # The outsider's team, person and gaps are "not found" for the manager.
    assert clients["manager"].get(f"/gaps/teams/{org.outsider.team_id}/").status_code == 404
    assert clients["manager"].get(f"/gaps/people/{org.outsider.pk}/").status_code == 404
    assert (
        clients["outsider_manager"].get(f"/gaps/teams/{org.employee.team_id}/").status_code == 404
    )
    assert clients["manager"].get("/gaps/teams/999999/").status_code == 404
    risks = clients["manager"].get("/gaps/risks/")
    # The outsider is outside their line, and their own entry is for HR and their managers.
    assert risks.context["dep"].rows == []
    assert risks.context["form"].fields["team"].queryset.count() == 1


def test_manager_team_dashboard_counts_only_their_people(small, clients):
    """The outsider manager leads Operations; they see the outsider and themselves, not the
    Engineering people, on the Operations dashboard."""
    org = small.org
    response = clients["outsider_manager"].get(f"/gaps/teams/{org.outsider.team_id}/")
    assert response.status_code == 200
    names = {r.name for r in response.context["people_rows"]}
    assert names == {"Olga Outsider", "Otto Other"}
    assert response.context["coverage"] == d.Figure(1, 1)


# --- figures by hand ------------------------------------------------------------------------


def test_admin_org_dashboard_figures(small, clients):
    response = clients["admin"].get(f"/gaps/?since={small.cut.isoformat()}")
    assert response.status_code == 200
    c = response.context
    assert c["people_count"] == 7
    assert c["coverage"] == d.Figure(5, 9) and c["coverage"].percent == 55.6
    teams = {t.name: t for t in c["teams"]}
    assert teams["Engineering"].coverage == d.Figure(4, 8)
    assert teams["Operations"].coverage == d.Figure(1, 1)
    assert teams["Engineering"].stale == d.Figure(2, 6)  # the lead's two 400-day-old levels
    assert teams["No team"].coverage.percent is None  # the admin: no team, no role
    assert [t.name for t in c["teams"]] == ["Engineering", "Operations", "No team"]
    assert [(g.skill.name, g.weighted_gap, g.below, g.required) for g in c["gaps"]] == [
        ("Python", 8, 2, 4),
        ("Kubernetes", 6, 2, 4),
    ]
    risks = {r.skill.name: r for r in c["risks"]}
    assert set(risks) == {"Python", "Kubernetes", "Forklift"}
    assert risks["Forklift"].holder_name == "Olga Outsider"
    assert risks["Python"].holder_id == small.org.manager.pk
    assert {(b.skill.name, b.demand, b.bench) for b in c["bench"]} == {
        ("Python", 4, 1),
        ("Kubernetes", 2, 2),
        ("Forklift", 3, 1),
    }
    [need] = c["needs"]
    assert (need.status.have, need.status.close, need.status.shortfall) == (1, 1, 1)
    assert need.status.overdue and need.here is None
    assert c["freshness"].stale == d.Figure(2, 7)
    trend = c["trend"]
    assert trend.since == d.Since(small.cut, None, True)
    assert (trend.then, trend.now) == (d.Figure(4, 9), d.Figure(5, 9))
    assert trend.change == 11.1
    eng = next(t for t in trend.teams if t.name == "Engineering")
    assert (eng.then, eng.now) == (d.Figure(3, 8), d.Figure(4, 8))


def test_needs_match_the_engine_needs_status(small):
    from seedbed.gaps.selectors import needs_status

    ctx = d.load_context(Person.objects.all(), whole_org=True)
    [ours] = d.needs(ctx)
    [engine] = needs_status()
    assert (ours.status.have, ours.status.close, ours.status.shortfall) == (
        engine.have,
        engine.close,
        engine.shortfall,
    )


def test_team_dashboard_people_rows(small, clients):
    org = small.org
    response = clients["admin"].get(f"/gaps/teams/{org.employee.team_id}/")
    assert response.status_code == 200
    rows = {r.name: r for r in response.context["people_rows"]}
    # Gap score: Σ gap·weight / Σ required·weight, weights 2, required 3 + 2.
    assert (rows["Max Manager"].gap_score, rows["Max Manager"].readiness) == (0.0, 100.0)
    assert (rows["Lea Lead"].gap_score, rows["Lea Lead"].readiness) == (20.0, 75.0)
    assert (rows["Emil Employee"].gap_score, rows["Emil Employee"].readiness) == (60.0, 33.3)
    assert (rows["Rita Report"].gap_score, rows["Rita Report"].readiness) == (60.0, 50.0)
    assert rows["Emil Employee"].gaps == 2 and rows["Emil Employee"].requirements == 2
    order = [r.name for r in response.context["people_rows"]]
    assert order[-1] == "Max Manager"  # largest gap score first
    by_name = clients["admin"].get(f"/gaps/teams/{org.employee.team_id}/?order=name")
    assert [r.name for r in by_name.context["people_rows"]] == sorted(rows)
    ready = clients["admin"].get(f"/gaps/teams/{org.employee.team_id}/?order=readiness")
    assert ready.context["people_rows"][0].name == "Emil Employee"


def test_person_view_current_and_target_role(small, clients):
    org = small.org
    Person.objects.filter(pk=org.employee.pk).update(target_role=small.operator)
    response = clients["manager"].get(f"/gaps/people/{org.employee.pk}/")
    assert response.status_code == 200
    current, target = response.context["current"], response.context["target"]
    assert [(r.skill_name, r.required, r.level, r.gap) for r in current.rows] == [
        ("Kubernetes", 2, None, 2),
        ("Python", 3, 2, 1),
    ]
    assert (current.gap_score, current.readiness, current.met) == (60.0, 33.3, 0)
    engine = person_readiness(org.employee, org.employee.role)
    assert current.readiness == engine.percent
    assert target.role_name == "Operator" and target.readiness == 0.0
    # The employee's manager sees their departure impact: nothing only they reach.
    dep = response.context["departure"]
    assert dep is not None and dep.skills == [] and dep.loss == 0.0


def test_departure_impact_of_a_sole_holder(small, clients):
    response = clients["admin"].get(f"/gaps/people/{small.org.outsider.pk}/")
    dep = response.context["departure"]
    assert [s.name for s in dep.skills] == ["Forklift"]
    assert (dep.coverage_now, dep.coverage_without, dep.loss) == (100.0, 66.7, 33.3)
    risks = clients["admin"].get("/gaps/risks/")
    rows = [(r.name, r.lost, r.coverage_without) for r in risks.context["dep"].rows]
    assert rows == [("Max Manager", 1, 66.7), ("Olga Outsider", 1, 66.7)]
    # The lead sees the manager? No: the manager is above the lead. The manager's manager
    # would; the lead sees nobody (report2 is nobody's only holder at the demanded level).
    assert clients["lead"].get("/gaps/risks/").context["dep"].rows == []
    # Outsider's own manager may see it; the other manager may not see the person at all.
    mine = clients["outsider_manager"].get(f"/gaps/people/{small.org.outsider.pk}/")
    assert mine.context["departure"].loss == 33.3


def test_risk_filters(small, clients):
    c = clients["admin"]
    forklift_cat = small.forklift.category_id
    by_cat = c.get(f"/gaps/risks/?category={forklift_cat}").context["rows"]
    assert [r.skill.name for r in by_cat] == ["Forklift"]
    Skill.objects.filter(pk=small.python.pk).update(criticality="critical")
    critical = c.get("/gaps/risks/?criticality=critical").context["rows"]
    assert [r.skill.name for r in critical] == ["Python"]
    team = c.get(f"/gaps/risks/?team={small.org.outsider.team_id}")
    assert [r.skill.name for r in team.context["rows"]] == ["Forklift"]
    assert [r.name for r in team.context["dep"].rows] == ["Olga Outsider"]
    bad = c.get("/gaps/risks/?criticality=urgent")
    assert bad.status_code == 200 and "urgent" in bad.content.decode()  # the form says why


def test_skill_drill_down_lists_the_people_behind_a_bar(small, clients):
    response = clients["admin"].get(f"/gaps/skills/{small.python.pk}/")
    drill = response.context["drill"]
    assert [(r.name, r.level, r.required, r.gap) for r in drill.below] == [
        ("Rita Report", None, 3, 3),
        ("Emil Employee", 2, 3, 1),
    ]
    assert [r.name for r in drill.reaching] == ["Max Manager"]  # the need asks for Python 4
    assert drill.demand == 4
    team = clients["manager"].get(
        f"/gaps/skills/{small.forklift.pk}/?team={small.org.employee.team_id}"
    )
    assert team.context["drill"].below == [] and team.context["drill"].reaching == []
    assert clients["manager"].get(f"/gaps/skills/{small.python.pk}/?team=x").status_code == 404


# --- compare and trend -------------------------------------------------------------------


def test_compare_ignores_assertions_after_date_a(small, clients):
    url = f"/gaps/compare/?a={small.cut.isoformat()}"
    c = clients["admin"].get(url).context["c"]
    assert (c.side_a.coverage, c.side_b.coverage) == (d.Figure(4, 9), d.Figure(5, 9))
    [k8s] = c.improvements
    assert k8s.skill.name == "Kubernetes"
    assert (k8s.coverage_a, k8s.coverage_b, k8s.coverage_change) == (25.0, 50.0, 25.0)
    assert (k8s.mean_a, k8s.mean_b) == (1.3, 2.3)
    assert c.declines == []
    # Rate again today: date a's side does not move, date b's does.
    record_assertions_bulk(
        actor=None,
        rows=[NewAssertion(small.org.employee.pk, small.python.pk, 3, Source.MANAGER)],
        summary="after a",
    )
    again = clients["admin"].get(url).context["c"]
    assert again.side_a == c.side_a
    assert again.side_b.coverage == d.Figure(6, 9)
    # Filter by team and category.
    ops = clients["admin"].get(f"{url}&team={small.org.outsider.team_id}").context["c"]
    assert ops.side_b.coverage == d.Figure(1, 1) and [t.name for t in ops.teams] == ["Operations"]
    cat = clients["admin"].get(f"{url}&category={small.forklift.category_id}").context["c"]
    assert [s.skill.name for s in cat.skills] == ["Forklift"]


def test_compare_and_trend_bad_dates_get_a_clear_message(small, clients):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    r = clients["admin"].get(f"/gaps/compare/?a={future}")
    assert r.status_code == 200 and "no figures for" in r.content.decode()
    r = clients["admin"].get("/gaps/compare/?a=2026-05-02&b=2026-05-01")
    assert "on or after the first" in r.content.decode()
    r = clients["admin"].get("/gaps/compare/?a=yesterday")
    assert "Enter a valid date" in r.content.decode()
    r = clients["admin"].get(f"/gaps/?since={timezone.localdate().isoformat()}")
    assert "before today" in r.content.decode()
    assert r.context["trend"].since.chosen is False  # the default date is used instead


def test_default_trend_date_is_the_last_campaign_or_90_days(small, clients):
    response = clients["admin"].get("/gaps/")
    since = response.context["trend"].since
    from django.apps import apps

    if apps.is_installed("seedbed.surveys"):
        from seedbed.surveys.models import Campaign

        assert not Campaign.objects.exists()
    assert since.day == timezone.localdate() - timedelta(days=d.TREND_DAYS)


# --- exports ---------------------------------------------------------------------------------


EXPORTS = {
    "/gaps/": ["teams", "gaps", "risks", "bench", "needs", "trend"],
    "/gaps/teams/{team}/": ["teams", "gaps", "risks", "bench", "needs", "trend", "people"],
    "/gaps/risks/": ["risks", "departures"],
    "/gaps/compare/": ["summary", "teams", "skills", "improvements", "declines"],
    "/gaps/skills/{python}/": ["below", "bench"],
    "/gaps/people/{employee}/": ["current", "target"],
}


@pytest.mark.parametrize("page", list(EXPORTS))
def test_every_table_exports_as_csv_and_xlsx(small, clients, page):
    Person.objects.filter(pk=small.org.employee.pk).update(target_role=small.operator)
    url = page.format(
        team=small.org.employee.team_id, python=small.python.pk, employee=small.org.employee.pk
    )
    for table in EXPORTS[page]:
        response = clients["admin"].get(url, {"format": "csv", "table": table})
        assert response.status_code == 200, (url, table)
        assert response["Content-Type"].startswith("text/csv")
        assert f"-{table}.csv" in response["Content-Disposition"]
        assert len(csv_rows(response)) >= 1
        xlsx = clients["admin"].get(url, {"format": "xlsx", "table": table})
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    page_html = clients["admin"].get(url).content.decode()
    for table in EXPORTS[page]:
        assert f"format=csv&amp;table={table}" in page_html, (url, table)


def test_exports_hold_the_figures_and_neutralise_formulas(small, clients):
    Skill.objects.filter(pk=small.forklift.pk).update(name="=HYPERLINK(evil)")
    Person.objects.filter(pk=small.org.outsider.pk).update(full_name="@Olga")
    rows = csv_rows(clients["admin"].get("/gaps/?format=csv&table=risks"))
    assert rows[0][:4] == ["skill", "category", "criticality", "holders"]
    risky = {r[0]: r for r in rows[1:]}
    assert "'=HYPERLINK(evil)" in risky and risky["'=HYPERLINK(evil)"][4] == "'@Olga"
    teams = csv_rows(clients["admin"].get("/gaps/?format=csv&table=teams"))
    assert ["Engineering", "4", "4", "8", "50.0", "2", "6", "33.3"] in teams
    deps = csv_rows(clients["admin"].get("/gaps/risks/?format=csv&table=departures"))
    assert deps[2][:4] == ["'@Olga", "Operations", "1", "66.7"]


def test_unknown_export_table_or_format_is_a_clear_400(small, clients):
    r = clients["admin"].get("/gaps/?format=csv&table=salaries")
    assert r.status_code == 400 and "choose one of teams, gaps" in r.content.decode()
    r = clients["admin"].get("/gaps/?format=pdf&table=teams")
    assert r.status_code == 400 and "use csv or xlsx" in r.content.decode()
    # Exports follow the same scope: the manager's risks export has no Forklift.
    rows = csv_rows(clients["manager"].get("/gaps/?format=csv&table=risks"))
    assert {r[0] for r in rows[1:]} == {"Python", "Kubernetes"}
    assert clients["employee"].get("/gaps/?format=csv&table=risks").status_code == 403


# --- charts and page hygiene -------------------------------------------------------------------


def test_charts_are_accessible_svg_with_drill_down_links(small, clients):
    html = clients["admin"].get("/gaps/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]  # not the header's icons
    svgs = re.findall(r"<svg .*?</svg>", main, re.S)
    assert len(svgs) == 4  # coverage by team, gaps, bench, trend
    for svg in svgs:
        assert 'role="img"' in svg and 'aria-label="' in svg and "<title>" in svg
    team_url = f"/gaps/teams/{small.org.employee.team_id}/"
    assert f'<a href="{team_url}" tabindex="-1">' in svgs[0]
    assert f"/gaps/skills/{small.python.pk}/" in svgs[1]
    assert " style=" not in html and "<script>" not in html  # CSP: no inline styles/scripts
    assert html.count("<table") >= 5  # a table next to every chart


def test_chart_escapes_labels_and_scales_bars():
    svg = str(
        bar_chart(
            [Bar("<b>A & B</b>", 50.0, "/x/?a=1&b=2"), Bar("None", None)],
            label='Chart "one"',
            maximum=100,
            unit=" %",
        )
    )
    assert "<b>" not in svg and "&lt;b&gt;A &amp; B&lt;/b&gt;" in svg
    assert 'href="/x/?a=1&amp;b=2"' in svg
    assert 'aria-label="Chart &quot;one&quot;"' in svg
    widths = re.findall(r'<rect x="210" y="\d+" width="([\d.]+)"', svg)
    assert widths == ["220.0", "0.0"]  # half of the 440 px bar area; no bar without a value
    assert "–" in svg  # a missing value is shown as a dash
    paired = str(paired_bar_chart([Bar("T", 80.0, before=40.0)], label="L", legend=("a", "b")))
    assert paired.count("<rect") == 4  # legend swatches and two bars


def test_long_labels_are_shortened_with_the_full_text_in_the_tooltip():
    name = "A very long skill name that does not fit in the label column"
    svg = str(bar_chart([Bar(name, 3)], label="x"))
    assert f"<title>{name}: 3</title>" in svg
    assert "A very long skill name that d…" in svg


def test_category_filters_cover_subcategories(small, clients):
    from seedbed.skills.models import SkillCategory

    parent = SkillCategory.objects.create(name="Logistics")
    SkillCategory.objects.filter(pk=small.forklift.category_id).update(parent=parent)
    risks = clients["admin"].get(f"/gaps/risks/?category={parent.pk}").context["rows"]
    assert [r.skill.name for r in risks] == ["Forklift"]
    url = f"/gaps/compare/?a={small.cut.isoformat()}&category={parent.pk}"
    assert [s.skill.name for s in clients["admin"].get(url).context["c"].skills] == ["Forklift"]
    empty = SkillCategory.objects.create(name="Unused")
    none = clients["admin"].get(f"/gaps/risks/?category={empty.pk}")
    assert none.context["rows"] == [] and "No knowledge at risk" in none.content.decode()
