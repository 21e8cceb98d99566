"""/hubs/: groups of alliances (issue 15). A hub's leads (and staff) see the member alliances' pipeline and
pooled effects, aggregates only; anyone else gets 404."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.analysis.synthesis import DEFAULT_METHOD, METHODS
from research.models.choices import Status
from research.selectors.hubs import hub_get, hub_list, hub_pipeline, hub_synthesis

from .synthesis import METHOD_HELP, PooledEstimateOut

StatusCountsOut = type("HubStatusCountsOut", (serializers.Serializer,),
                       {status: serializers.IntegerField() for status in Status.values})


class HubAllianceOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class HubOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    alliances = HubAllianceOut(many=True, source="alliances.all")


class HubRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class HubAlliancePipelineOut(HubAllianceOut):
    statuses = StatusCountsOut()


class HubPipelineOut(serializers.Serializer):
    hub = HubRefOut()
    statuses = StatusCountsOut()
    alliances = HubAlliancePipelineOut(many=True)


class HubPoolOut(PooledEstimateOut):
    measure_kind = serializers.CharField()
    measure_kind_label = serializers.CharField()
    alliances = serializers.IntegerField(help_text="Member alliances with a project in the pool.")
    pupils = serializers.IntegerField(help_text="Pupils in the pooled projects' analyses (sum of their n).")
    left_out = serializers.IntegerField(help_text="Projects with this kind of measure but no usable effect.")


class HubSynthesisOut(serializers.Serializer):
    hub = HubRefOut()
    method = serializers.CharField()
    groups = HubPoolOut(many=True)


class HubMethodQuery(serializers.Serializer):
    method = serializers.ChoiceField(choices=list(METHODS.items()), required=False, default=DEFAULT_METHOD)


class HubListView(APIView):
    """The hubs you lead (staff: all)."""

    @extend_schema(operation_id="v1_hubs_list", responses={200: HubOut(many=True)})
    def get(self, request):
        return Response(HubOut(hub_list(user=request.user), many=True).data)


class HubPipelineView(APIView):
    """The member alliances' projects at each status: counts only."""

    @extend_schema(responses={200: HubPipelineOut})
    def get(self, request, hub_id):
        return Response(hub_pipeline(hub=hub_get(user=request.user, hub_id=hub_id)))


class HubSynthesisView(APIView):
    """Pooled effects across the member alliances' projects, per kind of measure: the pool and counts only."""

    @extend_schema(parameters=[OpenApiParameter("method", str, enum=list(METHODS), default=DEFAULT_METHOD,
                                                description=f"Pooling method: {METHOD_HELP}")],
                   responses={200: HubSynthesisOut})
    def get(self, request, hub_id):
        hub = hub_get(user=request.user, hub_id=hub_id)
        query = HubMethodQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(hub_synthesis(hub=hub, method=query.validated_data["method"]))
