"""Ids of the demo data and a token per demo login, printed as one JSON line for the schemathesis runner.

Run inside Django: `manage.py shell -c "from tests.schema.demo_ids import main; main()"`.
The runner binds these ids to path parameters, so most generated requests reach real objects
instead of 404ing on random integers.
"""
import json

MARKER = "DEMO_IDS "


def main() -> None:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from research.models import (Alliance, Evidence, Follow, JoinRequest, Measure, OutcomeUpload, Project,
                                 Publication, PublicationFile, School, Stage, Theme)
    from research.models import Invitation, Notification
    from research.selectors.charts import ALLIANCE_CHARTS, PROJECT_CHARTS

    def ids(model):
        return sorted(model.objects.values_list("pk", flat=True))

    users = get_user_model().objects.order_by("pk")
    data = {
        "project": ids(Project), "alliance": ids(Alliance), "school": ids(School), "theme": ids(Theme),
        "measure": ids(Measure), "evidence": ids(Evidence), "upload": ids(OutcomeUpload),
        "user": [u.pk for u in users], "join_request": ids(JoinRequest), "follow": ids(Follow),
        "publication_file": ids(PublicationFile), "notification": ids(Notification), "invitation": ids(Invitation),
        "slug": sorted(Publication.objects.values_list("slug", flat=True)),
        "stage_kind": sorted(set(Stage.objects.values_list("kind", flat=True))),
        "project_chart": list(PROJECT_CHARTS), "alliance_chart": list(ALLIANCE_CHARTS),
        "tokens": {u.username: Token.objects.get_or_create(user=u)[0].key for u in users},
    }
    print(MARKER + json.dumps(data))
