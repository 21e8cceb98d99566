"""Reading evidence: only what the viewer may see of a visible project (research.access.evidence_visible_q)."""
from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from .. import access
from ..errors import NotFound
from ..models import Evidence, Project
from .filtering import Filters, filtered


class EvidenceFilter(django_filters.FilterSet):
    stage = django_filters.CharFilter(field_name="stage__kind", label="Stage (theory, progress, dissemination)")

    class Meta:
        model = Evidence
        fields = ["stage"]


def evidence_list(*, user, project: Project, filters: Filters | None = None) -> QuerySet[Evidence]:
    """The project's evidence the user may see, newest first, with stage and uploader; `stage` narrows it."""
    rows = (
        Evidence.objects.filter(stage__project=project)
        .filter(access.evidence_visible_q(user, project))
        .select_related("stage", "uploader")
    )
    return filtered(EvidenceFilter, filters, rows)


def evidence_get(*, user, project: Project, evidence_id: int) -> Evidence:
    """One piece of the project's evidence, if the user may see it (NotFound otherwise)."""
    try:
        return evidence_list(user=user, project=project).get(pk=evidence_id)
    except Evidence.DoesNotExist:
        raise NotFound("No such evidence, or you do not have access to it.") from None
