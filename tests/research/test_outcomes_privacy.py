"""Children's data: names, dates of birth, contact details and UPNs never reach the database or the logs.

Every identifier below is invented (ZZ99 postcodes, Ofcom drama phone numbers, example.org).
"""
import io
import json
import logging

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from research.models import OutcomeRecord, OutcomeUpload

from ..api.test_outcomes_support import csv_bytes, expected_keys, keys_of, post_file, project_urns

pytestmark = pytest.mark.django_db

HEADER = ["UPN", "First name", "Surname", "Date of birth", "Postcode", "Email", "Phone", "Group", "School", "Score"]
PUPILS = [
    # upn, first name, surname, date of birth, postcode, email, phone
    ("K801200000101", "Zephyrine", "Quillborne", "14/03/2016", "ZZ99 3WX", "zq.family@example.org", "07700 900101"),
    ("K801200000102", "Barnabus", "Wrenfeather", "02/11/2015", "ZZ99 4YB", "wrenfeather@example.net",
     "07700 900102"),
    ("K801200000103", "Ottoline", "Marchbanks", "29/02/2016", "ZZ98 1AA", "o.marchbanks@example.com",
     "+44 7700 900103"),
    ("K801200000104", "Cassius", "Thistlewood", "30/06/2016", "ZZ97 2BD", "thistle.home@example.org",
     "020 7946 0104"),
]
IDENTIFYING_COLUMNS = ["First name", "Surname", "Date of birth", "Postcode", "Email", "Phone"]


def sensitive_values() -> list[str]:
    values = []
    for upn, *identifying in PUPILS:
        values += [upn, upn.lower(), *identifying]
    return values


def identifying_file(urns, scores=(55, 61, 48, 72), upn=lambda u: u) -> bytes:
    rows = [HEADER]
    for i, (pupil, score) in enumerate(zip(PUPILS, scores)):
        rows.append([upn(pupil[0]), *pupil[1:], "Intervention" if i % 2 == 0 else "Comparison", urns[i % len(urns)],
                     score])
    return csv_bytes(rows)


def database_text() -> tuple[list[str], list[str]]:
    """Every value of every text, char and JSON column of every table, and the columns read."""
    texts, columns = [], []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField, models.JSONField, models.FileField)):
                continue
            columns.append(f"{model._meta.db_table}.{field.column}")
            for value in model._default_manager.values_list(field.attname, flat=True):
                if value is None:
                    continue
                texts.append(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str))
    return texts, columns


@pytest.fixture
def all_logs(caplog):
    """caplog at DEBUG for the root logger and every named logger, including non-propagating ones."""
    caplog.set_level(logging.DEBUG)
    detached = []
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
        logger = logging.getLogger(name)
        if not logger.propagate:
            logger.addHandler(caplog.handler)
            detached.append(logger)
    yield caplog
    for logger in detached:
        logger.removeHandler(caplog.handler)


