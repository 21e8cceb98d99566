"""Invitations (issue 14): the project lead invites alliance colleagues (/projects/{id}/invitations/,
/projects/{id}/invitable-members/); the invitee answers (/invitations/, /invitations/{id}/accept|decline/)."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.models.invitations import InvitationStatus
from research.selectors.invitations import invitable_member_list, my_invitation_list, project_invitation_list
from research.services.invitations import invitation_accept, invitation_create, invitation_decline

from .common import ProjectScopedMixin, SchoolRefOut, UserRefOut


class InvitationIn(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, help_text="The colleague's user id (from invitable-members).")


class InvitationProjectOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    research_question = serializers.CharField()


class InvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    project = InvitationProjectOut()
    invitee = UserRefOut()
    invited_by = UserRefOut(allow_null=True)
    status = serializers.ChoiceField(choices=InvitationStatus.choices)
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class InvitableMemberOut(serializers.Serializer):
    """A teacher of the project's alliance who is not in its group."""

    user = UserRefOut()
    school = SchoolRefOut()
    invited = serializers.BooleanField(help_text="An invitation already waits for their answer.")


class ProjectInvitationsView(ProjectScopedMixin, APIView):
    """The project's invitations (for the lead), and inviting a colleague (the project lead only)."""

    @extend_schema(responses=InvitationOut(many=True))
    def get(self, request, project_id):
        return Response(InvitationOut(project_invitation_list(user=request.user, project=self.get_project()),
                                      many=True).data)

    @extend_schema(request=InvitationIn, responses={201: InvitationOut})
    def post(self, request, project_id):
        data = InvitationIn(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = invitation_create(actor=request.user, project=self.get_project(),
                                       user_id=data.validated_data["user"])
        return Response(InvitationOut(invitation).data, status=201)


class InvitableMembersView(ProjectScopedMixin, APIView):
    """Colleagues the project lead can invite, found by name (at most 20)."""

    @extend_schema(parameters=[OpenApiParameter("search", str, description="Part of a name or username.")],
                   responses=InvitableMemberOut(many=True))
    def get(self, request, project_id):
        rows = invitable_member_list(user=request.user, project=self.get_project(),
                                     search=request.query_params.get("search", "")[:100])
        return Response(InvitableMemberOut(rows, many=True).data)


class MyInvitationsView(APIView):
    """Invitations waiting for your answer, newest first."""

    @extend_schema(responses=InvitationOut(many=True))
    def get(self, request):
        return Response(InvitationOut(my_invitation_list(user=request.user), many=True).data)


class InvitationAnswerView(APIView):
    accept = True

    @extend_schema(request=None, responses=InvitationOut)
    def post(self, request, invitation_id):
        answer = invitation_accept if self.accept else invitation_decline
        return Response(InvitationOut(answer(actor=request.user, invitation_id=invitation_id)).data)
