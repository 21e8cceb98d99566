"""`manage.py backup` / `manage.py restore`: a round trip keeps every row, every file and every answer.

Data is built through the real services and API (synthetic throughout), backed up, the database
flushed (with content types and permissions rebuilt under new ids, as on another server) and
MEDIA_ROOT emptied, then restored and compared: rows, files byte for byte, and API answers.
"""
import hashlib
import io
import json
import shutil
from datetime import datetime

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from research.backup import backed_up_models
from research.models import (Evidence, Follow, JoinRequest, OutcomeRecord, OutcomeUpload, PlanSnapshot, Project,
                             Publication, PublicationChart, PublicationFile, PublicationTag)
from research.models.choices import Status
from research.services.follows import follow_create
from research.services.members import join_request_create

from ..api.findings_support import (POSITIVE, chart_url, file_url, finding_url, project_in_dissemination, publish,
                                    spread, upload_scores)
from ..api.test_outcomes_support import csv_bytes, long_rows, post_file, project_urns, pupils
from ..world import build_world

KEY = "test-only-pseudonym-key-for-backups-5b1e9c"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
NOTES = "Synthetic lesson notes: pupils explained their reasoning aloud.\n".encode() * 20
BASELINE = {"intervention": spread(50, 20), "comparison": spread(50, 20)}


@pytest.fixture(autouse=True)
def pseudonym_key(settings):
    settings.PSEUDONYM_KEY = KEY


def client(user=None):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


api = client  # the findings helpers' name for "a client signed in as user"


