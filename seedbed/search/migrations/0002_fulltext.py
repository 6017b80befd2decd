"""The database's own full-text structure next to ``search_searchdocument``.

SQLite: an FTS5 table with external content (the documents table), unicode61 with diacritics
removed and prefix indexes, kept in step by triggers; ``search_fts_vocab`` lists its terms
(typo tolerance). PostgreSQL: a tsvector column with a GIN index, written by the index from
text normalised in Python (so both databases split words the same way), and ``search_term``,
the vocabulary (C collation: prefix lookups use its primary-key index).
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        title, extra, body,
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3 4'
    )
    """,
    "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')",
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
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_fts_vocab",
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


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
