"""The search index: one ``SearchDocument`` per searchable object (person, skill, article,
question, learning item), written by ``seedbed.search.index`` from the objects themselves.

The full-text structure next to it depends on the database (created by migration 0002):

- SQLite: ``search_fts``, an FTS5 table with external content (this table), kept in step by
  triggers, and ``search_fts_vocab`` (fts5vocab) listing its terms;
- PostgreSQL: a ``search_vector`` tsvector column on this table with a GIN index, built in
  Python from the tokens (``backends.postgres.vector``), ``search_head`` (its title and tag
  words, migration 0004) and ``search_lead`` (the words of the body's opening, migration
  0007) for ranking very broad queries in two steps, and ``search_term``,
  the vocabulary. Long values are kept out of line (``toast_tuple_target``), so counting the
  hits of a common word reads a narrow table.

Documents hold only what every signed-in user may read about an object once the object
itself is visible to them; who sees which object is decided at query time by the models'
``visible_to`` (``seedbed.search.services``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

# The id of a document says what it is about: the kind's code in the bits above 40, whether
# every signed-in user may see the object (``OPEN_BIT``), and the object's id below. The
# full-text structures carry only that id, so a search can tell the kind and object of every
# hit, and skip the per-viewer check for open ones, without reading document rows.
KIND_CODES = {"person": 1, "skill": 2, "article": 3, "question": 4, "learning_item": 5}
ID_BITS = 40
OPEN_BIT = 1 << (ID_BITS - 1)
MAX_OBJECT_ID = OPEN_BIT - 1


def document_id(kind: str, object_id: int, *, open_to_all: bool = False) -> int:
    """The id of the document of ``object_id`` of ``kind``; ``open_to_all`` when every
    signed-in user may see that object (``seedbed.search.scopes``)."""
    if not 0 < object_id <= MAX_OBJECT_ID:
        raise ValueError(f"object id {object_id} out of range for the search index")
    return (KIND_CODES[kind] << ID_BITS) | (OPEN_BIT if open_to_all else 0) | object_id


class SearchDocument(models.Model):
    """The searchable text of one object. ``title`` ranks above ``extra`` (skill names and
    aliases, synonyms, tags), which ranks above ``body``. ``meta`` carries a few facts the
    results page shows (a person's team, an article's kind) so a page of results needs no
    further query. The id is ``document_id(kind, object_id)``."""

    id = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    extra = models.TextField(blank=True, default="")
    body = models.TextField(blank=True, default="")
    meta = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "object_id"], name="search_doc_object")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class IndexState(models.Model):
    """What the full-text structure was last built from (one row, id 1): ``fingerprint`` is
    ``seedbed.search.index.fingerprint()`` as it was when every vector was last rewritten
    (PostgreSQL: the vector format and the synonym list's phrases). ``migrate`` compares it
    with the running code's and rebuilds the vectors when they differ. Unused on SQLite,
    whose FTS5 index holds the words only."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    fingerprint = models.CharField(max_length=100)
    built_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"search index built {self.built_at:%Y-%m-%d %H:%M} from {self.fingerprint}"
