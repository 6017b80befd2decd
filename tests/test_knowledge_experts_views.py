"""Expert finder pages: "Who knows…" (results, filters, paging, export, outsider view, query
count) and the admin's finder settings (admin only, validation, audit)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from seedbed.accounts.models import AuditLog
from seedbed.knowledge.models import FinderSettings
from seedbed.skills.models import Skill
from tests.builders import make_person
from tests.conftest import Org
from tests.test_knowledge_experts import NOW, answer, article, rate

pytestmark = pytest.mark.django_db
URL = "/knowledge/experts/"


@pytest.fixture
def k8s(org: Org) -> Skill:
    return Skill.objects.get(name="Kubernetes")


def test_urls_are_named() -> None:
    assert reverse("knowledge:experts") == URL
    assert reverse("knowledge:finder_settings") == "/knowledge/experts/settings/"


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    for url in (URL, "/knowledge/experts/settings/", "/knowledge/experts/skills/?q=k"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_empty_page_invites_a_query(clients: dict[str, Client]) -> None:
    response = clients["employee"].get(URL)
    assert response.status_code == 200
    assert "Who knows" in response.content.decode()


def test_results_show_rank_explanation_and_links(
    org: Org, k8s: Skill, clients: dict[str, Client]
) -> None:
    rate(org.employee, k8s, 4, "manager")
    article(org.employee, k8s, title="Draining nodes safely")
    answer(org.lead, k8s, title="Why is my pod pending?")
    html = clients["manager"].get(URL, {"q": "k8s"}).content.decode()
    assert "Emil Employee" in html and "Lea Lead" in html
    assert html.index("Emil Employee") < html.index("Lea Lead")
    assert "Validated level 4 in Kubernetes, 1 article" in html
    assert "Draining nodes safely" in html
    assert 'href="/knowledge/questions/' in html  # the answered question links to its page
    assert f'href="/people/{org.employee.pk}/"' in html


def test_outsider_sees_contributions_but_no_hidden_levels(
    org: Org, k8s: Skill, clients: dict[str, Client]
) -> None:
    rate(org.employee, k8s, 5, "manager")
    rate(org.report2, k8s, 5, "self")
    article(org.report2, k8s)
    html = clients["outsider"].get(URL, {"skill": k8s.pk}).content.decode()
    assert "Emil Employee" not in html
    assert "Rita Report" in html
    assert "level" not in html.split("Rita Report", 1)[1].split("</li>", 1)[0].lower()


def test_skill_filter_and_clear_link(org: Org, k8s: Skill, clients: dict[str, Client]) -> None:
    rate(org.employee, k8s, 3, "manager")
    html = clients["admin"].get(URL, {"skill": k8s.pk}).content.decode()
    assert "Emil Employee" in html
    assert "clear the chosen skill" in html


def test_bad_skill_id_is_a_clear_form_error(clients: dict[str, Client]) -> None:
    response = clients["admin"].get(URL, {"skill": 999999})
    assert response.status_code == 200
    assert "That skill does not exist" in response.content.decode()


def test_filters_narrow_the_results(org: Org, k8s: Skill, clients: dict[str, Client]) -> None:
    make_person("Bea Berlin", location="Berlin")
    for p in (org.employee, org.lead):
        rate(p, k8s, 3, "manager")
    berlin = make_person("Ben Berlin", location="Berlin", languages="de")
    rate(berlin, k8s, 3, "manager")
    html = clients["admin"].get(URL, {"q": "kubernetes", "location": "berlin"}).content.decode()
    assert "Ben Berlin" in html and "Emil Employee" not in html
    html = clients["admin"].get(URL, {"q": "kubernetes", "language": "fr"}).content.decode()
    assert "Nobody you can see has evidence" in html
    team = org.employee.team
    html = clients["admin"].get(URL, {"q": "kubernetes", "team": team.pk}).content.decode()
    assert "Emil Employee" in html and "Ben Berlin" not in html


def test_paging_keeps_the_query(org: Org, k8s: Skill, clients: dict[str, Client]) -> None:
    for i in range(23):
        rate(make_person(f"Holder {i:02d}"), k8s, 1 + i % 5, "manager")
    first = clients["admin"].get(URL, {"q": "k8s"}).content.decode()
    assert "Page 1 of 2 (23 items)" in first
    assert "q=k8s&amp;page=2" in first
    second = clients["admin"].get(URL, {"q": "k8s", "page": 2}).content.decode()
    assert second.count('class="card expert"') == 3
    assert 'start="21"' in second
    beyond = clients["admin"].get(URL, {"q": "k8s", "page": 99}).content.decode()
    assert "Page 2 of 2" in beyond


def test_htmx_search_returns_only_the_results(
    org: Org, k8s: Skill, clients: dict[str, Client]
) -> None:
    rate(org.employee, k8s, 3, "manager")
    response = clients["admin"].get(
        URL, {"q": "k8s"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="expert-results"
    )
    html = response.content.decode()
    assert "Emil Employee" in html and "<html" not in html


def test_export_csv_and_xlsx(org: Org, k8s: Skill, clients: dict[str, Client]) -> None:
    rate(org.employee, k8s, 4, "manager")
    article(org.employee, k8s, title="=HYPERLINK(evil)")
    response = clients["admin"].get(URL, {"q": "k8s", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith("rank,name,team,location,score,explanation")
    assert first.startswith("1,Emil Employee,Engineering")
    assert "validated level 4 in Kubernetes" in first
    response = clients["admin"].get(URL, {"q": "k8s", "format": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="experts.xlsx"'


def test_export_respects_visibility(org: Org, k8s: Skill, clients: dict[str, Client]) -> None:
    rate(org.employee, k8s, 4, "manager")
    text = clients["outsider"].get(URL, {"q": "k8s", "format": "csv"}).content.decode()
    assert "Emil Employee" not in text


def test_skill_suggestions(org: Org, k8s: Skill, clients: dict[str, Client]) -> None:
    fragment = clients["employee"].get(
        "/knowledge/experts/skills/", {"q": "kube"}, HTTP_HX_REQUEST="true"
    )
    assert f"?skill={k8s.pk}" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    page = clients["employee"].get("/knowledge/experts/skills/", {"q": "nothing-like-it"})
    assert "No skill is called" in page.content.decode() and "<html" in page.content.decode()


def test_page_query_count_is_fixed(
    org: Org, k8s: Skill, clients: dict[str, Client], django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    FinderSettings.load()

    def run() -> None:
        # session, user, finder settings, skill catalogue (the skills are made from it), levels, certificates,
        # mentoring, whose articles the manager reads personally (their reporting line and
        # team), articles and answers (the read table), their articles not for everyone,
        # people, mentors' capacity, the page's people, their articles and answered
        # questions, the nav's notification count, the team filter; on PostgreSQL levels,
        # certificates, mentoring, the read table, the articles not for everyone, people and
        # capacity are one statement (evidence.fetch_many)
        with django_assert_num_queries(10 if connection.vendor == "postgresql" else 16):
            assert clients["manager"].get(URL, {"q": "k8s"}).status_code == 200

    for i in range(3):
        p = make_person(f"Few {i}")
        rate(p, k8s, 3, "manager")
        article(p, k8s)
    run()
    for i in range(15):
        p = make_person(f"Many {i}")
        rate(p, k8s, 3, "manager")
        article(p, k8s)
        answer(p, k8s)
    run()


# --- settings ------------------------------------------------------------------------------

SETTINGS_URL = "/knowledge/experts/settings/"


def _post_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        **FinderSettings.load().weights,
        "experts_per_question": 3,
        "max_notifications_per_week": 5,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["manager", "employee", "outsider", "lead"])
def test_settings_are_for_admins_only(clients: dict[str, Client], who: str) -> None:
    assert clients[who].get(SETTINGS_URL).status_code == 403
    assert clients[who].post(SETTINGS_URL, _post_data(articles=9)).status_code == 403
    assert FinderSettings.load().weights["articles"] == 0.3


def test_settings_page_shows_every_weight_with_its_meaning(clients: dict[str, Client]) -> None:
    html = clients["admin"].get(SETTINGS_URL).content.decode()
    for label in (
        "Validated level",
        "Self-rated level",
        "Certificate",
        "Articles",
        "Accepted answers",
        "Answer votes",
        "Mentoring given",
        "Related skills",
        "Half-life of evidence (days)",
        "Experts notified per question",
    ):
        assert label in html
    assert "nobody has confirmed" in html


def test_admin_changes_weights_and_it_is_audited(org: Org, clients: dict[str, Client]) -> None:
    response = clients["admin"].post(SETTINGS_URL, _post_data(articles=0.9, experts_per_question=4))
    assert response.status_code == 302
    settings = FinderSettings.load()
    assert settings.weights["articles"] == 0.9 and settings.experts_per_question == 4
    entry = AuditLog.objects.get(action="knowledge.finder_settings")
    assert entry.actor == org.user("admin")
    assert entry.changes["weights.articles"] == [0.3, 0.9]
    assert entry.changes["experts_per_question"] == [3, 4]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("validated", "-1", "greater than or equal to 0"),
        ("articles", "11", "less than or equal to 10"),
        ("half_life_days", "0", "greater than or equal to 7"),
        ("votes", "lots", "Enter a number"),
        ("experts_per_question", "0", "greater than or equal to 1"),
    ],
)
def test_bad_settings_are_refused_with_a_message(
    clients: dict[str, Client], field: str, value: str, message: str
) -> None:
    response = clients["admin"].post(SETTINGS_URL, _post_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AuditLog.objects.filter(action="knowledge.finder_settings").exists()


def test_all_zero_weights_are_refused(clients: dict[str, Client]) -> None:
    zeros = {k: 0 for k in FinderSettings.load().weights if k != "half_life_days"}
    response = clients["admin"].post(SETTINGS_URL, _post_data(**zeros))
    assert "needs a weight above 0" in response.content.decode()


def test_nav_lists_the_finder_and_admin_settings(clients: dict[str, Client]) -> None:
    admin_html = clients["admin"].get(URL).content.decode()
    employee_html = clients["employee"].get(URL).content.decode()
    assert 'href="/knowledge/experts/settings/"' in admin_html
    assert 'href="/knowledge/experts/"' in employee_html
    assert 'href="/knowledge/experts/settings/"' not in employee_html


def test_now_is_shared_with_the_unit_tests() -> None:
    assert NOW is not None
