from django.db import migrations, models


class Migration(migrations.Migration):
    """A covering index for the expert finder's levels read (skill ids in; person, level,
    assessed_at and source out)."""

    dependencies = [
        ("skills", "0002_roadmap_fields"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="personskill",
            index=models.Index(
                fields=["skill", "person", "level", "assessed_at", "source"],
                name="personskill_skill_cover",
            ),
        ),
    ]
