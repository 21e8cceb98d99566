# Written by hand (issue 15): the evidence map's effects table, filled from the findings already published.

import django.db.models.deletion
from django.db import migrations, models


def effects_of_published_findings(apps, schema_editor):
    from research.services.evidence_map import effect_rows

    Publication = apps.get_model("research", "Publication")
    PublicationEffect = apps.get_model("research", "PublicationEffect")
    for publication in Publication.objects.iterator(chunk_size=500):
        PublicationEffect.objects.bulk_create(
            PublicationEffect(publication_id=publication.pk, **row)
            for row in effect_rows(publication.content or {}, publication.project_id, publication.title))


class Migration(migrations.Migration):

    dependencies = [
        ("research", "0014_qualitative_enquiry"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicationEffect",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("measure_kind", models.CharField(max_length=20)),
                ("measure_name", models.CharField(blank=True, max_length=200)),
                ("g", models.FloatField(null=True)),
                ("variance", models.FloatField(null=True)),
                ("n", models.PositiveIntegerField(null=True)),
                ("padlocks", models.PositiveSmallIntegerField(null=True)),
                ("schools", models.PositiveSmallIntegerField(null=True)),
                ("reason", models.CharField(blank=True, max_length=300)),
                ("publication", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="effects",
                                                  to="research.publication")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("publication", "measure_kind"),
                                                        name="one_effect_per_kind_per_publication")],
            },
        ),
        migrations.RunPython(effects_of_published_findings, migrations.RunPython.noop),
    ]
