"""Keeping the search index in step with the data.

Services that change something searchable call ``schedule_index(kind, ids)`` after saving:
it runs on commit (a rolled-back change never reaches the index), reads those objects (one
query per kind, plus their skills) and writes, rewrites or drops their documents. Bulk
writers (imports) call ``schedule_reindex(kind)``. ``reindex_all()`` rebuilds everything
(``seedbed manage search_reindex``; the demo build ends with it).

The full-text structure may depend on more than the documents' text: PostgreSQL's vectors
hold each phrase of the synonym list as one lexeme (``backends.postgres``), so a Seedbed
upgrade that ships another list, or writes vectors differently, leaves them stale.
``fingerprint()`` sums that up and ``IndexState`` keeps the one the vectors were built from.
After ``migrate`` (the search app's ``post_migrate``), ``after_migrate`` compares the two
and, when they differ, rewrites every vector (``refresh_vectors``): itself up to
``SYNC_LIMIT`` documents, else through the task worker, search answering from the old
vectors meanwhile. On SQLite there is nothing to compare: FTS5 indexes the words only and
synonyms are expanded in the query.

Kinds: "person", "skill", "article", "question", "learning_item".
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any, Literal, NamedTuple

from django.apps.registry import Apps
from django.db import connection, transaction
from django.db.migrations import Migration
from django.db.models import Count, QuerySet
from django.utils import timezone

from seedbed.search import scopes, vocabulary
from seedbed.search.backends import full_text, semantic
from seedbed.search.backends.base import Row
from seedbed.search.extractors import EXTRACTORS, all_ids, tagged_with
from seedbed.search.models import IndexState, SearchDocument, document_id

KINDS = ("person", "skill", "article", "question", "learning_item")
BATCH = 500
_FIELDS = ("title", "extra", "body", "meta")

logger = logging.getLogger(__name__)


def _check(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown search kind {kind!r}")


def schedule_index(kind: str, ids: Iterable[int]) -> None:
    """Re-index (or drop, if gone) the objects of ``kind`` with these ids, on commit. A
    queryset of ids is read on commit too (no query inside the caller's transaction)."""
    _check(kind)
    # robust: a failure to index is logged, never turned into an error for a change that
    # was already committed (``search_reindex`` repairs the index).
    if isinstance(ids, QuerySet):
        transaction.on_commit(partial(_index_query, kind, ids), robust=True)
        return
    wanted = sorted({int(i) for i in ids})
    if wanted:
        transaction.on_commit(partial(index_now, kind, wanted), robust=True)


def _index_query(kind: str, ids: QuerySet[Any]) -> None:
    index_now(kind, sorted({int(i) for i in ids}))


def schedule_reindex(kind: str) -> None:
    """Re-index every object of ``kind`` (for skills, and everything tagged with skills), on
    commit (after bulk imports)."""
    _check(kind)
    transaction.on_commit(partial(reindex_kind, kind, cascade=True), robust=True)


@transaction.atomic
def index_now(kind: str, ids: Sequence[int], *, cascade: bool = True) -> int:
    """Bring the documents of these objects up to date now; returns how many documents were
    written or dropped. With ``cascade``, a skill's change also re-indexes what is tagged
    with it (its name and aliases are in their documents)."""
    _check(kind)
    changed = 0
    for start in range(0, len(ids), BATCH):
        changed += _index_batch(kind, list(ids[start : start + BATCH]))
    if cascade and kind == "skill" and ids:
        for other, other_ids in tagged_with(ids).items():
            index_now(other, other_ids, cascade=False)
    return changed


def _index_batch(kind: str, ids: list[int]) -> int:
    backend = full_text()
    docs = EXTRACTORS[kind](ids)
    opened = scopes.open_ids(kind, list(docs)) if docs else set()
    existing = {d.object_id: d for d in SearchDocument.objects.filter(kind=kind, object_id__in=ids)}
    # A document whose object became open to all, or stopped being so, changes its id: the
    # old one goes, a new one is written.
    wanted_id = {oid: document_id(kind, oid, open_to_all=oid in opened) for oid in docs}
    moved = {oid for oid, d in existing.items() if oid in docs and d.pk != wanted_id[oid]}
    gone = [d.pk for oid, d in existing.items() if oid not in docs or oid in moved]
    old_text: list[tuple[str, str, str]] = [
        (d.title, d.extra, d.body) for oid, d in existing.items() if oid not in docs or oid in moved
    ]
    now = timezone.now()
    updated: list[SearchDocument] = []
    created: list[SearchDocument] = []
    for oid, doc in docs.items():
        current = existing.get(oid)
        if current is None or oid in moved:
            created.append(
                SearchDocument(
                    id=wanted_id[oid],
                    kind=kind,
                    object_id=oid,
                    title=doc.title[:300],
                    extra=doc.extra,
                    body=doc.body,
                    meta=doc.meta,
                    updated_at=now,
                )
            )
            continue
        values = {"title": doc.title[:300], "extra": doc.extra, "body": doc.body, "meta": doc.meta}
        if any(getattr(current, f) != v for f, v in values.items()):
            old_text.append((current.title, current.extra, current.body))
            for f, v in values.items():
                setattr(current, f, v)
            current.updated_at = now
            updated.append(current)
    vocabulary.count_out(vocabulary.words_of(old_text))
    if gone:
        SearchDocument.objects.filter(pk__in=gone).delete()
    if updated:
        SearchDocument.objects.bulk_update(updated, [*_FIELDS, "updated_at"])
    if created:
        SearchDocument.objects.bulk_create(created)
    rows = [Row(d.pk, d.title, d.extra, d.body) for d in (*updated, *created)]
    backend.after_write(rows)
    vocabulary.count_in(vocabulary.words_of((r.title, r.extra, r.body) for r in rows))
    meaning = semantic()
    if meaning is not None:
        meaning.remove(gone)
        meaning.index(rows)
    return len(gone) + len(updated) + len(created)


@transaction.atomic
def reindex_kind(kind: str, *, cascade: bool = False) -> int:
    """Re-index every object of ``kind`` and drop documents of objects that are gone. With
    ``cascade``, skills take what is tagged with them along."""
    _check(kind)
    if cascade and kind == "skill":
        tagged = [reindex_kind(other) for other in ("article", "question", "learning_item")]
        return reindex_kind(kind) + sum(tagged)
    ids = list(all_ids(kind))
    stale = SearchDocument.objects.filter(kind=kind).exclude(object_id__in=all_ids(kind))
    old_text = list(stale.values_list("title", "extra", "body"))
    vocabulary.count_out(vocabulary.words_of(old_text))
    stale.delete()
    return len(old_text) + index_now(kind, ids, cascade=False)


@transaction.atomic
def reindex_all() -> dict[str, int]:
    """Rebuild the whole index: every kind, then the full-text structure and vocabulary, and
    on PostgreSQL every vector if the synonym list or vector format changed since they were
    built (storing the fingerprint). Returns the number of documents per kind."""
    SearchDocument.objects.exclude(kind__in=KINDS).delete()
    for kind in KINDS:
        reindex_kind(kind)
    full_text().rebuild()
    # Recount the vocabulary from scratch (whatever happened behind the index's back).
    vocabulary.clear()
    texts = SearchDocument.objects.values_list("title", "extra", "body").order_by("pk")
    batch: list[tuple[str, str, str]] = []
    for text in texts.iterator(chunk_size=1000):
        batch.append(text)
        if len(batch) == 1000:
            vocabulary.count_in(vocabulary.words_of(batch))
            batch = []
    vocabulary.count_in(vocabulary.words_of(batch))
    counts = dict.fromkeys(KINDS, 0)
    for row in SearchDocument.objects.values("kind").annotate(n=Count("id")).order_by():
        counts[row["kind"]] = row["n"]
    # Documents whose text did not change were not written above: if the vectors are older
    # than the running code's synonym list or format, every vector is rewritten.
    current = fingerprint()
    if current and stored_fingerprint() != current:
        rewrite_vectors()
        _store_fingerprint(current)
    return counts


# --- what the full-text structure depends on besides the text -----------------------------

# Up to this many documents, ``migrate`` rewrites stale vectors itself (0.6-1 ms a document,
# most of it building the vector in Python: 6-11 s for 10,000); a larger index is left to the
# task worker, so that ``migrate`` (and ``seedbed serve``, which runs it) does not wait for
# minutes (60 s for 105,000 documents, docs/benchmarks.md).
SYNC_LIMIT = 10_000
VECTOR_BATCH = 2000
# Migrations that rewrite every vector with the running code: a run that applied one of them
# leaves the vectors in step, and only the fingerprint needs storing.
REWRITING_MIGRATIONS = frozenset({("search", "0005_postgres_phrases")})


def fingerprint() -> str:
    """What the documents' full-text structure depends on besides their text, as a short
    string; "" for nothing. PostgreSQL: the vector format and a hash of the synonym list's
    phrases (``backends.postgres.VECTOR_FORMAT`` and ``phrases``). SQLite: nothing — FTS5
    indexes the words only and synonyms are expanded in the query, so a change to the list
    takes effect there at once."""
    if connection.vendor != "postgresql":
        return ""
    from seedbed.search.backends import postgres

    digest = hashlib.sha256("\n".join(postgres.phrases()).encode()).hexdigest()
    return f"postgresql/{postgres.VECTOR_FORMAT}/{digest}"


def stored_fingerprint() -> str | None:
    """The fingerprint the vectors were last built from; None if never recorded."""
    return IndexState.objects.filter(pk=1).values_list("fingerprint", flat=True).first()


def _store_fingerprint(value: str) -> None:
    IndexState.objects.update_or_create(
        pk=1, defaults={"fingerprint": value, "built_at": timezone.now()}
    )


def rewrite_vectors() -> int:
    """Write every document's full-text structure again from the text it holds, as the
    backend writes it for new documents (``after_write``), ``VECTOR_BATCH`` documents at a
    time; returns how many. Runs in the caller's transaction."""
    backend = full_text()
    rows = SearchDocument.objects.order_by("pk").values_list("pk", "title", "extra", "body")
    batch: list[Row] = []
    count = 0
    for pk, title, extra, body in rows.iterator(chunk_size=VECTOR_BATCH):
        batch.append(Row(pk, title, extra, body))
        if len(batch) == VECTOR_BATCH:
            backend.after_write(batch)
            count += len(batch)
            batch = []
    backend.after_write(batch)
    return count + len(batch)


def refresh_vectors() -> int | None:
    """Rewrite every vector if the stored fingerprint is not the running code's, and store
    it; returns how many documents were rewritten, None if the vectors were in step (or the
    database has none: SQLite).

    All or nothing, in one transaction: until it commits, searches read the old vectors
    (stale, but search works) and the fingerprint stays the old one, so a failed run leaves
    the index as it was and the next ``migrate`` tries again. The documents table is locked
    against writes for that time (``SHARE ROW EXCLUSIVE``: reads go on): a document written
    meanwhile by another process must not get a vector of its old text, and rows locked
    one by one could deadlock with a writer. Two runs at once take turns, and the second
    finds the vectors in step."""
    current = fingerprint()
    if not current:
        return None
    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("LOCK TABLE search_searchdocument IN SHARE ROW EXCLUSIVE MODE")
        if stored_fingerprint() == current:
            return None
        count = rewrite_vectors()
        _store_fingerprint(current)
    logger.info(
        "search: rewrote the vectors of %d documents in %.1f s", count, time.monotonic() - started
    )
    return count


class Upkeep(NamedTuple):
    """What ``after_migrate`` did: ``action`` is "" (nothing to check: SQLite, or the search
    tables migrated away), "current" (in step), "stored" (no documents, or a migration of this
    run rewrote them: the fingerprint is stored), "rebuilt" (``documents`` rewritten now) or
    "queued" (a task rewrites the ``documents``)."""

    action: Literal["", "current", "stored", "rebuilt", "queued"]
    documents: int = 0


def after_migrate(
    *, plan: Sequence[tuple[Migration, bool]] | None = None, apps: Apps | None = None
) -> Upkeep:
    """Bring the full-text structure in step with the running code after ``migrate`` (the
    search app's ``post_migrate``; ``plan`` and ``apps`` are the signal's). One query when
    it is in step; nothing on SQLite."""
    current = fingerprint()
    if not current:
        return Upkeep("")
    if apps is not None:
        try:
            apps.get_model("search", "IndexState")
        except LookupError:  # migrated back before 0006
            return Upkeep("")
    if stored_fingerprint() == current:
        return Upkeep("current")
    rewritten = any(
        (m.app_label, m.name) in REWRITING_MIGRATIONS and not backwards
        for m, backwards in plan or ()
    )
    documents = 0 if rewritten else SearchDocument.objects.count()
    if not documents:
        _store_fingerprint(current)
        return Upkeep("stored")
    if documents <= SYNC_LIMIT:
        return Upkeep("rebuilt", refresh_vectors() or 0)
    from seedbed.search.tasks import rebuild_vectors

    rebuild_vectors.enqueue()
    logger.info("search: queued the rewrite of %d documents' vectors", documents)
    return Upkeep("queued", documents)
