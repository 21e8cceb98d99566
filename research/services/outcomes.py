"""Importing pupil-outcome files for a stage: all or nothing, pseudonymised, audited.

Parsing (research.imports) runs outside the transaction; the write then locks the stage row so
two imports for the same stage run one after the other and never mix their rows.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import access
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..files import human_size
from ..imports.errors import group_row_errors
from ..imports.pipeline import parse_outcome_file
from ..imports.specs import MeasureSpec, ParsedOutcomes, RowError, SchoolSpec
from ..models import OutcomeRecord, OutcomeUpload, Project, ProjectMember, Stage
from ..models.outcomes import UploadMode, UploadStatus
from ..selectors.import_aliases import absence_codes_for
from .common import model_update
from .import_aliases import import_aliases_store, import_maps_check, import_value_maps
from .record_insert import insert_rows, record_rows
from .stages import stage_is_reached

logger = logging.getLogger(__name__)  # counts and ids only: never a cell value

MAX_ERRORS = 100
KEY_CHUNK = 10_000


@dataclass
class ImportResult:
    parsed: ParsedOutcomes
    dry_run: bool
    upload: OutcomeUpload | None = None
    errors: list[RowError] = field(default_factory=list)
    error_total: int = 0
    would_replace: int = 0
    error_groups: list = field(default_factory=list)  # research.imports.errors.ErrorGroup, every error counted

    @property
    def ok(self) -> bool:
        return not self.errors


def pseudonym_secret() -> bytes:
    return settings.PSEUDONYM_KEY.encode()


def alliance_key(project: Project) -> str:
    # The id, not the slug: renaming an alliance must not break the link between uploads.
    return f"alliance:{project.alliance_id}"


def check_may_see_outcomes(actor, project: Project) -> None:
    access.require_raw_rows(actor, project, "Pupil data can only be uploaded and seen by members of the project group.")


def _check_may_upload(actor, project: Project, stage_kind: str) -> None:
    check_may_see_outcomes(actor, project)
    if not access.accepts_outcome_data(project):
        locked = access.outcome_data_locked(project)
        reason = "published" if locked else project.get_status_display().lower()
        raise Conflict(
            f"Pupil data cannot be added to a project that is {reason}."
            + (" Ask the alliance lead to unpublish it first." if locked else ""),
            code="project_closed_for_data",
        )
    if not stage_is_reached(project, stage_kind):
        raise Conflict(
            f"The project has not reached the {Stage(kind=stage_kind).get_kind_display().lower()} yet: "
            "upload data for a stage the project has reached.",
            code="stage_not_reached",
        )


def check_outcome_file_size(size: int) -> None:
    limit = settings.OUTCOME_MAX_BYTES
    if size > limit:
        raise InvalidInput(
            f"The file is {human_size(size)}; the limit is {human_size(limit)}. "
            "Split it by year group or school and upload the parts with mode 'append'.",
            code="file_too_large", fields={"file": ["File too large."]},
        )


def _measures(project: Project, measure_id: int | None) -> list[MeasureSpec]:
    measures = [MeasureSpec(m.id, m.name, m.scale_min, m.scale_max) for m in project.measures.all()]
    if not measures:
        raise Conflict("Choose at least one measure for the project before uploading data.", code="no_measures")
    if measure_id is not None and measure_id not in {m.id for m in measures}:
        raise InvalidInput(
            "That measure is not one of this project's measures.",
            fields={"measure": [f"Choose one of: {', '.join(m.name for m in measures)}."]},
        )
    return measures


def _schools(project: Project) -> list[SchoolSpec]:
    members = ProjectMember.objects.filter(project=project).select_related("school")
    return list({m.school_id: SchoolSpec(m.school_id, m.school.name, m.school.urn) for m in members}.values())


def _existing_conflicts(stage: Stage, parsed: ParsedOutcomes) -> list[RowError]:
    """Rows whose pupil already has a score for this stage and measure (append must not duplicate)."""
    records = parsed.records
    measure_ids = records["measure_id"].unique().tolist()
    keys = records["pupil_key"].unique().tolist()
    existing = set()
    # In chunks: SQLite builds may cap the number of query parameters at 32,766.
    for start in range(0, len(keys), KEY_CHUNK):
        existing.update(OutcomeRecord.objects.filter(
            stage=stage, measure_id__in=measure_ids, pupil_key__in=keys[start:start + KEY_CHUNK],
        ).values_list("measure_id", "pupil_key"))
    if not existing:
        return []
    pupil_column = parsed.read_as.get("columns_used", {}).get("pupil_id")
    clash = [(m, k) in existing for m, k in zip(records["measure_id"], records["pupil_key"])]
    return [
        RowError(row=int(row), column=pupil_column, value=None, message=ALREADY_STORED, problem="already_stored")
        for row in records.loc[clash, "source_row"]
    ]


ALREADY_STORED = ("This pupil already has a score for this stage and measure from an earlier upload. "
                  "Upload with mode 'replace' to replace the stage's data, or remove the row.")


def _replace_existing(stage: Stage, measure_ids: list[int]) -> int:
    """Remove the stage's rows for these measures, keeping each earlier upload's audit row honest."""
    existing = OutcomeRecord.objects.filter(stage=stage, measure_id__in=measure_ids)
    replaced = existing.count()
    touched = list(existing.values_list("upload_id", flat=True).distinct())
    existing.delete()
    for upload in OutcomeUpload.objects.filter(pk__in=touched):
        left = upload.records.count()
        model_update(instance=upload, fields=("record_count", "status"),
                     data={"record_count": left, **({"status": UploadStatus.REPLACED} if left == 0 else {})})
    return replaced


def check_outcome_import(*, actor, project: Project, stage_kind: str, size: int, measure_id: int | None = None,
                         mode: str = UploadMode.APPEND) -> list[MeasureSpec]:
    """Everything outcomes_import checks before it reads the file (who, the project's status, the stage,
    the mode, the size, the measure); an import job runs it when the upload arrives, and again when it runs."""
    _check_may_upload(actor, project, stage_kind)
    if mode not in UploadMode.values:
        raise InvalidInput("Mode must be 'append' or 'replace'.", fields={"mode": ["Choose append or replace."]})
    check_outcome_file_size(size)
    return _measures(project, measure_id)


def outcomes_import(*, actor, project: Project, stage_kind: str, data: bytes, filename: str = "",
                    measure_id: int | None = None, mode: str = UploadMode.APPEND, dry_run: bool = False,
                    progress: Callable[[int, int], None] | None = None,
                    on_parsed: Callable[[ParsedOutcomes], None] | None = None,
                    maps: Mapping[str, Mapping[str, Any] | None] | None = None) -> ImportResult:
    """Validate a file and, unless it is a dry run or any row fails, store its rows.

    `on_parsed` is called once the file is read and checked, before anything is written; `progress`
    (rows stored, rows to store) as the rows go in, inside the import's transaction. `maps` ({"school":
    {file value: school id}, "measure": {...: measure id}, "group": {...: "intervention"}}) place values
    the file spells its own way, over the alliance's stored aliases; a stored upload keeps them as aliases."""
    measures = check_outcome_import(actor=actor, project=project, stage_kind=stage_kind, size=len(data),
                                    measure_id=measure_id, mode=mode)
    member = ProjectMember.objects.get(project=project, user=actor)
    schools = _schools(project)
    explicit = import_maps_check(maps=maps or {}, measures=measures, schools=schools)
    parsed = parse_outcome_file(
        data=data, filename=filename, measures=measures, default_measure_id=measure_id,
        schools=schools, default_school_id=member.school_id, secret=pseudonym_secret(),
        alliance_key=alliance_key(project), max_rows=settings.OUTCOME_MAX_ROWS, max_errors=MAX_ERRORS,
        maps=import_value_maps(alliance_id=project.alliance_id, explicit=explicit),
        absence_codes=absence_codes_for(alliance_id=project.alliance_id),
    )
    if on_parsed is not None:
        on_parsed(parsed)
    result = ImportResult(parsed=parsed, dry_run=dry_run, errors=list(parsed.errors), error_total=parsed.error_total,
                          error_groups=list(parsed.error_groups))
    if not parsed.ok:
        return result
    with transaction.atomic():
        # The lock serialises imports into one stage: concurrent replaces cannot interleave.
        stage = Stage.objects.select_for_update().get(project=project, kind=stage_kind)
        measure_ids = sorted(parsed.records["measure_id"].unique().tolist())
        if mode == UploadMode.APPEND:
            conflicts = _existing_conflicts(stage, parsed)
            if conflicts:
                result.errors, result.error_total = conflicts[:MAX_ERRORS], len(conflicts)
                result.error_groups = group_row_errors(conflicts, "already_stored", ALREADY_STORED)
                return result
        else:
            result.would_replace = OutcomeRecord.objects.filter(stage=stage, measure_id__in=measure_ids).count()
        if dry_run:
            return result
        replaced = _replace_existing(stage, measure_ids) if mode == UploadMode.REPLACE else 0
        upload = OutcomeUpload.objects.create(
            project=project, stage=stage, measure_id=measure_ids[0] if len(measure_ids) == 1 else None,
            uploaded_by=actor, sha256=hashlib.sha256(data).hexdigest(), size=len(data), mode=mode,
            row_count=parsed.row_count, record_count=len(parsed.records), replaced_count=replaced,
            columns_read=parsed.columns_read, columns_dropped=parsed.columns_dropped, read_as=parsed.read_as,
        )
        insert_rows(record_rows(parsed.records, project_id=project.pk, stage_id=stage.pk, upload_id=upload.pk),
                    progress)
        import_aliases_store(actor=actor, alliance_id=project.alliance_id, explicit=explicit)
        Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())
        logger.info("outcome upload %s: %d records into project %s stage %s", upload.pk, upload.record_count,
                    project.pk, stage_kind)
        result.upload = upload
        return result


@transaction.atomic
def outcome_upload_delete(*, actor, project: Project, upload_id: int) -> OutcomeUpload:
    """Remove one upload's rows; the upload stays as an audit record marked deleted."""
    access.require_raw_rows(actor, project, "No such upload.")
    try:
        upload = OutcomeUpload.objects.select_for_update().get(pk=upload_id, project=project)
    except OutcomeUpload.DoesNotExist:
        raise NotFound("No such upload.") from None
    if not access.can_delete_outcome_upload(actor, upload, project):
        raise Forbidden("Only the person who uploaded this file or the project lead can delete it.")
    if access.outcome_data_locked(project):
        raise Conflict("The pupil data of a published finding is locked. Ask the alliance lead to unpublish "
                       "it, with a reason, before removing an upload.", code="published_data_locked")
    if upload.status == UploadStatus.DELETED:
        raise Conflict("This upload has already been deleted.", code="already_deleted")
    upload.records.all().delete()
    upload, _ = model_update(instance=upload, fields=("status", "record_count", "deleted_by", "deleted_at"), data={
        "status": UploadStatus.DELETED, "record_count": 0, "deleted_by": actor, "deleted_at": timezone.now(),
    })
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())
    return upload
