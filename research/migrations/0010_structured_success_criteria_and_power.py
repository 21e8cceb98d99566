"""Success criteria become structured (a JSON list); the old free text is kept as success_notes.

RenameField keeps every project's and every frozen plan's text where it was (same column, new
name); the new `success_criteria` starts empty. Planned-power fields on Project (defaults 0.15
and 0.7) and on PlanSnapshot (null: earlier revisions planned no power).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("research", "0009_pupil_row_reads"),
    ]

    operations = [
        migrations.RenameField(model_name="project", old_name="success_criteria", new_name="success_notes"),
        migrations.RenameField(model_name="plansnapshot", old_name="success_criteria", new_name="success_notes"),
        migrations.AddField(
            model_name="project", name="success_criteria", field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="project", name="planned_pupils_per_group",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="project", name="planned_schools", field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(model_name="project", name="assumed_icc", field=models.FloatField(default=0.15)),
        migrations.AddField(model_name="project", name="pre_post_correlation", field=models.FloatField(default=0.7)),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(assumed_icc__gte=0, assumed_icc__lt=1), name="project_icc_range"),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(pre_post_correlation__gte=0, pre_post_correlation__lt=1),
                name="project_pre_post_correlation_range"),
        ),
        migrations.AddField(
            model_name="plansnapshot", name="success_criteria", field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name="plansnapshot", name="planned_pupils_per_group",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="plansnapshot", name="planned_schools",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="plansnapshot", name="assumed_icc", field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="plansnapshot", name="pre_post_correlation", field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(model_name="plansnapshot", name="power", field=models.JSONField(blank=True, null=True)),
    ]
