"""PostgreSQL only: ``search_lead``, the words of a document's opening, for ranking broad
queries.

The vectors mark the body's first words with weight C (``VECTOR_FORMAT`` 2: ``migrate``
rewrites them, ``seedbed.search.index.after_migrate``; ``ts_rank_cd`` weighs C as D, so the
full ranking is unchanged). ``search_lead`` is those words without positions (``strip`` of
``ts_filter``), computed by the database and kept in the row like ``search_head``: the
first, cheap ranking of a query with very many hits reads it as a tier below title and tags
(see ``seedbed.search.backends.postgres``). Until the vectors are rewritten it is empty.
Nothing to do on SQLite.
"""

from django.db import migrations

from seedbed.lib.migrations import run_sql_on_postgresql

FORWARD = (
    "ALTER TABLE search_searchdocument ADD COLUMN search_lead tsvector "
    "GENERATED ALWAYS AS (strip(ts_filter(search_vector, '{c}'))) STORED, "
    "ALTER COLUMN search_lead SET STORAGE MAIN"
)
BACKWARD = "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_lead"


class Migration(migrations.Migration):
    dependencies = [("search", "0006_index_state")]

    operations = [run_sql_on_postgresql(FORWARD, BACKWARD)]
