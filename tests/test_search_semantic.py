"""The semantic plug-in point: a backend named in settings gets every indexed document and
answers "nearest to this text"; search then filters, counts and pages those the same way.
``ToyMeaning`` stands in for an embeddings model (word overlap plus a few related words)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import pytest

from seedbed.knowledge.models import Article, Visibility
from seedbed.lib.errors import ServiceError
from seedbed.search.backends.base import Row
from seedbed.search.index import reindex_all
from seedbed.search.services import search
from seedbed.search.text import tokens
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

RELATED = {"car": {"vehicle", "fleet"}, "vehicle": {"car", "fleet"}}


class ToyMeaning:
    """Keeps each document's words; nearest = shared words (related words count half)."""

    documents: ClassVar[dict[int, set[str]]] = {}

    def index(self, rows: Sequence[Row]) -> None:
        for row in rows:
            self.documents[row.id] = set(tokens(f"{row.title} {row.extra} {row.body}"))

    def remove(self, doc_ids: Sequence[int]) -> None:
        for doc_id in doc_ids:
            self.documents.pop(doc_id, None)

    def nearest(self, text: str, *, limit: int) -> list[tuple[int, float]]:
        said = set(tokens(text))
        related = {r for word in said for r in RELATED.get(word, set())} - said
        scored = [
            (len(words & said) + 0.5 * len(words & related), d)
            for d, words in self.documents.items()
        ]
        best = sorted(((s, d) for s, d in scored if s > 0), reverse=True)[:limit]
        return [(d, s) for s, d in best]


@pytest.fixture
def meaning(settings):  # type: ignore[no-untyped-def]
    ToyMeaning.documents.clear()
    settings.SEEDBED_SEARCH_SEMANTIC = "tests.test_search_semantic.ToyMeaning"
    yield
    ToyMeaning.documents.clear()


def _world(org: Any) -> None:
    Article.objects.create(title="Fleet maintenance plan", body="Tyres and oil for the vans.")
    Article.objects.create(
        title="Company car policy",
        body="Who may book a car.",
        owner=org.report2,
        visibility=Visibility.PRIVATE,
    )
    Article.objects.create(title="Kitchen rota", body="Dishes on Fridays.")


def test_semantic_mode_finds_related_words_within_what_the_viewer_may_see(org, meaning):
    _world(org)
    reindex_all()
    assert len(ToyMeaning.documents) == 3 + 7 + 2  # articles, people, skills
    keyword = search(viewer=org.user("manager"), q="car")
    assert [r.title for r in keyword.results] == ["Company car policy"]
    page = search(viewer=org.user("manager"), q="car", mode="semantic")
    assert [r.title for r in page.results] == ["Company car policy", "Fleet maintenance plan"]
    assert page.results[0].title_html == "Company <mark>car</mark> policy"
    outsider = search(viewer=org.user("outsider"), q="car", mode="semantic")
    assert [r.title for r in outsider.results] == ["Fleet maintenance plan"]
    assert outsider.total == outsider.counts["article"] == 1


def test_semantic_mode_pages_and_follows_the_index(org, meaning):
    _world(org)
    reindex_all()
    page = search(viewer=org.user("admin"), q="car", mode="semantic", limit=1, offset=1)
    assert page.total == 2 and [r.title for r in page.results] == ["Fleet maintenance plan"]
    Article.objects.filter(title="Fleet maintenance plan").delete()
    reindex_all()
    assert search(viewer=org.user("admin"), q="car", mode="semantic").total == 1
    assert search(viewer=org.user("admin"), q="zzz", mode="semantic").total == 0


def test_semantic_mode_without_a_backend_is_refused(org):
    with pytest.raises(ServiceError) as exc:
        search(viewer=org.user("admin"), q="car", mode="semantic")
    assert exc.value.field == "mode"
    with pytest.raises(ServiceError):
        search(viewer=org.user("admin"), q="car", mode="telepathy")


def test_semantic_mode_on_the_page_and_the_api(org, meaning, clients):
    _world(org)
    reindex_all()
    html = clients["outsider"].get("/search/", {"q": "car"}).content.decode()
    assert 'name="meaning"' in html
    html = clients["outsider"].get("/search/", {"q": "car", "meaning": "1"}).content.decode()
    assert "Fleet maintenance plan" in html and "Company car policy" not in html
    assert 'href="?q=car&amp;kind=article&amp;meaning=1"' in html
    client = bearer(org.outsider)
    from django.test import Client

    api = Client(headers={"authorization": client["HTTP_AUTHORIZATION"]})
    body = api.get("/api/v1/search", {"q": "car", "mode": "semantic"}).json()
    assert [i["title"] for i in body["items"]] == ["Fleet maintenance plan"]


def test_without_a_backend_there_is_no_toggle_and_the_api_says_why(org, clients):
    html = clients["employee"].get("/search/", {"q": "car"}).content.decode()
    assert 'name="meaning"' not in html
    from django.test import Client

    api = Client(headers={"authorization": bearer(org.employee)["HTTP_AUTHORIZATION"]})
    response = api.get("/api/v1/search", {"q": "car", "mode": "semantic"})
    assert response.status_code == 400
    assert response.json()["field"] == "mode"
