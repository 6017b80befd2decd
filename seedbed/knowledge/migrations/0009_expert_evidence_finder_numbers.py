"""PostgreSQL only: each read-table row's numbers, packed by the database.

``finder_numbers`` is a generated column holding the person, the kind with the count and
whether the row holds only items also tagged with another skill (``(count * 4 + kind) * 2 +
also``: ``evidence.KIND_BITS`` is 2), the skill, ``log_worth``, ``last_at`` and
``half_life_days`` as six big-endian doubles, as ``float8send`` writes them. The finder reads
a skill's rows from the index ``knowledge_evidence_packed`` alone (by skill, then with or
without ``also_skill``, so both reads are index conditions) and joins their bytes, which
NumPy reads as they are: packing at query time cost about 0.3 us a row (2 of 3 ms for the
6,000 rows of a popular skill's category). Nothing to do on SQLite (it reads values).
"""

from django.db import migrations

from seedbed.lib.migrations import run_sql_on_postgresql

FORWARD = [
    "ALTER TABLE knowledge_expertevidence ADD COLUMN finder_numbers bytea GENERATED ALWAYS AS ("
    "float8send(person_id::float8) || "
    "float8send(((count::bigint * 4 + kind) * 2 "
    "+ CASE WHEN also_skill_id IS NULL THEN 0 ELSE 1 END)::float8) || "
    "float8send(skill_id::float8) || float8send(log_worth) || float8send(last_at) || "
    "float8send(half_life_days)) STORED",
    "CREATE INDEX knowledge_evidence_packed ON knowledge_expertevidence "
    "(skill_id, also_skill_id) INCLUDE (finder_numbers)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_evidence_packed",
    "ALTER TABLE knowledge_expertevidence DROP COLUMN IF EXISTS finder_numbers",
]


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0008_article_title_summary_upper")]

    operations = [run_sql_on_postgresql(FORWARD, BACKWARD)]
