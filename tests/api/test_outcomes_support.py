"""Helpers shared by the outcome-import tests (this module holds no tests).

Every file here is synthetic: ids look like DEMO0001, names are invented.
"""
import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from research.models import Measure, OutcomeRecord, OutcomeUpload, School
from research.models.choices import MeasureKind

from ..factories import MeasureFactory

HEX64 = r"^[0-9a-f]{64}$"


def csv_bytes(rows: list[list], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """A CSV file (first row = header) as the bytes a browser would send."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], title: str = "Results") -> bytes:
    """An .xlsx workbook with `rows` on its first sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pupils(count: int, *, start: int = 0, prefix: str = "DEMO") -> list[str]:
    return [f"{prefix}{start + i:06d}" for i in range(count)]


def long_rows(ids: list[str], urns: list[str], *, score=lambda i: 40 + i % 50) -> list[list]:
    """Long format: one row per pupil, alternating groups and schools."""
    header = ["UPN", "Group", "School", "Pupil Premium", "Score"]
    body = [[pid, "Intervention" if i % 2 == 0 else "Comparison", urns[i % len(urns)], "Y" if i % 3 == 0 else "N",
             score(i)] for i, pid in enumerate(ids)]
    return [header, *body]


def project_urns(project) -> list[str]:
    """URNs of the project's schools (the members' schools), in a stable order."""
    return list(School.objects.filter(project_memberships__project=project).order_by("urn")
                .values_list("urn", flat=True).distinct())


def second_measure(world, project, name: str = "Reading age", scale_max: float = 50) -> Measure:
    """Another alliance measure, chosen by `project` as well as world.measure."""
    measure = MeasureFactory(alliance=world.alliance, name=name, kind=MeasureKind.ATTAINMENT, scale_min=0,
                             scale_max=scale_max)
    project.measures.add(measure)
    return measure


def uploads_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/outcome-uploads/"


def upload_url(project, upload_id) -> str:
    return f"/api/v1/projects/{project.pk}/outcome-uploads/{upload_id}/"


def outcomes_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/outcomes/"


def post_file(client, project, data: bytes, *, name: str = "results.csv", stage: str = "theory", measure=None,
              mode: str | None = None, dry_run: bool | None = None):
    """POST a multipart upload the way the web page does."""
    form = {"file": SimpleUploadedFile(name, data), "stage": stage}
    if measure is not None:
        form["measure"] = measure.pk if hasattr(measure, "pk") else measure
    if mode is not None:
        form["mode"] = mode
    if dry_run is not None:
        form["dry_run"] = "true" if dry_run else "false"
    return client.post(uploads_url(project), form, format="multipart")


def counts() -> tuple[int, int]:
    """(uploads, records) in the whole database."""
    return OutcomeUpload.objects.count(), OutcomeRecord.objects.count()


def keys_of(**filters) -> set[str]:
    return set(OutcomeRecord.objects.filter(**filters).values_list("pupil_key", flat=True))


def expected_keys(project, ids: list[str]) -> set[str]:
    """The pupil keys DESIGN section 4 promises for these ids in this project's alliance."""
    from research.imports.pseudonym import pupil_key
    from research.services.outcomes import alliance_key, pseudonym_secret

    return {pupil_key(pseudonym_secret(), alliance_key(project), pid) for pid in ids}
