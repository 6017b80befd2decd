"""What only PostgreSQL's backend does (``seedbed.search.backends.postgres``).

- Vectors are built in Python: the same as ``to_tsvector('simple', ...)`` of the three
  fields (the body's first ``LEAD`` words weight C, the rest D), plus each phrase of the
  synonym list as one lexeme; a phrase query finds exactly the documents with its words in
  a row, as on SQLite. C weighs as D in the ranking.
- Ranking in two steps: with more visible hits than ``CANDIDATES``, the candidates best
  matched in title and tags, then in the text's opening (then the newest) are ranked by the
  full text and come first, the others follow by that first score, then newest. Counts stay exact, pages stay disjoint
  and cover every hit, what the viewer may not see is neither counted nor a candidate, and
  the planner settings are put back. SQLite ranks every hit by bm25 in one step.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection

from seedbed.knowledge.models import Article, Visibility
from seedbed.search.backends import postgres
from seedbed.search.index import reindex_all
from seedbed.search.services import search
from seedbed.search.text import tokens
from seedbed.skills.models import Skill

# --- vectors -------------------------------------------------------------------------------

TEXTS = [
    (
        "Kubernetes upgrades",
        "k8s kube Kubernetes",
        "Steps for the cluster, in order. Zürich 2024 v2",
    ),
    ("", "", "one"),
    ("Only a title", "", ""),
    ("Ünïcödé", "Ops\nTeam", "word " * 300 + "end"),  # more than 256 positions of a word
    ("a", "b", "a b a b"),
]


@pytest.mark.parametrize(("title", "extra", "body"), TEXTS)
def test_vector_is_what_to_tsvector_gives(title, extra, body):
    marked = postgres.vector(title, extra, body)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT %s::tsvector = setweight(to_tsvector('simple', %s), 'A') || "
            "setweight(to_tsvector('simple', %s), 'B') || setweight(to_tsvector('simple', %s), 'D')",
            [
                re.sub(r"(\d)C", r"\1D", marked),  # the body's lead is weight C, see below
                " ".join(tokens(title)),
                " ".join(tokens(extra)),
                " ".join(tokens(body)),
            ],
        )
        assert cur.fetchone()[0] is True
    # The body's first LEAD words are weight C, the rest D.
    start = len(tokens(title)) + len(tokens(extra))
    for at, weight in re.findall(r"(\d+)([CD])", marked):
        assert weight == ("C" if int(at) <= start + postgres.LEAD else "D")


@pytest.mark.parametrize("query", ["'word'", "'word' & 'end'", "'steps' | 'order':*", "'b' & 'a'"])
@pytest.mark.parametrize(("title", "extra", "body"), TEXTS)
def test_the_lead_weighs_as_the_rest_of_the_body_in_the_ranking(title, extra, body, query):
    marked = postgres.vector(title, extra, body)
    assert ("C" in marked) == bool(tokens(body))
    unmarked = re.sub(r"(\d)C", r"\1D", marked)
    rank = f"ts_rank_cd({postgres.WEIGHTS}, %s::tsvector, %s::tsquery, 1)"
    with connection.cursor() as cur:
        cur.execute(f"SELECT {rank}, {rank}", [marked, query, unmarked, query])
        with_lead, without = cur.fetchone()
    assert with_lead == without


def test_a_phrase_of_the_synonym_list_is_also_one_lexeme():
    text = postgres.vector("How to deploy", "", "Here is how  to roll back; how and to")
    assert "'how to':1A,6C " in text
    assert text.count("'how to'") == 1


def test_phrase_queries_find_the_words_in_a_row_only(org):
    a = article("Deploying, a how-to", "First the build.")
    article("How we work", "A note to the team.")  # both words, not in a row
    b = article("Release guide", "Tag, then build.")  # a synonym
    reindex_all()
    page = search(viewer=org.user("employee"), q="how to", kinds=["article"])
    assert {r.object_id for r in page.results} == {a.pk, b.pk}
    assert page.total == 2


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


def article(title: str, body: str = "", **kw: Any) -> Article:
    return Article.objects.create(title=title, body=body, **kw)


@pytest.fixture
def library(org: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Article]:
    """Seven articles on runbooks (two in the title, five in the text only; the oldest
    says it most often), one private to the lead; three candidates."""
    made = {
        "oldest, dense": article("Notes", "runbook " * 40),
        "body 1": article("Ops week", "the runbook for the billing service"),
        "body 2": article("Release day", "we followed the runbook"),
        "title 1": article("Runbook for incidents", "steps in order"),
        "title 2": article("Database runbook", "restore, then check"),
        "private": article(
            "Runbook nobody else reads", "", owner=org.lead, visibility=Visibility.PRIVATE
        ),
        "newest": article("Friday", "a runbook was updated"),
    }
    reindex_all()
    monkeypatch.setattr(postgres, "CANDIDATES", 3)
    return made


def _ids(page: Any) -> list[int]:
    return [r.object_id for r in page.results]


def test_candidates_come_first_ranked_fully_then_the_rest(org, library):
    page = search(viewer=org.user("employee"), q="runbook", kinds=["article"], limit=10)
    # Counts are exact: every visible hit, never the lead's private article.
    assert page.total == page.counts["article"] == 6
    got = _ids(page)
    assert library["private"].pk not in got
    # Candidates: the two title hits and the newest text hit, ranked by the full text.
    first = {library["title 1"].pk, library["title 2"].pk, library["newest"].pk}
    assert set(got[:3]) == first
    assert [r.score for r in page.results[:3]] == sorted(
        (r.score for r in page.results[:3]), reverse=True
    )
    # Then the other text hits, newest first — the densest, oldest one last, although its
    # full score is higher than theirs: the price of not reading every hit's text.
    assert got[3:] == [library["body 2"].pk, library["body 1"].pk, library["oldest, dense"].pk]
    assert page.results[5].score > page.results[4].score


def test_the_opening_of_the_text_is_a_tier_below_title_and_tags(org, monkeypatch):
    titled = article("Kubernetes for incidents", "steps in order")
    tagged = article("Friday", "a quiet day")
    tagged.skills.add(Skill.objects.get(name="Kubernetes"))
    opening = article("Ops week", "Kubernetes and billing, then " + "notes " * 60)
    late = article("Release day", "notes " * 60 + "and kubernetes")  # the newest
    reindex_all()
    monkeypatch.setattr(postgres, "CANDIDATES", 3)
    page = search(viewer=org.user("employee"), q="kubernetes", kinds=["article"], limit=10)
    assert page.total == 4
    got = _ids(page)
    # Title and tags, then the opening: the newest hit, with the word only further on, last.
    assert set(got[:3]) == {titled.pk, tagged.pk, opening.pk}
    assert got[3] == late.pk
    monkeypatch.setattr(postgres, "CANDIDATES", 2)
    got = _ids(search(viewer=org.user("employee"), q="kubernetes", kinds=["article"], limit=10))
    assert set(got[:2]) == {titled.pk, tagged.pk}
    assert got[2:] == [opening.pk, late.pk]


def test_pages_across_the_cut_are_disjoint_and_cover_every_hit(org, library):
    whole = _ids(search(viewer=org.user("employee"), q="runbook", kinds=["article"], limit=10))
    for limit in (1, 2, 4):
        seen: list[int] = []
        for offset in range(0, 8, limit):
            page = search(
                viewer=org.user("employee"),
                q="runbook",
                kinds=["article"],
                limit=limit,
                offset=offset,
            )
            assert page.total == 6
            seen += _ids(page)
        assert seen == whole


def test_the_lead_counts_and_may_rank_their_private_article(org, library):
    page = search(viewer=org.user("lead"), q="runbook", kinds=["article"], limit=10)
    assert page.total == 7
    assert library["private"].pk in _ids(page)[:3]  # a title hit, and newer than the rest


def test_up_to_the_candidates_the_order_is_the_full_ranking(org, library, monkeypatch):
    monkeypatch.setattr(postgres, "CANDIDATES", 100)
    page = search(viewer=org.user("employee"), q="runbook", kinds=["article"], limit=10)
    scores = [r.score for r in page.results]
    assert scores == sorted(scores, reverse=True)


def test_planner_settings_are_put_back(org, library):
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('enable_seqscan'), current_setting('jit')")
        before = cur.fetchone()
        search(viewer=org.user("employee"), q="runbook")
        cur.execute("SELECT current_setting('enable_seqscan'), current_setting('jit')")
        assert cur.fetchone() == before