def test_identifiers_never_reach_the_database_or_the_logs(world, api, all_logs, capfd, tmp_path):
    # given a project at dissemination and files with UPNs, names, dates of birth, postcodes, emails, phones
    project = world.projects["dissemination"]
    urns = project_urns(project)
    client = api(world.user("member"))
    command_out, command_err = io.StringIO(), io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        # when they are imported at baseline and final stage, tried as a dry run and as a broken file,
        baseline = post_file(client, project, identifying_file(urns), measure=world.measure)
        final = post_file(client, project, identifying_file(urns, scores=(60, 66, 50, 80)), measure=world.measure,
                          stage="dissemination")
        dry = post_file(client, project, identifying_file(urns), measure=world.measure, stage="progress",
                        dry_run=True)
        broken = post_file(client, project, identifying_file(urns, scores=(55, "abc", 48, 999)),
                           measure=world.measure, stage="progress")
        # and imported from the command line into another project
        other_project = world.projects["progress"]
        path = tmp_path / "pupils.csv"
        path.write_bytes(identifying_file(project_urns(other_project)))
        call_command("import_outcomes", str(other_project.pk), str(path), stage="progress",
                     measure=world.measure.pk, user="project_lead", stdout=command_out, stderr=command_err)
    assert (baseline.status_code, final.status_code, dry.status_code, broken.status_code) == (201, 201, 200, 400)
    assert baseline.json()["columns_dropped"] == IDENTIFYING_COLUMNS
    assert OutcomeRecord.objects.count() == 12 and OutcomeUpload.objects.count() == 3

    # then no identifier is in any text column of any table,
    texts, columns = database_text()
    assert "research_outcomerecord.pupil_key" in columns and "research_outcomeupload.read_as" in columns
    assert any("First name" in text for text in texts)  # the scanner does see what is stored (headers)
    haystack = "\n".join(texts).lower()
    in_database = [value for value in sensitive_values() if value.lower() in haystack]
    assert in_database == []
    # nor in any SQL sent to the database,
    sql = "\n".join(q["sql"] for q in queries.captured_queries).lower()
    assert "research_outcomerecord" in sql
    assert [value for value in sensitive_values() if value.lower() in sql] == []
    # nor in the log records or the captured stdout/stderr,
    captured = capfd.readouterr()
    logs = "\n".join([all_logs.text, *(r.getMessage() for r in all_logs.records), captured.out, captured.err,
                      command_out.getvalue(), command_err.getvalue()]).lower()
    assert "outcome upload" in logs and "dropped identifying columns" in logs  # the logs were captured,
    assert any(key in logs for key in keys_of(project=project))  # SQL with its parameters included
    assert [value for value in sensitive_values() if value.lower() in logs] == []
    # and the refused file's answer does not echo the dropped columns' values
    answer = broken.content.decode().lower()
    assert [v for v in sensitive_values() if v.lower() in answer and not v.lower().startswith("k8012")] == []


def test_same_pupil_same_key_across_stages_in_one_alliance(world, api):
    # given a project at dissemination
    project = world.projects["dissemination"]
    urns = project_urns(project)
    client = api(world.user("member"))
    # when the same pupils are uploaded at baseline and, with ids typed differently, at the final stage
    assert post_file(client, project, identifying_file(urns), measure=world.measure).status_code == 201
    retyped = post_file(client, project, identifying_file(urns, upn=lambda u: f" {u[:5].lower()} {u[5:]} "),
                        measure=world.measure, stage="dissemination")
    assert retyped.status_code == 201, retyped.json()
    # then each pupil has one key at both stages: the alliance's HMAC of the id
    baseline, final = keys_of(stage__kind="theory"), keys_of(stage__kind="dissemination")
    assert baseline == final == expected_keys(project, [p[0] for p in PUPILS])
    assert len(baseline) == 4


def test_same_pupil_same_key_in_two_projects_of_one_alliance(world, api):
    # given the same pupils uploaded to two projects of alliance A
    first, second = world.projects["theory"], world.projects["progress"]
    for project in (first, second):
        response = post_file(api(world.user("member")), project, identifying_file(project_urns(project)),
                             measure=world.measure)
        assert response.status_code == 201
    # then the keys agree across projects
    assert keys_of(project=first) == keys_of(project=second)


def test_another_alliance_gets_different_keys(world, api):
    # given the same pupils uploaded to a project in alliance A and one in alliance B
    ours, theirs = world.projects["theory"], world.other_projects["theory"]
    assert post_file(api(world.user("member")), ours, identifying_file(project_urns(ours)),
                     measure=world.measure).status_code == 201
    response = post_file(api(world.user("other")), theirs, identifying_file(project_urns(theirs)),
                         measure=theirs.measures.get())
    assert response.status_code == 201, response.json()
    # then no key is shared: B cannot link its pupils to A's
    ours_keys, their_keys = keys_of(project=ours), keys_of(project=theirs)
    assert len(ours_keys) == len(their_keys) == 4
    assert ours_keys.isdisjoint(their_keys)
    assert their_keys == expected_keys(theirs, [p[0] for p in PUPILS])
