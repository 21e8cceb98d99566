"""A project's "qualitative enquiry" choice, and the audit of evidence edits and deletions (issue 14)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('research', '0013_notifications_invitations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='project',
            name='qualitative_enquiry',
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name='EvidenceChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('evidence_id', models.PositiveBigIntegerField()),
                ('title', models.CharField(max_length=200)),
                ('action', models.CharField(choices=[('edited', 'Edited'), ('deleted', 'Deleted')], max_length=10)),
                ('changes', models.JSONField(blank=True, default=dict)),
                ('actor_name', models.CharField(max_length=150)),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+',
                                            to=settings.AUTH_USER_MODEL)),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name='evidence_changes', to='research.project')),
            ],
            options={
                'ordering': ['at', 'id'],
            },
        ),
    ]
