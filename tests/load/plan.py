"""Who the load clients are and what each may touch, read from the database once, printed as JSON.

Run inside Django: `manage.py shell -c "from tests.load.plan import main; main()"`.
Each client signs in as one user and only uploads where that user is a member of a project that
takes data (theory, progress, dissemination), into the stage the project is at, so every upload
is expected to succeed (201).
"""
import json

MARKER = "LOAD_PLAN "
DEMO_USERS = [("project.lead", "demo"), ("teacher.a", "demo"), ("alliance.lead", "demo"), ("teacher.b", "demo"),
              ("other.teacher", "demo")]
SCALE_USERS = 4  # scale teachers who lead a project that takes data
PER_USER = 12  # projects to read, per user


def main() -> None:
    from django.contrib.auth import get_user_model

    from research import access
    from research.models import OutcomeRecord, Project, ProjectMember, Publication
    from research.models.choices import STAGE_ORDER, Status
    from research.services.stages import REACHED_STAGE_INDEX
    from research.statuses import UPLOADABLE_STATUSES

    User = get_user_model()
    with_data = set(OutcomeRecord.objects.values_list("stage__project_id", flat=True).distinct()[:2000])

    def upload_targets(user) -> list[dict]:
        targets = []
        rows = (ProjectMember.objects.filter(user=user, project__status__in=UPLOADABLE_STATUSES)
                .select_related("project").order_by("project_id"))
        for member in rows[:PER_USER]:
            project = member.project
            measure = project.measures.order_by("pk").first()
            if measure is not None:
                stage = STAGE_ORDER[REACHED_STAGE_INDEX[project.status]]
                targets.append({"project": project.pk, "stage": stage, "measure": measure.pk,
                                "scale_min": float(measure.scale_min), "scale_max": float(measure.scale_max)})
        return targets

    def readable(user) -> list[int]:
        visible = Project.objects.filter(access.projects_visible_q(user)).order_by("pk")
        ids = list(visible.filter(pk__in=with_data).values_list("pk", flat=True)[:PER_USER])
        return ids or list(visible.values_list("pk", flat=True)[:PER_USER])

    users = [(User.objects.get(username=name), password) for name, password in DEMO_USERS]
    scale_leads = (Project.objects.filter(status__in=UPLOADABLE_STATUSES, lead__username__contains=".t",
                                          pk__in=with_data).order_by("pk").values_list("lead_id", flat=True))
    for pk in list(dict.fromkeys(scale_leads))[:SCALE_USERS]:
        users.append((User.objects.get(pk=pk), "scale"))
    plan = {
        "clients": [{"username": u.username, "password": password, "uploads": upload_targets(u),
                     "projects": readable(u), "alliances": sorted(access.alliance_roles(u))}
                    for u, password in users],
        "anonymous_projects": list(Project.objects.filter(status=Status.PUBLISHED, pk__in=with_data)
                                   .order_by("pk").values_list("pk", flat=True)[:PER_USER]),
        "finding_slugs": list(Publication.objects.order_by("pk").values_list("slug", flat=True)[:PER_USER]),
        "project_count": Project.objects.count(),
    }
    print(MARKER + json.dumps(plan))
