"""/projects/{id}/publication-preview/: exactly what publishing would make public, before publishing."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research import lifecycle
from research.services.publications import publication_preview

from .common import ProjectScopedMixin
from .findings import FindingOut, finding_body


class PublicationPreviewOut(serializers.Serializer):
    finding = FindingOut(help_text="The finding as an anonymous reader will read it at /findings/{slug}/ once "
                                   "published; `published_at`, `results.frozen_at` and evidence files' ids are "
                                   "null until then.")
    unmet = serializers.ListField(child=serializers.CharField(),
                                  help_text="What still stands in the way of publishing (none: ready).")


class PublicationPreviewView(ProjectScopedMixin, APIView):
    """For whoever may publish (the alliance lead): the finding publishing now would make, writing nothing."""

    @extend_schema(responses=PublicationPreviewOut)
    def get(self, request, project_id):
        project = self.get_project()
        draft = publication_preview(actor=request.user, project=project)
        return Response({"finding": finding_body(draft), "unmet": lifecycle.unmet_conditions(project, "publish") or []})
