"""Reading pupil rows: for project members only (research.access.require_raw_rows), every read recorded."""
from collections.abc import Iterator
from dataclasses import dataclass

import django_filters
from django.db.models import QuerySet

from .. import access
from ..errors import NotFound
from ..models import OutcomeRecord, OutcomeUpload, Project
from ..models.choices import StageKind
from ..models.outcomes import OutcomeGroup
from ..services.audit import pupil_row_read_record
from .filtering import Filters, filtered
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


@dataclass(frozen=True)
class PupilRowReader:
    """Who is reading which project's rows, and how: what each recorded read says."""

    user: object
    project: Project
    endpoint: str
    format: str

    def record(self, row_count: int) -> None:
        pupil_row_read_record(user=self.user, project=self.project, endpoint=self.endpoint, format=self.format,
                              row_count=row_count)

    def counting(self, rows):
        count = 0
        for row in rows:
            count += 1
            yield row
        self.record(count)


class AuditedRowsQuerySet(QuerySet):
    """Pupil rows that record their own reading (research.services.audit) whenever rows are fetched.

    The trail is complete by construction, whatever the caller does with the queryset (filter it,
    paginate it, take values_list for a CSV): filtering and counting fetch no rows and record
    nothing; each evaluation records the rows it fetched (a page records that page) before the
    caller sees them; iterator() records once the last row has been read.
    """

    reader: PupilRowReader | None = None

    def _clone(self):
        clone = super()._clone()
        clone.reader = self.reader
        return clone

    def _fetch_all(self):
        fetching = self._result_cache is None
        super()._fetch_all()
        if fetching and self.reader is not None:
            self.reader.record(len(self._result_cache))

    def iterator(self, chunk_size=None):
        rows = super().iterator(chunk_size=chunk_size)
        return rows if self.reader is None else self.reader.counting(rows)


def outcome_records_for(*, user, project: Project, read_as: str = "json",
                        filters: Filters | None = None) -> QuerySet[OutcomeRecord]:
    """The project's pupil rows, for the project group only, narrowed by OutcomeFilter (the raw query
    parameters in `filters`); every fetch is recorded as a read by `user` in format `read_as` (json,
    csv, api) through the outcomes endpoint."""
    access.require_raw_rows(user, project)
    rows = (
        AuditedRowsQuerySet(model=OutcomeRecord).filter(project=project)
        .select_related("stage", "measure", "school")
        .order_by("stage_id", "measure_id", "id")
    )
    rows.reader = PupilRowReader(user=user, project=project, endpoint="outcomes", format=read_as)
    return filtered(OutcomeFilter, filters, rows)


CSV_COLUMNS = ("stage__kind", "measure__name", "pupil_key", "school__urn", "group", "score", "year_group",
               "disadvantaged", "send", "eal", "upload_id")


def outcome_csv_rows(*, records: QuerySet[OutcomeRecord]) -> Iterator[tuple]:
    """The rows of outcome_records_for as CSV_COLUMNS tuples, streamed (the read is recorded once the
    last row has been read)."""
    return records.values_list(*CSV_COLUMNS).iterator()


def outcome_uploads_for(*, user, project: Project) -> QuerySet[OutcomeUpload]:
    access.require_raw_rows(user, project)
    return OutcomeUpload.objects.filter(project=project).select_related("stage", "measure", "uploaded_by",
                                                                        "deleted_by")


def outcome_upload_get(*, user, project: Project, upload_id: int) -> OutcomeUpload:
    try:
        return outcome_uploads_for(user=user, project=project).get(pk=upload_id)
    except OutcomeUpload.DoesNotExist:
        raise NotFound("No such upload.") from None
