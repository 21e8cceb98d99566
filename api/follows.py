"""/follows/ (what I follow) and /feed/ (what happened to it)."""
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.models import Follow
from research.models.publication import FollowKind
from research.selectors.feed import feed_for
from research.services.follows import follow_create, follow_delete


class FollowIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FollowKind.choices)
    target_id = serializers.IntegerField(min_value=1)


class FollowOut(serializers.ModelSerializer):
    class Meta:
        model = Follow
        fields = ["id", "kind", "target_id", "created_at"]


class FollowsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=FollowOut(many=True))
    def get(self, request):
        return Response(FollowOut(Follow.objects.filter(user=request.user), many=True).data)

    @extend_schema(request=FollowIn, responses={201: FollowOut})
    def post(self, request):
        data = FollowIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(FollowOut(follow_create(actor=request.user, **data.validated_data)).data, status=201)


class FollowDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, follow_id):
        follow_delete(actor=request.user, follow_id=follow_id)
        return Response(status=204)


class FeedView(APIView):
    """Status changes and publications of the projects, themes and alliances you follow, newest first."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response({"results": feed_for(user=request.user)})
