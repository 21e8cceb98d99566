# Written by hand (issue 15): partnerships between alliances.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("research", "0015_publication_effects"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Partnership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(choices=[("proposed", "Proposed"), ("active", "Active"),
                                                     ("declined", "Declined"), ("ended", "Ended")],
                                            default="proposed", max_length=10)),
                ("proposed_at", models.DateTimeField(auto_now_add=True)),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("end_reason", models.TextField(blank=True, max_length=2000)),
                ("answered_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                  related_name="+", to=settings.AUTH_USER_MODEL)),
                ("ended_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                               related_name="+", to=settings.AUTH_USER_MODEL)),
                ("partner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="partnerships_received", to="research.alliance")),
                ("proposed_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                  related_name="+", to=settings.AUTH_USER_MODEL)),
                ("proposer", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                               related_name="partnerships_proposed", to="research.alliance")),
            ],
            options={
                "ordering": ["-proposed_at", "-id"],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("proposer", models.F("partner")), _negated=True),
                                           name="partnership_of_two_alliances"),
                    models.UniqueConstraint(condition=models.Q(("status__in", ("proposed", "active"))),
                                            fields=("proposer", "partner"), name="one_live_partnership_per_pair"),
                ],
            },
        ),
    ]
