"""Small pieces every resource module shares."""
from rest_framework import serializers

from research.selectors.projects import project_get


def display_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


class UserRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return display_name(user)


class SchoolRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    urn = serializers.CharField()


class ProjectScopedMixin:
    """For routes under /projects/{project_id}/: the project, if the user may see it (else 404)."""

    project_selector = staticmethod(project_get)  # what the route reads of the project

    def get_project(self):
        if not hasattr(self, "_project"):
            self._project = self.project_selector(user=self.request.user, project_id=self.kwargs["project_id"])
        return self._project