def add_evidence(user, project, stage, title, name, content, visibility):
    response = client(user).post(f"/api/v1/projects/{project.pk}/evidence/", {
        "stage": stage, "kind": "pupil_work", "title": title, "visibility": visibility,
        "file": SimpleUploadedFile(name, content)}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def rows(model) -> list[dict]:
    return [{k: plain(v) for k, v in row.items()} for row in model._base_manager.order_by("pk").values()]


def media_files(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()} \
        if root.exists() else {}


def wipe(media_root, *, rebuild_permissions=True):
    """An empty, migrated database and empty media storage, as on a new server."""
    call_command("flush", interactive=False, verbosity=0)
    if rebuild_permissions:
        # Another server numbers its content types and permissions differently.
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
        emit_post_migrate_signal(0, False, "default")
    shutil.rmtree(media_root, ignore_errors=True)
    media_root.mkdir(parents=True)
    cache.clear()


def research_rows() -> int:
    return sum(m._base_manager.count() for m in backed_up_models())


def build_everything(media_root):
    """Projects in every status, evidence files, uploads with rows, a publication with a copied file and
    a drawn chart, plan snapshots and revisions, follows, a join request, a token and permissions."""
    world = build_world()
    member, lead, alliance_lead = world.user("member"), world.user("project_lead"), world.user("alliance_lead")
    teacher, staff = world.user("teacher"), world.user("staff")
    project = project_in_dissemination(api, world, title="Verbal feedback in maths")
    upload_scores(api, world, project, world.measure, BASELINE, stage="theory")
    upload_scores(api, world, project, world.measure, POSITIVE)
    add_evidence(member, project, "dissemination", "Public notes", "notes.txt", NOTES, "public")
    add_evidence(member, project, "theory", "Group sample", "sample.pdf", PDF, "group")
    publication = publish(api, world, project)
    assert client().get(chart_url(publication.slug, "effects", "svg")).status_code == 200  # drawn and kept
    theory = world.projects[Status.THEORY]
    urns = project_urns(theory)
    for mode, ids in (("append", pupils(12)), ("replace", pupils(14, start=100))):
        response = post_file(client(member), theory, csv_bytes(long_rows(ids, urns)), measure=world.measure,
                             mode=mode)
        assert response.status_code == 201, response.content
    add_evidence(lead, theory, "theory", "Reading list", "reading.txt", b"Synthetic reading list.\n", "alliance")
    follow_create(actor=teacher, kind="project", target_id=project.pk)
    follow_create(actor=teacher, kind="alliance", target_id=world.alliance.pk)
    join_request_create(actor=teacher, project=theory, message="May I join?")
    Token.objects.create(user=member)
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.add(Permission.objects.get(codename="view_project"))
    staff.groups.add(auditors)
    staff.user_permissions.add(Permission.objects.get(codename="view_outcomerecord"))
    # the data really is all there before the backup
    assert PublicationFile.objects.count() == 1 and PublicationChart.objects.count() == 1
    assert OutcomeUpload.objects.filter(status="replaced").exists()
    assert PlanSnapshot.objects.filter(project=project).count() == 2
    assert Evidence.objects.exclude(file="").count() == 3
    return world, project, publication, theory


def observe(world, project, publication, theory, media_root) -> dict:
    """Everything the round trip must keep: rows, files and API answers."""
    member, staff = world.user("member"), world.user("staff")
    token = Token.objects.get(user=member).key
    evidence = Evidence.objects.filter(stage__project=theory).exclude(file="").get()
    file_id = publication.content["evidence"][0]["file"]["id"]
    cache.clear()  # answers must come from the database, not from results cached before the restore
    answers = {
        "finding": client().get(finding_url(publication.slug)).json(),
        "findings": client().get("/api/v1/findings/").json(),
        "finding file": b"".join(client().get(file_url(publication.slug, file_id)).streaming_content),
        "finding chart": client().get(chart_url(publication.slug, "effects", "svg")).content,
        "results": client(member).get(f"/api/v1/projects/{project.pk}/results/").json(),
        "outcomes": client(member).get(f"/api/v1/projects/{theory.pk}/outcomes/").json(),
        "uploads": client(member).get(f"/api/v1/projects/{theory.pk}/outcome-uploads/").json(),
        "evidence": client(member).get(f"/api/v1/projects/{theory.pk}/evidence/").json(),
        "evidence file": b"".join(client(member).get(
            f"/api/v1/projects/{theory.pk}/evidence/{evidence.pk}/download/").streaming_content),
        "plan": client(member).get(f"/api/v1/projects/{project.pk}/plan-snapshots/").json(),
        "transitions": client().get(f"/api/v1/projects/{project.pk}/transitions/").json(),
        "projects": client(member).get("/api/v1/projects/").json(),
        "me by token": APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").json(),
    }
    return {
        "tables": table_counts(),
        "outcome rows": rows(OutcomeRecord), "uploads": rows(OutcomeUpload), "publications": rows(Publication),
        "charts": rows(PublicationChart), "publication files": rows(PublicationFile), "tags": rows(PublicationTag),
        "plans": rows(PlanSnapshot), "projects": rows(Project), "follows": rows(Follow),
        "join requests": rows(JoinRequest), "tokens": rows(Token), "evidence": rows(Evidence),
        "users": rows(get_user_model()),
        "staff permissions": sorted(get_user_model().objects.get(pk=staff.pk).get_all_permissions()),
        "files": media_files(media_root),
        "api": answers,
    }


def test_round_trip_keeps_rows_files_and_answers(transactional_db, media_root, tmp_path):
    # given a database holding every kind of data, built through the services and the API
    world, project, publication, theory = build_everything(media_root)
    before = observe(world, project, publication, theory, media_root)
    permission_ids = set(Permission.objects.values_list("pk", flat=True))
    assert before["outcome rows"] and before["files"] and before["api"]["results"]["measures"]
    # when it is backed up, the database flushed on a "new server", the media emptied, and it is restored
    backup_dir = tmp_path / "backup"
    run("backup", str(backup_dir))
    wipe(media_root)
    assert research_rows() == 0 and media_files(media_root) == {}
    assert not permission_ids & set(Permission.objects.values_list("pk", flat=True))  # renumbered
    report = run("restore", str(backup_dir))
    # then the restore reports success without any key warning (same PSEUDONYM_KEY)
    assert "match the manifest" in report and "PSEUDONYM_KEY" not in report
    after = observe(world, project, publication, theory, media_root)
    # and every table holds as many rows as before; the trail of pupil-row reads is kept too, and has
    # since recorded the read this second observation made
    reads = "research_pupilrowread"
    assert after["tables"].pop(reads) == before["tables"].pop(reads) + 1
    assert after["tables"] == before["tables"]
    # and the outcome rows (pupil keys, scores, flags), uploads and publications are identical
    for name in ("outcome rows", "uploads", "publications", "charts", "publication files", "tags", "plans",
                 "projects", "follows", "join requests", "tokens", "evidence", "users", "staff permissions"):
        assert after[name] == before[name], name
    # and every stored file is byte-identical under the same name
    assert after["files"] == before["files"]
    # and the API answers exactly as it did
    for name, answer in before["api"].items():
        assert after["api"][name] == answer, name


def test_restored_database_accepts_new_writes_and_links_pupils(transactional_db, media_root, tmp_path):
    # given a restored database (ids kept, so sequences must have moved past them)
    world, project, publication, theory = build_everything(media_root)
    highest_evidence = Evidence.objects.order_by("-pk").first().pk
    run("backup", str(tmp_path / "b"))
    wipe(media_root)
    run("restore", str(tmp_path / "b"))
    member = world.user("member")
    # when a member adds evidence
    added = add_evidence(member, theory, "theory", "After restore", "after.pdf", PDF, "group")
    # then new rows get fresh ids (no clash with restored ones)
    assert added["id"] > highest_evidence
    # and a new upload of pupils already stored for the stage is refused as a duplicate: the same
    # PSEUDONYM_KEY gives the same pupil keys, so new data links to the restored rows
    urns = project_urns(theory)
    response = post_file(client(member), theory, csv_bytes(long_rows(pupils(3, start=100), urns)),
                         measure=world.measure, mode="append")
    assert response.status_code == 400, response.content
    assert len(response.json()["row_errors"]) == 3
    assert "already has a score" in response.json()["row_errors"][0]["message"]


def small_world(media_root):
    """Just enough for the refusal tests: one project with one evidence file and one upload."""
    world = build_world()
    theory = world.projects[Status.THEORY]
    add_evidence(world.user("member"), theory, "theory", "Notes", "notes.txt", NOTES, "group")
    response = post_file(client(world.user("member")), theory, csv_bytes(long_rows(pupils(8), project_urns(theory))),
                         measure=world.measure)
    assert response.status_code == 201, response.content
    return world, theory


def test_manifest_describes_the_backup_and_holds_no_secret(transactional_db, media_root, tmp_path):
    # given some data
    world, theory = small_world(media_root)
    # when it is backed up
    run("backup", str(tmp_path / "b"))
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    # then the manifest counts every model's rows as the database does
    assert manifest["counts"] == {m._meta.label_lower: m._base_manager.count() for m in backed_up_models()}
    assert manifest["counts"]["research.outcomerecord"] == 8
    assert manifest["counts"]["auth.user"] == get_user_model().objects.count() > 0
    # and lists every stored file with its sha256, and the copy in the backup has that hash
    stored = media_files(media_root)
    assert sorted(f["name"] for f in manifest["files"]) == sorted(stored)
    for entry in manifest["files"]:
        copy = (tmp_path / "b" / "media" / entry["name"]).read_bytes()
        assert hashlib.sha256(copy).hexdigest() == entry["sha256"] == hashlib.sha256(stored[entry["name"]]).hexdigest()
    # and records the migration state and when it was made
    latest = MigrationRecorder.Migration.objects.filter(app="research").order_by("-name").first().name
    assert latest in manifest["migrations"]["research"]
    assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    # and neither the pseudonymisation key nor the server secret is anywhere in the backup
    for path in (tmp_path / "b").rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert KEY.encode() not in content, path
            assert django_settings.SECRET_KEY.encode() not in content, path
    # and content types and sessions are not in it (migrate rebuilds them)
    assert not {"contenttypes.contenttype", "auth.permission", "sessions.session"} & set(manifest["counts"])


def test_restore_refuses_a_database_that_holds_data(transactional_db, media_root, tmp_path):
    # given a backup and a database that still holds data
    small_world(media_root)
    run("backup", str(tmp_path / "b"))
    tables = table_counts()
    # when it is restored into that database
    with pytest.raises(CommandError, match="empty, migrated database") as refusal:
        run("restore", str(tmp_path / "b"))
    # then it is refused, saying what is there, and nothing changes
    assert f"research.project: {Project.objects.count()}" in str(refusal.value)
    assert table_counts() == tables


def test_restore_refuses_a_damaged_backup_and_writes_nothing(transactional_db, media_root, tmp_path):
    # given a backup whose evidence file has been altered since it was made
    small_world(media_root)
    run("backup", str(tmp_path / "b"))
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    damaged = tmp_path / "b" / "media" / manifest["files"][0]["name"]
    damaged.write_bytes(damaged.read_bytes() + b"tampered")
    wipe(media_root, rebuild_permissions=False)
    # when it is restored
    with pytest.raises(CommandError, match="damaged") as refusal:
        run("restore", str(tmp_path / "b"))
    # then it names the file, and neither rows nor files were written
    assert manifest["files"][0]["name"] in str(refusal.value)
    assert research_rows() == 0 and media_files(media_root) == {}


def test_restore_refuses_a_backup_from_newer_code(transactional_db, media_root, tmp_path):
    # given a backup made with a migration this database has not applied
    small_world(media_root)
    run("backup", str(tmp_path / "b"))
    path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["migrations"]["research"].append("9999_from_the_future")
    path.write_text(json.dumps(manifest))
    wipe(media_root, rebuild_permissions=False)
    # when it is restored
    with pytest.raises(CommandError, match="research.9999_from_the_future"):
        run("restore", str(tmp_path / "b"))
    # then nothing was loaded
    assert research_rows() == 0


def test_backup_refuses_a_directory_that_is_not_empty(transactional_db, tmp_path):
    # given a directory that already holds something
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "old.txt").write_text("an older backup")
    # when a backup is written there
    with pytest.raises(CommandError, match="not an empty directory"):
        run("backup", str(tmp_path / "b"))
    # then the directory is left as it was
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["old.txt"]


def test_restore_under_another_pseudonym_key_keeps_rows_but_new_uploads_do_not_link(
        transactional_db, media_root, tmp_path, settings):
    # given a backup made under one PSEUDONYM_KEY
    world, theory = small_world(media_root)
    old_rows = rows(OutcomeRecord)
    run("backup", str(tmp_path / "b"))
    wipe(media_root, rebuild_permissions=False)
    # when it is restored on a server with a different key
    settings.PSEUDONYM_KEY = "another-servers-key-0000"
    report = run("restore", str(tmp_path / "b"))
    # then the restore warns that new uploads will not link to the restored rows
    assert "PSEUDONYM_KEY" in report and "will not link" in report
    # and the restored rows are unchanged
    assert rows(OutcomeRecord) == old_rows
    # and the same pupils uploaded again are taken as new pupils (keys differ): not linked, not refused
    response = post_file(client(world.user("member")), theory,
                         csv_bytes(long_rows(pupils(8), project_urns(theory))), measure=world.measure, mode="append")
    assert response.status_code == 201, response.content
    keys = OutcomeRecord.objects.values_list("pupil_key", flat=True)
    assert len(set(keys)) == 16
