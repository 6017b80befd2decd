"""``IndexState``: what the full-text vectors were built from (``search.index.fingerprint``).
Its row is written after ``migrate`` (``search.index.after_migrate``): on PostgreSQL, a
database with documents but no row has its vectors rebuilt once, unless this same run
applied 0005, which rebuilt them with the running code."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0005_postgres_phrases'),
    ]

    operations = [
        migrations.CreateModel(
            name='IndexState',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('fingerprint', models.CharField(max_length=100)),
                ('built_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
    ]
