"""Imports side by side (issue 13): ours against django-import-export, and an .xlsx against the same rows as CSV.

(a) The same 100,000-row file (tests/bench/imports.make_file) end to end into the same table: ours through
outcomes_import (parse, validate, pseudonymise, store), django-import-export through a plain ModelResource for
OutcomeRecord in bulk mode (use_bulk, batches of 1,000; skip_diff and force_init_instance, its documented
settings for speed). The resource maps the file's headings to the model's fields with the library's own
widgets (the school by URN through ForeignKeyWidget) and sets the project, stage, measure and upload; it
stores the UPN as it is (no pseudonym) and checks nothing beyond what the widgets parse, so it does less
than ours.
(b) The same rows as .xlsx and as CSV through outcomes_import.

Run alone: `.venv/bin/python -m tests.bench.import_compare` (a throwaway SQLite database; DATABASE_URL for
PostgreSQL).
"""
from __future__ import annotations

import io
import statistics
import time

import pandas as pd

from .imports import ROWS, make_file

REPEATS = 3


def _resource_class():
    from import_export import fields, resources, widgets

    from research.models import OutcomeRecord, School

    class LowerCase(widgets.CharWidget):
        def clean(self, value, row=None, **kwargs):
            return str(value).strip().lower()

    class YesNo(widgets.BooleanWidget):
        TRUE_VALUES = ["Y", "y", "Yes", "yes", *widgets.BooleanWidget.TRUE_VALUES]
        FALSE_VALUES = ["N", "n", "No", "no", *widgets.BooleanWidget.FALSE_VALUES]

    class OutcomeRecordResource(resources.ModelResource):
        pupil_key = fields.Field(attribute="pupil_key", column_name="UPN")
        school = fields.Field(attribute="school", column_name="School", widget=widgets.ForeignKeyWidget(School, "urn"))
        group = fields.Field(attribute="group", column_name="Group", widget=LowerCase())
        score = fields.Field(attribute="score", column_name="Score", widget=widgets.FloatWidget())
        year_group = fields.Field(attribute="year_group", column_name="Year", widget=widgets.IntegerWidget())
        disadvantaged = fields.Field(attribute="disadvantaged", column_name="PP", widget=YesNo())

        class Meta:
            model = OutcomeRecord
            fields = ("pupil_key", "school", "group", "score", "year_group", "disadvantaged")
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            force_init_instance = True

        def __init__(self, *, upload, **kwargs):
            super().__init__(**kwargs)
            self.upload = upload

        def init_instance(self, row=None):
            upload = self.upload
            return OutcomeRecord(project_id=upload.project_id, stage_id=upload.stage_id,
                                 measure_id=upload.measure_id, upload_id=upload.pk)

    return OutcomeRecordResource


def _clear(project) -> None:
    from django.db import transaction

    from research.models import OutcomeRecord, OutcomeUpload

    with transaction.atomic():
        OutcomeRecord.objects.filter(project=project).delete()
        OutcomeUpload.objects.filter(project=project).delete()


def _ours(project, measure, lead, data: bytes, filename: str) -> float:
    from research.services.outcomes import outcomes_import

    _clear(project)
    started = time.perf_counter()
    result = outcomes_import(actor=lead, project=project, stage_kind="theory", data=data, filename=filename,
                             measure_id=measure.id, mode="replace")
    elapsed = time.perf_counter() - started
    assert result.ok and result.upload.record_count == ROWS, result.errors[:3]
    return elapsed


def _theirs(project, measure, lead, data: bytes) -> float:
    import tablib

    from research.models import OutcomeRecord, OutcomeUpload, Stage

    _clear(project)
    upload = OutcomeUpload.objects.create(project=project, stage=Stage.objects.get(project=project, kind="theory"),
                                          measure=measure, uploaded_by=lead, sha256="0" * 64, size=len(data), mode="append",
                                          row_count=ROWS, record_count=ROWS)
    started = time.perf_counter()
    dataset = tablib.Dataset().load(data.decode("utf-8"), format="csv")
    result = _resource_class()(upload=upload).import_data(dataset, dry_run=False, raise_errors=True,
                                                          use_transactions=True)
    elapsed = time.perf_counter() - started
    assert not result.has_errors() and OutcomeRecord.objects.filter(upload=upload).count() == ROWS
    return elapsed


def _xlsx(data: bytes) -> bytes:
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    for column in ("Year", "Score"):
        frame[column] = frame[column].astype(int)  # numbers as numbers, as a school's export holds them
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="Scores", engine="openpyxl")
    return buffer.getvalue()


def run(project, measure, lead) -> list[str]:
    from django.db import connection

    data = make_file(project)
    workbook = _xlsx(data)
    _ours(project, measure, lead, data, "bench.csv")  # warm-up (imports, caches)
    ours, theirs, csv_times, xlsx_times = [], [], [], []
    for _ in range(REPEATS):
        ours.append(_ours(project, measure, lead, data, "bench.csv"))
        theirs.append(_theirs(project, measure, lead, data))
        csv_times.append(_ours(project, measure, lead, data, "bench.csv"))
        xlsx_times.append(_ours(project, measure, lead, workbook, "bench.xlsx"))
    _clear(project)
    t_ours, t_theirs = statistics.median(ours), statistics.median(theirs)
    t_csv, t_xlsx = statistics.median(csv_times + ours), statistics.median(xlsx_times)
    return [
        f"import vs django-import-export rows/s ratio {t_theirs / t_ours:.2f} (target >= 2)",
        f"  ours {ROWS / t_ours:,.0f} rows/s (outcomes_import: parse, validate, pseudonymise, store); "
        f"django-import-export 4.4.3 {ROWS / t_theirs:,.0f} rows/s (ModelResource, use_bulk, batches of 1,000); "
        f"{connection.vendor}, the same {ROWS:,}-row CSV ({len(data) / 1_048_576:.1f} MB), median of {REPEATS}",
        f"xlsx vs csv import ratio {t_csv / t_xlsx:.2f} (target >= 0.5)",
        f"  .xlsx {ROWS / t_xlsx:,.0f} rows/s ({t_xlsx:.1f} s, {len(workbook) / 1_048_576:.1f} MB), CSV "
        f"{ROWS / t_csv:,.0f} rows/s ({t_csv:.1f} s); the same rows, median of {REPEATS}",
    ]


def main() -> None:
    from .setup import bench_project, start_django, stop_django

    connection, old_name = start_django()
    try:
        project, measure, lead = bench_project()
        for line in run(project, measure, lead):
            print(line, flush=True)
    finally:
        stop_django(connection, old_name)


if __name__ == "__main__":
    main()
