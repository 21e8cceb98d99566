"""Reading pupil rows: for project members only (research.access.can_see_raw_rows)."""
import django_filters
from django.db.models import QuerySet

from .. import access
from ..errors import NotFound
from ..models import OutcomeRecord, OutcomeUpload, Project
from ..models.choices import StageKind
from ..models.outcomes import OutcomeGroup
from .id_filter import WholeNumberFilter


class OutcomeFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(field_name="stage__kind", choices=StageKind.choices)
    measure = WholeNumberFilter(field_name="measure_id")
    group = django_filters.ChoiceFilter(choices=OutcomeGroup.choices)
    school = WholeNumberFilter(field_name="school_id")
    upload = WholeNumberFilter(field_name="upload_id")

    class Meta:
        model = OutcomeRecord
        fields = ["stage", "measure", "group", "school", "upload"]


def _require_member(user, project: Project) -> None:
    # 404, not 403: raw rows are treated as not there at all for anyone outside the group.
    if not access.can_see_raw_rows(user, project):
        raise NotFound("Pupil-level data is visible to members of the project group only.")


def outcome_records_for(*, user, project: Project) -> QuerySet[OutcomeRecord]:
    _require_member(user, project)
    return (
        OutcomeRecord.objects.filter(project=project)
        .select_related("stage", "measure", "school")
        .order_by("stage_id", "measure_id", "id")
    )


def outcome_uploads_for(*, user, project: Project) -> QuerySet[OutcomeUpload]:
    _require_member(user, project)
    return OutcomeUpload.objects.filter(project=project).select_related("stage", "measure", "uploaded_by",
                                                                        "deleted_by")
