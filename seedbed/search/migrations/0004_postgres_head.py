"""PostgreSQL only: a narrow documents table and a "head" vector for ranking broad queries.

- ``toast_tuple_target = 128``: the long values of a document (its body, its full vector,
  longer titles, tags and facts) are kept out of line, so the table itself holds about 300
  bytes a document. A search reads the row of every hit it counts (a bitmap heap scan): on
  100,000 documents that is 4,000 pages instead of 40,000.
- ``search_head``: the title and tag words of the full vector (weights A and B,
  ``ts_filter``), computed by the database and kept in line (``STORAGE MAIN``); the first,
  cheap ranking of a query with very many hits reads it instead of the full vector (see
  ``seedbed.search.backends.postgres``).

One ``ALTER TABLE``: the table is rewritten once, with the new column already kept in line.
Nothing to do on SQLite (FTS5 ranks from its own index).
"""

from django.db import migrations

from seedbed.lib.migrations import run_sql_on_postgresql

FORWARD = (
    "ALTER TABLE search_searchdocument SET (toast_tuple_target = 128), "
    "ADD COLUMN search_head tsvector "
    "GENERATED ALWAYS AS (ts_filter(search_vector, '{a,b}')) STORED, "
    "ALTER COLUMN search_head SET STORAGE MAIN"
)
BACKWARD = (
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_head, "
    "RESET (toast_tuple_target)"
)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_document_object")]

    operations = [run_sql_on_postgresql(FORWARD, BACKWARD)]
