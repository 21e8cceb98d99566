"""Shared by the issue-13 import tests (mapping, grouped errors, absence, aliases); holds no tests.

A theory-stage project whose three schools have names as a school's own export would not spell them,
and files of synthetic pupils (MAP0001...). Nothing here is real pupil data.
"""
import json
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from research.models import ImportAlias, Measure, OutcomeRecord, Project, School
from research.models.choices import MeasureKind

from ..factories import MeasureFactory, SchoolFactory, member_of
from ..world import person
from .test_outcomes_support import csv_bytes, uploads_url

ST_FAITHS = "St Faith's C of E Infant School"
OAKFIELD = "Oakfield Primary School"
RIVERSIDE = "Riverside Junior Academy"


@dataclass
class Setting:
    project: Project
    schools: dict[str, School]  # by name
    maths: Measure  # world.measure, "Maths test" (0-100)
    wellbeing: Measure  # "Pupil well-being scale" (12-60)

    @property
    def alliance_id(self) -> int:
        return self.project.alliance_id


@pytest.fixture
def setting(world) -> Setting:
    project = world.projects["theory"]
    lead_school = world.user("project_lead").memberships.get().school
    member_school = world.user("member").memberships.get().school
    School.objects.filter(pk=lead_school.pk).update(name=ST_FAITHS, urn="100001")
    School.objects.filter(pk=member_school.pk).update(name=OAKFIELD, urn="100002")
    riverside = SchoolFactory(name=RIVERSIDE, urn="100003")
    third = member_of(world.alliance, person("riverside_teacher"), riverside)
    project.memberships.create(user=third, school=riverside)
    wellbeing = MeasureFactory(alliance=world.alliance, name="Pupil well-being scale", kind=MeasureKind.WELL_BEING,
                               scale_min=12, scale_max=60)
    project.measures.add(wellbeing)
    schools = {s.name: s for s in School.objects.filter(pk__in=[lead_school.pk, member_school.pk, riverside.pk])}
    return Setting(project=project, schools=schools, maths=world.measure, wellbeing=wellbeing)


def ids(count: int, start: int = 1, prefix: str = "MAP") -> list[str]:
    return [f"{prefix}{start + i:04d}" for i in range(count)]


def school_export(spellings: list[str], per_school: int = 4, *, start: int = 1, score=lambda i: 40 + i % 50) -> bytes:
    """A long file whose School column spells each school its own way, `per_school` pupils each."""
    rows = [["UPN", "Group", "School", "Score"]]
    pupils = ids(len(spellings) * per_school, start)
    for i, pupil in enumerate(pupils):
        rows.append([pupil, "Intervention" if i % 2 == 0 else "Comparison", spellings[i // per_school], score(i)])
    return csv_bytes(rows)


def post(client, project, data: bytes, *, name="export.csv", stage="theory", measure=None, dry_run=None, **maps):
    """POST the upload form; `school_map=...` etc. go as JSON text (a dict) or as given (a str)."""
    form = {"file": SimpleUploadedFile(name, data), "stage": stage}
    if measure is not None:
        form["measure"] = measure.pk if hasattr(measure, "pk") else measure
    if dry_run is not None:
        form["dry_run"] = "true" if dry_run else "false"
    for field, value in maps.items():
        form[field] = value if isinstance(value, str) else json.dumps(value)
    return client.post(uploads_url(project), form, format="multipart")


def aliases(alliance_id: int) -> dict[tuple[str, str], object]:
    """(role, spelling) -> target of every stored alias of the alliance."""
    return {(a.role, a.value): a.target_id for a in ImportAlias.objects.filter(alliance_id=alliance_id)}


def stored_schools(project) -> dict[int, int]:
    """school id -> rows stored for the project."""
    found: dict[int, int] = {}
    for school_id in OutcomeRecord.objects.filter(stage__project=project).values_list("school_id", flat=True):
        found[school_id] = found.get(school_id, 0) + 1
    return found


def groups_of(body) -> list[tuple]:
    """(column, problem, count, rows) of each error group, in the order given."""
    return [(g["column"], g["problem"], g["count"], g["rows"]) for g in body["error_groups"]]
