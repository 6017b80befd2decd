"""The full-text structure follows the synonym list by itself (``seedbed.search.index``).

PostgreSQL keeps each phrase of the list as one lexeme of a document's vector, so the vectors
depend on the list: ``IndexState`` holds the fingerprint they were built from; ``migrate``
and ``search_reindex`` store it; after ``migrate`` a changed list rewrites every vector —
at once for a small index, through a task for a large one (search answering from the old
vectors meanwhile) — all or nothing; an unchanged list costs one query and rewrites
nothing. SQLite's FTS5 index holds the words only: a new phrase is found at once, and there
is nothing to store or check.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.tasks import task_backends
from django.tasks.backends.dummy import DummyBackend

from seedbed.knowledge.models import Article
from seedbed.search import index, synonyms
from seedbed.search.backends import postgres
from seedbed.search.index import after_migrate, fingerprint, index_now, reindex_all
from seedbed.search.models import IndexState, SearchDocument
from seedbed.search.services import search
from seedbed.search.tasks import rebuild_vectors

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's vectors")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5")

NEW_GROUP = "release train, release cadence"


def _forget_synonyms() -> None:
    synonyms.table.cache_clear()
    postgres._phrases.cache_clear()


@pytest.fixture
def change_synonyms(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[Callable[[], None]]:
    """Call to ship a synonym list with one more group (two new phrases), as an upgrade
    would; the real list is back after the test."""

    def change() -> None:
        path = tmp_path / "synonyms.txt"
        text = synonyms.SYNONYMS_FILE.read_text(encoding="utf-8")
        path.write_text(f"{text}\n{NEW_GROUP}\n", encoding="utf-8")
        monkeypatch.setattr(synonyms, "SYNONYMS_FILE", path)
        _forget_synonyms()

    yield change
    monkeypatch.undo()
    _forget_synonyms()


@pytest.fixture
def no_rewrite(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> int:
        raise AssertionError("the vectors were rewritten")

    monkeypatch.setattr(index, "rewrite_vectors", fail)


def articles(*titles: str) -> list[Article]:
    made = [Article.objects.create(title=t, body="Dates and owners.") for t in titles]
    index_now("article", [a.pk for a in made])
    return made


def found(org: Any, q: str) -> set[int]:
    page = search(viewer=org.user("employee"), q=q, kinds=["article"])
    return {r.object_id for r in page.results}


def migrate() -> str:
    out = io.StringIO()
    call_command("migrate", verbosity=1, stdout=out)
    return out.getvalue()


def vector_of(article: Article) -> str:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT search_vector::text FROM search_searchdocument WHERE kind = 'article' "
            "AND object_id = %s",
            [article.pk],
        )
        return str(cur.fetchone()[0])


# --- PostgreSQL ----------------------------------------------------------------------------


@on_postgres
def test_the_fingerprint_is_the_vector_format_and_the_phrases(change_synonyms):
    before = fingerprint()
    assert before.startswith(f"postgresql/{postgres.VECTOR_FORMAT}/")
    assert "how to" in postgres.phrases()
    change_synonyms()
    assert {"release train", "release cadence"} <= set(postgres.phrases())
    assert fingerprint() != before


@on_postgres
def test_migrate_stores_the_fingerprint_of_a_fresh_index(no_rewrite):
    IndexState.objects.all().delete()
    assert not SearchDocument.objects.exists()
    migrate()
    state = IndexState.objects.get()
    assert state.fingerprint == fingerprint()


@on_postgres
def test_the_test_database_was_migrated_with_the_fingerprint():
    assert IndexState.objects.get().fingerprint == fingerprint()


@on_postgres
def test_an_unchanged_list_rewrites_nothing_and_costs_one_query(
    org, no_rewrite, django_assert_num_queries
):
    articles("Release train dates")
    with django_assert_num_queries(1):  # the stored fingerprint
        assert after_migrate() == index.Upkeep("current")
    assert "Search:" not in migrate()


@on_postgres
def test_a_changed_list_rewrites_the_vectors_after_migrate(org, change_synonyms):
    (a,) = articles("Release train dates")
    old = IndexState.objects.get().fingerprint
    change_synonyms()
    # Until then the phrase is not in the vector: found by its words, not as the phrase.
    assert found(org, "release train") == set()
    assert found(org, "train") == {a.pk}
    output = migrate()
    assert "rewrote the full-text vectors of 1 documents" in output
    assert "'release train':1A" in vector_of(a)
    assert found(org, "release train") == {a.pk}
    assert found(org, "release cadence") == {a.pk}  # its synonym
    assert IndexState.objects.get().fingerprint == fingerprint() != old


@on_postgres
def test_a_large_index_is_rewritten_by_a_task_search_working_meanwhile(
    org, change_synonyms, monkeypatch, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(index, "SYNC_LIMIT", 1)
    a, b = articles("Release train dates", "Train the release team")
    old = IndexState.objects.get().fingerprint
    change_synonyms()
    output = migrate()
    assert "the task worker (seedbed worker) rewrites the vectors of 2 documents" in output
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    [queued] = backend.results
    assert queued.task.name == rebuild_vectors.name
    # Not yet: the old vectors answer (stale but working), the old fingerprint stays.
    assert IndexState.objects.get().fingerprint == old
    assert found(org, "release") == {a.pk, b.pk}
    assert found(org, "release train") == set()
    assert rebuild_vectors.call() == 2
    assert IndexState.objects.get().fingerprint == fingerprint()
    assert found(org, "release train") == {a.pk}
    assert rebuild_vectors.call() is None  # a second one queued meanwhile finds it done


@on_postgres
def test_the_queued_task_runs_on_the_configured_backend(org, change_synonyms, monkeypatch):
    # Tests use the immediate backend: the task runs as ``migrate`` queues it.
    monkeypatch.setattr(index, "SYNC_LIMIT", 0)
    (a,) = articles("Release train dates")
    change_synonyms()
    assert after_migrate() == index.Upkeep("queued", 1)
    assert found(org, "release train") == {a.pk}
    assert IndexState.objects.get().fingerprint == fingerprint()


@on_postgres
def test_the_rewrite_is_all_or_nothing(org, change_synonyms, monkeypatch):
    monkeypatch.setattr(index, "VECTOR_BATCH", 1)
    a, b, c = articles("Release train dates", "Release train owners", "Release train risks")
    old = IndexState.objects.get().fingerprint
    change_synonyms()
    write = postgres.PostgresFullText.after_write
    calls: list[int] = []

    def fail_on_the_third_batch(self: Any, rows: Any) -> None:
        calls.append(len(rows))
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        write(self, rows)

    monkeypatch.setattr(postgres.PostgresFullText, "after_write", fail_on_the_third_batch)
    with pytest.raises(RuntimeError, match="went away"):
        after_migrate()
    assert calls == [1, 1, 1]  # two batches were written, then rolled back
    assert IndexState.objects.get().fingerprint == old
    for made in (a, b, c):
        assert "release train" not in vector_of(made)
    assert found(org, "release train") == set()
    monkeypatch.setattr(postgres.PostgresFullText, "after_write", write)
    assert after_migrate() == index.Upkeep("rebuilt", 3)
    assert found(org, "release train") == {a.pk, b.pk, c.pk}


@on_postgres
def test_without_documents_migrate_only_stores_the_fingerprint(change_synonyms, no_rewrite):
    change_synonyms()
    assert after_migrate() == index.Upkeep("stored")
    assert IndexState.objects.get().fingerprint == fingerprint()


@on_postgres
def test_a_run_that_applied_0005_only_stores_the_fingerprint(org, no_rewrite):
    articles("Release train dates")
    IndexState.objects.all().delete()  # as before migration 0006
    loader = MigrationLoader(connection)
    rewriting = loader.graph.nodes[("search", "0005_postgres_phrases")]
    assert after_migrate(plan=[(rewriting, False)]) == index.Upkeep("stored")
    assert IndexState.objects.get().fingerprint == fingerprint()


@on_postgres
def test_an_index_without_a_fingerprint_is_rewritten_once(org):
    # An install upgraded to 0006 whose vectors were built by some earlier list.
    articles("Release train dates")
    IndexState.objects.all().delete()
    assert after_migrate() == index.Upkeep("rebuilt", 1)
    assert after_migrate() == index.Upkeep("current")


@on_postgres
def test_migrated_back_before_the_state_table_nothing_is_checked(no_rewrite):
    before = MigrationLoader(connection).project_state(("search", "0005_postgres_phrases"))
    assert after_migrate(apps=before.apps) == index.Upkeep("")


@on_postgres
def test_search_reindex_rewrites_stale_vectors_and_stores_the_fingerprint(org, change_synonyms):
    (a,) = articles("Release train dates")
    change_synonyms()
    # The document's text is unchanged, so only the fingerprint says its vector is stale.
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    assert "article 1" in out.getvalue()
    assert found(org, "release train") == {a.pk}
    assert IndexState.objects.get().fingerprint == fingerprint()


@on_postgres
def test_reindex_all_stores_a_missing_fingerprint(org):
    IndexState.objects.all().delete()
    reindex_all()
    assert IndexState.objects.get().fingerprint == fingerprint()


@on_postgres
def test_reindex_all_with_vectors_in_step_rewrites_no_more(org, no_rewrite):
    articles("Release train dates")
    reindex_all()


# --- SQLite --------------------------------------------------------------------------------


@on_sqlite
def test_sqlite_has_nothing_to_fingerprint_or_check(
    org, change_synonyms, no_rewrite, django_assert_num_queries
):
    (a,) = articles("Release train dates")
    change_synonyms()
    assert fingerprint() == ""
    with django_assert_num_queries(0):
        assert after_migrate() == index.Upkeep("")
    migrate()
    reindex_all()
    assert not IndexState.objects.exists()
    # FTS5 holds the words; the phrase is matched in the query: found at once.
    assert found(org, "release train") == {a.pk}
    assert found(org, "release cadence") == {a.pk}
