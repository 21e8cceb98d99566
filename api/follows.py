"""/follows/ (what I follow) and /feed/ (what happened to it)."""
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.models import Follow
from research.models.publication import FollowKind
from research.selectors.feed import feed_for, follow_list
from research.services.follows import follow_create, follow_delete


class FollowIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FollowKind.choices)
    target_id = serializers.IntegerField(min_value=1)


class FollowOut(serializers.ModelSerializer):
    class Meta:
        model = Follow
        fields = ["id", "kind", "target_id", "created_at"]


class FollowsView(APIView):
    @extend_schema(responses=FollowOut(many=True))
    def get(self, request):
        return Response(FollowOut(follow_list(user=request.user), many=True).data)

    @extend_schema(request=FollowIn, responses={201: FollowOut})
    def post(self, request):
        data = FollowIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(FollowOut(follow_create(actor=request.user, **data.validated_data)).data, status=201)


class FollowDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, follow_id):
        follow_delete(actor=request.user, follow_id=follow_id)
        return Response(status=204)


class FeedItemOut(serializers.Serializer):
    """A status change (`type` transition) or a publication (`type` publication)."""

    type = serializers.ChoiceField(choices=["transition", "publication"])
    at = serializers.DateTimeField()
    project = inline_serializer("FeedProject", {"id": serializers.IntegerField(), "title": serializers.CharField()})
    action = serializers.CharField(required=False)
    from_status = serializers.CharField(required=False)
    to_status = serializers.CharField(required=False)
    finding = serializers.CharField(required=False, help_text="The finding's slug.")


class FeedView(APIView):
    """Status changes and publications of the projects, themes and alliances you follow, newest first."""

    @extend_schema(responses={200: inline_serializer("Feed", {"results": FeedItemOut(many=True)})})
    def get(self, request):
        return Response({"results": feed_for(user=request.user)})
