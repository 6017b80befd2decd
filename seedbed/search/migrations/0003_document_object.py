"""Documents by object (an index on kind and object id), and the open-to-all flag in the
document id (``models.OPEN_BIT``) of the articles already indexed that are published and
visible to the organisation (the index sets it itself from now on)."""

from django.db import migrations, models
from django.db.models import F

OPEN_BIT = 1 << 39


def flag_open(apps, schema_editor):
    document = apps.get_model("search", "SearchDocument")
    article = apps.get_model("knowledge", "Article")
    opened = article.objects.filter(state="published", visibility="org").values("pk")
    ids = [
        pk
        for pk in document.objects.filter(kind="article", object_id__in=opened)
        .values_list("pk", flat=True)
        .iterator(chunk_size=2000)
        if not pk & OPEN_BIT
    ]
    for start in range(0, len(ids), 500):
        document.objects.filter(pk__in=ids[start : start + 500]).update(id=F("id") + OPEN_BIT)
    if ids and schema_editor.connection.vendor == "sqlite":  # FTS5 follows the ids
        with schema_editor.connection.cursor() as cur:
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_fulltext"),
        ("knowledge", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["kind", "object_id"], name="search_doc_object"),
        ),
        migrations.RunPython(flag_open, migrations.RunPython.noop),
    ]
