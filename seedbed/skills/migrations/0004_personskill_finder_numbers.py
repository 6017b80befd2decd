"""PostgreSQL only: each current level's numbers for the expert finder, packed by the database.

``finder_numbers`` is a generated column holding the person, the skill, the level and its
source (``level * 16 + source``, the source as its index in ``seedbed.skills.rules.TIERS``)
and the date (seconds since 1970) as four big-endian doubles, as ``float8send`` writes them.
The finder reads a skill's levels from the index ``personskill_finder_read`` alone and joins
the rows' bytes (``string_agg``), which NumPy reads as they are: packing them at query time
cost about 0.3 us a row (1.3 of 2 ms for the 4,000 levels of a popular skill's category).
``date_part('epoch', ...)`` of a ``timestamptz`` is only stable; of the same instant in UTC
(a ``timestamp``) it is immutable and the same number. A test compares the column with the
levels for every source. Nothing to do on SQLite (it reads values, not bytes).
"""

from django.db import migrations

from seedbed.lib.migrations import run_sql_on_postgresql

SOURCES = ("manager", "assessment", "certification", "learning", "peer", "self")
SOURCE = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(SOURCES))

FORWARD = [
    "ALTER TABLE skills_personskill ADD COLUMN finder_numbers bytea GENERATED ALWAYS AS ("
    "float8send(person_id::float8) || float8send(skill_id::float8) || "
    f"float8send((level * 16 + CASE source {SOURCE} ELSE 0 END)::float8) || "
    "float8send(date_part('epoch', assessed_at AT TIME ZONE 'UTC'))) STORED",
    "CREATE INDEX personskill_finder_read ON skills_personskill (skill_id) "
    "INCLUDE (finder_numbers)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS personskill_finder_read",
    "ALTER TABLE skills_personskill DROP COLUMN IF EXISTS finder_numbers",
]


class Migration(migrations.Migration):
    dependencies = [("skills", "0003_personskill_skill_cover")]

    operations = [run_sql_on_postgresql(FORWARD, BACKWARD)]
