"""Search page, header search box and API: rendering, tabs, corrections, escaping, outsider,
bad input (never a server error), fixed query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from seedbed.knowledge.models import Article, Visibility
from seedbed.search.index import reindex_all
from seedbed.skills.models import Skill
from tests.conftest import bearer

# Queries around the search statement on PostgreSQL: planner settings set and restored.
PLANNER = 2 if connection.vendor == "postgresql" else 0

pytestmark = pytest.mark.django_db

URL = "/search/"
API = "/api/v1/search"


def _api(person: Any) -> Client:
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


@pytest.fixture
def world(org):  # type: ignore[no-untyped-def]
    public = Article.objects.create(title="Kubernetes upgrades", body="Drain the nodes first.")
    public.skills.add(Skill.objects.get(name="Kubernetes"))
    Article.objects.create(
        title="Kubernetes salary bands",
        body="Private figures.",
        owner=org.report2,
        visibility=Visibility.PRIVATE,
    )
    Article.objects.create(title="<script>alert(1)</script> Kubernetes tricks", body="x")
    reindex_all()
    return org


# --- the header box ------------------------------------------------------------------------


def test_every_page_has_a_labelled_search_box(clients):
    html = clients["employee"].get("/").content.decode()
    assert '<form class="site-search" role="search" method="get" action="/search/">' in html
    assert '<label for="site-search-q" class="visually-hidden">Search</label>' in html
    assert 'id="site-search-q" type="search" name="q"' in html
    assert 'aria-keyshortcuts="/"' in html and "data-search-shortcut" in html


def test_signed_out_visitors_get_no_box_and_the_page_asks_to_sign_in(db):
    html = Client().get("/accounts/login/").content.decode()
    assert "site-search" not in html
    response = Client().get(URL, {"q": "kubernetes"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the results page ----------------------------------------------------------------------


def test_results_page_lists_ranked_results_with_tabs(world, clients):
    response = clients["employee"].get(URL, {"q": "kubernetes"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/skills/' in html and "<mark>Kubernetes</mark>" in html
    assert "Kubernetes upgrades" not in html  # the title is marked up: the words are apart
    assert "<mark>Kubernetes</mark> upgrades" in html
    assert 'aria-current="page">Everything <span class="count">3</span>' in html
    assert 'href="?q=kubernetes&amp;kind=article">Articles <span class="count">2</span>' in html
    assert (
        '<div id="search-announce" class="visually-hidden" role="status" aria-live="polite">'
        in html
    )
    assert "Results 1–3 of 3" in html


def test_people_show_their_role_team_and_place(world, clients):
    from seedbed.people.models import Person

    Person.objects.filter(pk=world.employee.pk).update(location="Lisbon")
    reindex_all()
    html = clients["outsider"].get(URL, {"q": "emil"}).content.decode()
    assert '<span class="search-facts">Developer · Engineering · Lisbon</span>' in html
    assert 'class="search-snippet"' not in html


def test_outsider_does_not_see_a_private_article(world, clients):
    html = clients["outsider"].get(URL, {"q": "salary"}).content.decode()
    assert "salary bands" not in html.lower()
    assert "Nothing found for “salary”." in html
    assert "salary" in clients["manager"].get(URL, {"q": "salary"}).content.decode().lower()


def test_titles_are_escaped_on_the_page(world, clients):
    html = clients["employee"].get(URL, {"q": "tricks"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Kubernetes <mark>tricks</mark>" in html
    assert "<script>alert(1)" not in html


def test_kind_tab_limits_the_list(world, clients):
    html = clients["employee"].get(URL, {"q": "kubernetes", "kind": "skill"}).content.decode()
    assert html.count('class="search-result"') == 1
    assert 'aria-current="page">Skills <span class="count">1</span>' in html


def test_correction_is_shown_with_a_way_back(world, clients):
    html = clients["employee"].get(URL, {"q": "kubernets"}).content.decode()
    assert "Showing results for <strong>kubernetes</strong>." in html
    assert 'href="?q=kubernets&amp;exact=1">Search instead for “kubernets”' in html
    html = clients["employee"].get(URL, {"q": "kubernets", "exact": "1"}).content.decode()
    assert "Showing results for" not in html and "Nothing found" in html


def test_pages_of_twenty(org, clients):
    for i in range(45):
        Article.objects.create(title=f"Runbook {i}", body="incident")
    reindex_all()
    html = clients["employee"].get(URL, {"q": "incident", "page": "2"}).content.decode()
    assert "Results 21–40 of 45" in html and "Page 2 of 3" in html
    assert 'href="?q=incident" rel="prev"' in html
    assert 'href="?q=incident&amp;page=3" rel="next"' in html
    assert '<ol class="search-results" start="21">' in html


def test_htmx_gets_only_the_results(world, clients):
    response = clients["employee"].get(URL, {"q": "kubernetes"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="search-results">') and "<html" not in html
    # the count goes to the page's live region, which stays in place
    assert '<div id="search-announce" hx-swap-oob="innerHTML">3 results</div>' in html


def test_empty_page_invites_a_query(clients):
    html = clients["employee"].get(URL).content.decode()
    assert "Type what you are looking for" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 10_000}, "Search for at most 500 characters (this is 10000)."),
        ({"q": "kubernetes", "page": "abc"}, "The page must be a number."),
        ({"q": "kubernetes", "page": "0"}, "Pages start at 1."),
        ({"q": "kubernetes", "page": "999999"}, "Results can be paged up to page 500."),
        ({"q": "kubernetes", "kind": "planet"}, "Pick one of the kinds shown."),
        ({"q": "a\x00b"}, "Null characters are not allowed."),
    ],
)
def test_bad_input_gets_a_message_not_an_error(world, clients, params, message):
    response = clients["employee"].get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "q", ['"', "NEAR(a b)", "*", ":", "(", ")", "kube*", "a:b", "'; --", "\\", "^", "日本"]
)
def test_query_syntax_on_the_page_is_just_text(world, clients, q):
    assert clients["employee"].get(URL, {"q": q}).status_code == 200


def test_results_page_query_count_does_not_grow(org, clients, django_assert_num_queries):
    client = clients["outsider"]
    for size in (3, 30):
        for i in range(size):
            Article.objects.create(title=f"Runbook {size}-{i}", body="steps")
        reindex_all()
        client.get(URL, {"q": "runbook"})
        # session, user, navigation's person lookup (the page shell), then the search:
        # known words, the owners of articles read personally, the one search statement
        # (on PostgreSQL with planner settings set before it and restored after)
        with django_assert_num_queries(6 + PLANNER):
            response = client.get(URL, {"q": "runbook"})
        assert response.status_code == 200


# --- the API -------------------------------------------------------------------------------


def test_api_search_returns_a_page_with_counts(world):
    body = _api(world.employee).get(API, {"q": "kubernetes", "limit": 2}).json()
    assert body["query"] == "kubernetes"
    assert body["corrected_query"] is None
    assert body["count"] == 3 and body["limit"] == 2 and body["offset"] == 0
    assert body["counts"] == {
        "person": 0,
        "skill": 1,
        "article": 2,
        "question": 0,
        "learning_item": 0,
    }
    assert [i["kind"] for i in body["items"]] == ["skill", "article"]
    first = body["items"][0]
    assert first["title"] == "Kubernetes"
    assert first["title_html"] == "<mark>Kubernetes</mark>"
    assert first["url"] == f"/skills/{first['id']}/"
    rest = _api(world.employee).get(API, {"q": "kubernetes", "limit": 2, "offset": 2}).json()
    assert len(rest["items"]) == 1


def test_api_kinds_correction_and_escaping(world):
    client = _api(world.employee)
    body = client.get(API + "?q=kubernetes&kind=skill&kind=article").json()
    assert body["count"] == 3
    body = client.get(API, {"q": "kubernets", "kind": "article"}).json()
    assert body["corrected_query"] == "kubernetes" and body["count"] == 2
    assert client.get(API, {"q": "kubernets", "exact": "true"}).json()["count"] == 0
    body = client.get(API, {"q": "tricks"}).json()
    assert body["items"][0]["title_html"].startswith("&lt;script&gt;")


def test_api_outsider_does_not_get_private_articles(world):
    body = _api(world.outsider).get(API, {"q": "salary"}).json()
    assert (body["count"], body["items"]) == (0, [])
    assert _api(world.manager).get(API, {"q": "salary"}).json()["count"] == 1


def test_api_needs_a_token(world):
    response = Client().get(API, {"q": "kubernetes"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x" * 10_000}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "x", "kind": "planet"}, "kind.0"),
        ({"q": "x", "kind": ["skill", "planet"]}, "kind.1"),
        ({"q": "x", "limit": "0"}, "limit"),
        ({"q": "x", "limit": "101"}, "limit"),
        ({"q": "x", "offset": "-1"}, "offset"),
        ({"q": "x", "offset": "99999999999999999999"}, "offset"),
    ],
)
def test_api_bad_input_is_a_422_naming_the_field(world, params, field):
    response = _api(world.employee).get(API, params)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field


@pytest.mark.parametrize("q", ['"', "NEAR(a b)", "*", ":", "(", "kube*", "'; --", "\\", "日本"])
def test_api_query_syntax_is_just_text(world, q):
    assert _api(world.employee).get(API, {"q": q}).status_code == 200


def test_api_query_count_does_not_grow(org, django_assert_num_queries):
    client = _api(org.outsider)
    for size in (3, 30):
        for i in range(size):
            Article.objects.create(title=f"Runbook {size}-{i}", body="steps")
        reindex_all()
        client.get(API, {"q": "runbook"})  # warm-up: touches the token's last_used_at
        # bearer token + user; known words; owners of articles read personally; the one
        # search statement (+ planner settings on PostgreSQL)
        with django_assert_num_queries(4 + PLANNER):
            body = client.get(API, {"q": "runbook", "limit": 50}).json()
        assert body["count"] == len(body["items"]) == (3 if size == 3 else 33)
