"""/partnerships/: alliances agreeing to work together (issue 15). One alliance's lead proposes, the other's
accepts or declines; either lead ends it. Members of either alliance (and staff) read it; others get 404."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.models.network import PartnershipStatus
from research.selectors.partnerships import (
    alliance_for_partnership, partnership_get, partnership_list, project_shares,
)
from research.services.partnerships import (
    partnership_answer, partnership_end, partnership_propose, project_share, project_unshare,
)

from .common import ProjectScopedMixin
from .pagination import PageNumberPagination


class PartnershipIn(serializers.Serializer):
    alliance = serializers.IntegerField(min_value=1, max_value=10**18, help_text="Your alliance (you lead it).")
    partner = serializers.IntegerField(min_value=1, max_value=10**18, help_text="The alliance asked.")


class PartnershipEndIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PartnershipAllianceOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PartnershipPersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


class PartnershipOut(serializers.Serializer):
    id = serializers.IntegerField()
    proposer = PartnershipAllianceOut()
    partner = PartnershipAllianceOut()
    status = serializers.ChoiceField(choices=PartnershipStatus.choices)
    proposed_by = PartnershipPersonOut(allow_null=True)
    proposed_at = serializers.DateTimeField()
    answered_by = PartnershipPersonOut(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    ended_by = PartnershipPersonOut(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField()


class PartnershipListView(APIView):
    """Partnerships of your alliances, newest first (staff: all). POST: propose one, as your alliance's lead."""

    @extend_schema(
        operation_id="v1_partnerships_list",
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses=inline_serializer("PaginatedPartnershipList", {
            "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True), "results": PartnershipOut(many=True)}),
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(partnership_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(PartnershipOut(page, many=True).data)

    @extend_schema(request=PartnershipIn, responses={201: PartnershipOut})
    def post(self, request):
        data = PartnershipIn(data=request.data)
        data.is_valid(raise_exception=True)
        partnership = partnership_propose(
            actor=request.user, alliance=alliance_for_partnership(alliance_id=data.validated_data["alliance"]),
            partner=alliance_for_partnership(alliance_id=data.validated_data["partner"]))
        return Response(PartnershipOut(partnership).data, status=201)


class PartnershipDetailView(APIView):
    @extend_schema(responses={200: PartnershipOut})
    def get(self, request, partnership_id):
        return Response(PartnershipOut(partnership_get(user=request.user, partnership_id=partnership_id)).data)


class PartnershipAnswerView(APIView):
    """Accept or decline a proposal: the lead of the alliance asked."""

    accept = True

    @extend_schema(request=None, responses={200: PartnershipOut})
    def post(self, request, partnership_id):
        partnership = partnership_get(user=request.user, partnership_id=partnership_id)
        return Response(PartnershipOut(partnership_answer(actor=request.user, partnership=partnership,
                                                          accept=self.accept)).data)


class PartnershipEndView(APIView):
    """End an active partnership, or withdraw a proposal: the lead of either alliance."""

    @extend_schema(request=PartnershipEndIn, responses={200: PartnershipOut})
    def post(self, request, partnership_id):
        partnership = partnership_get(user=request.user, partnership_id=partnership_id)
        data = PartnershipEndIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(PartnershipOut(partnership_end(actor=request.user, partnership=partnership,
                                                       reason=data.validated_data["reason"])).data)


class ShareIn(serializers.Serializer):
    alliance = serializers.IntegerField(min_value=1, max_value=10**18,
                                        help_text="A partner alliance (an active partnership with the project's).")


class ShareOut(serializers.Serializer):
    alliance = PartnershipAllianceOut()
    shared_by = PartnershipPersonOut(allow_null=True)
    shared_at = serializers.DateTimeField()


class ProjectSharesView(ProjectScopedMixin, APIView):
    """The partner alliances this project is open to: their teachers see and join it as if it were their own
    alliance's. POST opens it to one (the project lead or the alliance lead; an active partnership; while the
    group takes members)."""

    @extend_schema(responses={200: ShareOut(many=True)})
    def get(self, request, project_id):
        return Response(ShareOut(project_shares(project=self.get_project()), many=True).data)

    @extend_schema(request=ShareIn, responses={201: ShareOut})
    def post(self, request, project_id):
        data = ShareIn(data=request.data)
        data.is_valid(raise_exception=True)
        share = project_share(actor=request.user, project=self.get_project(),
                              alliance=alliance_for_partnership(alliance_id=data.validated_data["alliance"]))
        return Response(ShareOut(share).data, status=201)


class ProjectShareDetailView(ProjectScopedMixin, APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, project_id, alliance_id):
        project_unshare(actor=request.user, project=self.get_project(),
                        alliance=alliance_for_partnership(alliance_id=alliance_id))
        return Response(status=204)
