"""The shared vocabulary: alliances, schools, themes, measures and the fixed choices."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from research.models import Alliance, Measure, School, Stage, Theme
from research.models import choices
from research.models.stage import STAGE_FIELDS
from research.selectors.catalog import (
    MeasureFilter,
    SchoolFilter,
    alliance_list,
    measure_list,
    school_list,
    theme_list,
)
from research.services.measures import measure_create

from .filter_backend import FilterSetInSchema, SearchInSchema
from .permissions import PublicReadMixin


class AllianceOut(serializers.ModelSerializer):
    class Meta:
        model = Alliance
        fields = ["id", "name", "slug", "min_schools_per_project", "min_cell_size"]


class AllianceViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    """Alliances are public: their names appear on published findings."""

    serializer_class = AllianceOut
    filter_backends = [SearchInSchema]  # research.selectors.catalog.alliance_list searches

    def get_queryset(self):
        return alliance_list(filters=self.request.query_params)


class SchoolOut(serializers.ModelSerializer):
    class Meta:
        model = School
        fields = ["id", "name", "urn", "phase", "region"]


class SchoolViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SchoolOut
    filter_backends = [FilterSetInSchema, SearchInSchema]  # research.selectors.catalog.school_list applies them
    filterset_class = SchoolFilter

    def get_queryset(self):
        return school_list(filters=self.request.query_params)


class ThemeOut(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "name", "slug"]


class ThemeViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ThemeOut
    pagination_class = None

    def get_queryset(self):
        return theme_list()


class MeasureOut(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "alliance", "name", "kind", "description", "unit", "scale_min", "scale_max",
                  "higher_is_better"]


class MeasureIn(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["alliance", "name", "kind", "description", "unit", "scale_min", "scale_max", "higher_is_better"]
        validators: list = []  # uniqueness is checked by the service, with a clearer message


class MeasureViewSet(PublicReadMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The alliance's measure library; the alliance lead adds to it."""

    serializer_class = MeasureOut
    filter_backends = [FilterSetInSchema]  # research.selectors.catalog.measure_list applies it
    filterset_class = MeasureFilter

    def get_queryset(self):
        return measure_list(filters=self.request.query_params)

    @extend_schema(request=MeasureIn, responses={201: MeasureOut})
    def create(self, request, *args, **kwargs):
        data = MeasureIn(data=request.data)
        data.is_valid(raise_exception=True)
        measure = measure_create(actor=request.user, **data.validated_data)
        return Response(MeasureOut(measure).data, status=201)


STAGE_HELP = {
    "agreed_question": "The research question the group agreed at the theory session.",
    "rationale": "Why this question matters to your pupils and schools.",
    "reading": "What the group read: research, guidance, books.",
    "key_learning": "What the group has learned so far.",
    "impact_on_practice": "How teaching has changed because of the project.",
    "adjustments": "What you changed in the plan, and why.",
    "findings": "What you found, including what surprised you.",
    "conclusions": "What you conclude from the findings.",
    "recommendations": "What you would recommend to other schools.",
    "what_did_not_work": "What did not work: as useful to others as what did.",
}


def _field_detail(name: str) -> dict:
    field = Stage._meta.get_field(name)
    return {"name": name, "label": str(field.verbose_name).capitalize(), "help_text": STAGE_HELP.get(name, ""),
            "max_length": field.max_length}


def _choices(enum) -> list[dict]:
    return [{"value": value, "label": label} for value, label in enum.choices]


class ChoiceOut(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class StageFieldOut(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    help_text = serializers.CharField()
    max_length = serializers.IntegerField(allow_null=True)


class StageKindOut(ChoiceOut):
    fields = serializers.ListField(child=serializers.CharField(), help_text="The stage's writing fields.")
    field_details = StageFieldOut(many=True)


class TaxonomyOut(serializers.Serializer):
    subjects = ChoiceOut(many=True)
    phases = ChoiceOut(many=True)
    school_phases = ChoiceOut(many=True)
    terms = ChoiceOut(many=True)
    statuses = ChoiceOut(many=True)
    stages = StageKindOut(many=True)
    measure_kinds = ChoiceOut(many=True)
    evidence_kinds = ChoiceOut(many=True)
    visibilities = ChoiceOut(many=True)
    themes = ThemeOut(many=True)


class TaxonomyView(PublicReadMixin, APIView):
    """The fixed choices (subjects, phases, statuses...), for forms and filters."""

    @extend_schema(responses={200: TaxonomyOut})
    def get(self, request):
        return Response({
            "subjects": _choices(choices.Subject),
            "phases": _choices(choices.Phase),
            "school_phases": _choices(choices.SchoolPhase),
            "terms": _choices(choices.Term),
            "statuses": _choices(choices.Status),
            "stages": [
                {"value": kind.value, "label": kind.label, "fields": list(STAGE_FIELDS[kind]),
                 "field_details": [_field_detail(name) for name in STAGE_FIELDS[kind]]}
                for kind in choices.STAGE_ORDER
            ],
            "measure_kinds": _choices(choices.MeasureKind),
            "evidence_kinds": _choices(choices.EvidenceKind),
            "visibilities": _choices(choices.Visibility),
            "themes": ThemeOut(theme_list(), many=True).data,
        })
