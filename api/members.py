"""/projects/{id}/members/ and /join-requests/: who is in the project group."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.selectors.members import join_request_list, project_member_list
from research.services.members import join_request_create, join_request_decide, member_remove

from .common import ProjectScopedMixin, SchoolRefOut, UserRefOut
from .permissions import PublicReadMixin
from .projects.serializers import MemberOut


class JoinRequestIn(serializers.Serializer):
    message = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class JoinRequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    user = UserRefOut()
    school = SchoolRefOut()
    message = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class MembersView(PublicReadMixin, ProjectScopedMixin, APIView):
    @extend_schema(responses=MemberOut(many=True))
    def get(self, request, project_id):
        return Response(MemberOut(project_member_list(project=self.get_project()), many=True).data)


class MemberDetailView(ProjectScopedMixin, APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, project_id, user_id):
        member_remove(actor=request.user, project=self.get_project(), user_id=user_id)
        return Response(status=204)


class JoinRequestsView(ProjectScopedMixin, APIView):
    """The project lead sees every request; anyone else sees only their own."""

    @extend_schema(responses=JoinRequestOut(many=True))
    def get(self, request, project_id):
        return Response(JoinRequestOut(join_request_list(user=request.user, project=self.get_project()),
                                       many=True).data)

    @extend_schema(request=JoinRequestIn, responses={201: JoinRequestOut})
    def post(self, request, project_id):
        data = JoinRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        join_request = join_request_create(actor=request.user, project=self.get_project(), **data.validated_data)
        return Response(JoinRequestOut(join_request).data, status=201)


class JoinRequestDecisionView(ProjectScopedMixin, APIView):
    approve = True

    @extend_schema(request=None, responses=JoinRequestOut)
    def post(self, request, project_id, request_id):
        join_request = join_request_decide(actor=request.user, project=self.get_project(), request_id=request_id,
                                           approve=self.approve)
        return Response(JoinRequestOut(join_request).data)
