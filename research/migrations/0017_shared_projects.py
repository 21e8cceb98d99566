# Written by hand (issue 15): projects opened to a partner alliance.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("research", "0016_partnerships"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SharedProject",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("shared_at", models.DateTimeField(auto_now_add=True)),
                ("alliance", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                               related_name="shared_projects", to="research.alliance")),
                ("project", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="shares",
                                              to="research.project")),
                ("shared_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("project", "alliance"), name="one_share_per_partner")],
            },
        ),
    ]
