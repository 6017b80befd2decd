"""Keeping the search index in step with the data.

Services that change something searchable call ``schedule_index(kind, ids)`` after saving:
it runs on commit (a rolled-back change never reaches the index), reads those objects (one
query per kind, plus their skills) and writes, rewrites or drops their documents. Bulk
writers (imports) call ``schedule_reindex(kind)``. ``reindex_all()`` rebuilds everything
(``seedbed manage search_reindex``; the demo build ends with it).

Kinds: "person", "skill", "article", "question", "learning_item".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from seedbed.search import scopes, vocabulary
from seedbed.search.backends import full_text, semantic
from seedbed.search.backends.base import Row
from seedbed.search.extractors import EXTRACTORS, all_ids, tagged_with
from seedbed.search.models import SearchDocument, document_id

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
    """Rebuild the whole index: every kind, then the full-text structure and vocabulary.
    Returns the number of documents per kind."""
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
    return counts
