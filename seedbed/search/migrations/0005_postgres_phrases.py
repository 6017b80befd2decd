"""PostgreSQL only: rebuild every document's vector as ``backends.postgres.vector`` builds it
now (the synonym list's phrases also as one lexeme each), from the text the documents hold.
Nothing to do on SQLite."""

from django.db import migrations

BATCH = 2000


def rebuild_vectors(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    # The backend's own writer: the vector must be exactly what the index writes from now on.
    from seedbed.search.backends.base import Row
    from seedbed.search.backends.postgres import PostgresFullText

    document = apps.get_model("search", "SearchDocument")
    backend = PostgresFullText()
    rows = document.objects.order_by("pk").values_list("pk", "title", "extra", "body")
    batch = []
    for pk, title, extra, body in rows.iterator(chunk_size=BATCH):
        batch.append(Row(pk, title, extra, body))
        if len(batch) == BATCH:
            backend.after_write(batch)
            batch = []
    backend.after_write(batch)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_postgres_head")]

    operations = [migrations.RunPython(rebuild_vectors, migrations.RunPython.noop)]
