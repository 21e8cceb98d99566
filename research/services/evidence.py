"""Evidence attached to a stage: a file (checked by content), a link or a text."""
import os

from django.conf import settings
from django.db import transaction

from .. import access
from ..errors import Conflict, Forbidden, InvalidInput
from ..files import ALLOWED_EVIDENCE_TYPES, describe_unknown, human_size, sniff
from ..models import Evidence, EvidenceChange, Project, Stage
from .common import model_update
from .read_only import writing_check_open
from .stages import stage_is_reached

ALLOWED_LABELS = ", ".join(sorted({ext for t in ALLOWED_EVIDENCE_TYPES for ext in t.extensions}))


def _check_file(upload) -> str:
    """The real content type of an upload, or a clear error."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise InvalidInput(
            f"The file is {human_size(upload.size)}; the limit is {human_size(limit)}. "
            "Compress it or share a link instead.",
            code="file_too_large", fields={"file": ["File too large."]},
        )
    if upload.size == 0:
        raise InvalidInput("The file is empty.", code="empty_file", fields={"file": ["The file is empty."]})
    file_type = sniff(upload)
    extension = os.path.splitext(upload.name or "")[1].lower()
    if file_type is None:
        raise InvalidInput(
            f"This file looks like {describe_unknown(upload)}. Accepted files: {ALLOWED_LABELS}.",
            code="file_type_not_allowed", fields={"file": ["File type not accepted."]},
        )
    if extension not in file_type.extensions:
        raise InvalidInput(
            f"The file is named '{extension or 'without extension'}' but its contents are a {file_type.label}. "
            f"Rename it to {file_type.extensions[0]} or upload the right file.",
            code="file_type_mismatch", fields={"file": ["The name does not match the contents."]},
        )
    return file_type.content_type


@transaction.atomic
def evidence_create(*, actor, project: Project, stage_kind: str, kind: str, title: str, visibility: str,
                    file=None, link: str = "", text: str = "") -> Evidence:
    if not access.can_add_evidence(actor, project):
        raise Forbidden("Only members of the project group can add evidence.")
    writing_check_open(project)
    given = [name for name, value in (("file", file), ("link", link), ("text", text)) if value]
    if len(given) != 1:
        # Shown beside what the user filled in (or the file, if they filled in nothing).
        raise InvalidInput(
            "Give exactly one of a file, a link or a text.", code="evidence_content",
            fields={name: ["Give exactly one of a file, a link or a text."] for name in (given or ["file"])},
        )
    if not stage_is_reached(project, stage_kind):
        raise Conflict(f"The project has not reached the {stage_kind} stage yet: attach evidence to a stage it has "
                       "reached.", code="stage_not_reached")
    stage = Stage.objects.get(project=project, kind=stage_kind)
    evidence = Evidence(stage=stage, kind=kind, title=title, visibility=visibility, link=link, text=text,
                        uploader=actor)
    if file is not None:
        evidence.content_type = _check_file(file)
        evidence.size = file.size
        evidence.filename = os.path.basename(file.name or "evidence")[:255]
        evidence.file.save(evidence.filename, file, save=False)
    evidence.save()
    return evidence


# What an edit may change: the content stays of its kind (a file is replaced by deleting and adding).
EVIDENCE_UPDATE_FIELDS = ("title", "kind", "visibility", "link", "text")


def _locked(project: Project, evidence: Evidence) -> tuple[Project, Evidence]:
    """The project row, then the evidence row, locked: an edit racing the publish is refused."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    writing_check_open(project)
    return project, Evidence.objects.select_for_update().select_related("stage").get(pk=evidence.pk)


def _record(*, project: Project, evidence: Evidence, action: str, actor, changes: dict | None = None) -> None:
    EvidenceChange.objects.create(project=project, evidence_id=evidence.pk, title=evidence.title, action=action,
                                  changes=changes or {}, actor=actor if access.is_authenticated(actor) else None,
                                  actor_name=actor.get_username() if access.is_authenticated(actor) else "")


@transaction.atomic
def evidence_update(*, actor, project: Project, evidence: Evidence, **changes) -> Evidence:
    """Edit an item's title, kind, visibility, or its link or text; recorded (who, when, what) in
    EvidenceChange. Its uploader or the project lead, and not while the findings are published."""
    if not access.can_delete_evidence(actor, evidence, project):
        raise Forbidden("Only the person who added this evidence or the project lead can edit it.")
    project, evidence = _locked(project, evidence)
    wrong = [name for name in ("link", "text") if name in changes and not getattr(evidence, name)]
    if wrong:
        message = ("This evidence is a file." if evidence.file else
                   f"This evidence is a {'link' if evidence.link else 'note'}.") + " Its content stays of that kind."
        raise InvalidInput(message, code="evidence_content", fields={name: [message] for name in wrong})
    for name in ("link", "text"):
        if name in changes and not changes[name]:
            raise InvalidInput("A link or a note cannot be emptied: delete the evidence instead.",
                               code="evidence_content", fields={name: ["This cannot be empty."]})
    before = {name: getattr(evidence, name) for name in EVIDENCE_UPDATE_FIELDS}
    evidence, changed = model_update(instance=evidence, fields=EVIDENCE_UPDATE_FIELDS, data=changes)
    if changed:
        _record(project=project, evidence=evidence, action=EvidenceChange.Action.EDITED, actor=actor,
                changes={name: [before[name], getattr(evidence, name)] for name in changed})
    return evidence


@transaction.atomic
def evidence_delete(*, actor, project: Project, evidence: Evidence) -> None:
    if not access.can_delete_evidence(actor, evidence, project):
        raise Forbidden("Only the person who added this evidence or the project lead can delete it.")
    project, evidence = _locked(project, evidence)
    _record(project=project, evidence=evidence, action=EvidenceChange.Action.DELETED, actor=actor)
    stored = evidence.file.name
    evidence.delete()
    if stored:
        # Remove the file only once the row is gone for good.
        storage = evidence.file.storage
        transaction.on_commit(lambda: storage.delete(stored))
