"""The database's own full-text structure next to ``search_searchdocument``.

SQLite: an FTS5 table with external content (the documents table), unicode61 with diacritics
removed and prefix indexes, kept in step by triggers. PostgreSQL: a tsvector column with a GIN
index, written by the index from text normalised in Python (so both databases split words the
same way). Both: ``search_term``, the vocabulary (typo tolerance), in byte order (SQLite's
BINARY, PostgreSQL's "C"), so the words starting with some letters are one key range.

(On SQLite, a later migration that rebuilds ``search_searchdocument`` must re-create the
triggers and run the FTS 'rebuild' command.)
"""

from django.db import migrations

from seedbed.lib.migrations import run_sql_per_vendor

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        title, extra, body,
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3 4'
    )
    """,
    """
    CREATE TRIGGER search_document_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title, extra, body)
        VALUES (new.id, new.title, new.extra, new.body);
    END
    """,
    """
    CREATE TRIGGER search_document_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, extra, body)
        VALUES ('delete', old.id, old.title, old.extra, old.body);
    END
    """,
    """
    CREATE TRIGGER search_document_au AFTER UPDATE OF title, extra, body
    ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, extra, body)
        VALUES ('delete', old.id, old.title, old.extra, old.body);
        INSERT INTO search_fts(rowid, title, extra, body)
        VALUES (new.id, new.title, new.extra, new.body);
    END
    """,
    "CREATE TABLE search_term (term TEXT NOT NULL PRIMARY KEY, ndoc INTEGER NOT NULL) "
    "WITHOUT ROWID",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS search_term",
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE search_searchdocument "
    "ADD COLUMN search_vector tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (search_vector)",
    'CREATE TABLE search_term (term text COLLATE "C" PRIMARY KEY, ndoc integer NOT NULL)',
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS search_term",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        run_sql_per_vendor(
            {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD},
            {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD},
        )
    ]
