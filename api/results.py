"""/projects/{id}/results/: tables, effect sizes, months, padlocks; suppressed for non-members."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.analysis.disclosure import MARKER
from research.selectors.projects import project_for_results
from research.selectors.results import data_fingerprint, results_for

from .caching import cached, etag_matches, not_modified, tag_response
from .common import ProjectScopedMixin
from .permissions import PublicReadMixin
from .projects.serializers import SuccessCriterionDoc

# --- the shape of research.analysis.results (members) and research.analysis.public_view (everyone else)
# These serializers describe the results for the schema; the view answers the analysis layer's dict as
# it is. Each table is a list of cells (research/analysis/cells.py). Outside the project group a
# withheld value reads "c" (research.analysis.disclosure.MARKER), so a figure is a number, null
# (not computed: `reason` says why) or "c".

WITHHELD = {"type": "string", "enum": [MARKER],
            "description": f'"{MARKER}": withheld (too few pupils, or it would give away other figures).'}


class _Value(serializers.Field):
    """Described by its schema only: the view passes the analysis layer's value through."""

    def to_representation(self, value):
        return value


@extend_schema_field({"oneOf": [{"type": "number", "nullable": True}, WITHHELD]})
class Figure(_Value):
    """A number, null (not computed) or "c" (withheld)."""


@extend_schema_field({"oneOf": [{"type": "integer"}, WITHHELD]})
class Count(_Value):
    """A number of pupils, or "c" (withheld)."""


@extend_schema_field({"oneOf": [{"type": "integer", "nullable": True}, WITHHELD]})
class WholeFigure(_Value):
    """A whole number (months, padlocks), null or "c"."""


@extend_schema_field({"oneOf": [{"type": "boolean", "nullable": True}, WITHHELD]})
class Flag(_Value):
    """True, false, null or "c"."""


def text(**kwargs) -> serializers.CharField:
    """A sentence or label; null where there is none (and "c" where withheld, also a string)."""
    return serializers.CharField(allow_null=True, **kwargs)


class CellOut(serializers.Serializer):
    """What every cell carries: its id, why a value is missing, what it rests on, whether outsiders see it."""

    cell = serializers.CharField(help_text="The cell's id within its measure, e.g. desc:theory:intervention.")
    reason = text(help_text="Why a value is missing, or null.")
    depends_on = serializers.ListField(child=serializers.CharField(), help_text="Ids of the cells it is computed from.")
    public = serializers.BooleanField(help_text="Whether people outside the project group see it.")


class DescriptiveCellOut(CellOut):
    n = Count()
    stage = serializers.CharField()
    group = serializers.CharField()
    mean, sd, median, q1, q3 = Figure(), Figure(), Figure(), Figure(), Figure()
    min = Figure(help_text='Never shown outside the group ("c").')
    max = Figure(help_text='Never shown outside the group ("c").')
    ci_low, ci_high = Figure(), Figure()


class GainCellOut(CellOut):
    n = Count()
    comparison = serializers.CharField()
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    group = serializers.CharField()
    mean_gain, sd_gain, ci_low, ci_high = Figure(), Figure(), Figure(), Figure()


class AttritionCellOut(CellOut):
    n = Count()
    group = serializers.CharField()
    n_baseline, n_final, n_retained = Count(), Count(), Count()
    attrition_rate = Figure(help_text="Share of baseline pupils with no final score (0-1).")


class EquivalenceOut(CellOut):
    n = Count(required=False)
    sample = text()
    difference_sd = Figure(help_text="Baseline difference in SD, positive: the intervention group started ahead.")
    band = text()
    flag = text()
    n_intervention = Count(required=False)
    n_comparison = Count(required=False)


class EffectCellOut(CellOut):
    n = Count()
    metric = serializers.CharField()
    label = serializers.CharField()
    design = serializers.CharField()
    n_intervention = Count()
    n_comparison = Count(required=False, help_text="Absent for a change within one group.")
    g = Figure(help_text="Effect size; positive favours the intervention (or, within one group, improvement).")
    variance, se, ci_low, ci_high = Figure(), Figure(), Figure(), Figure()
    months = WholeFigure(help_text="EEF months' progress (between-group designs on attainment measures only).")
    months_reason = text()


class AdjustedEffectOut(EffectCellOut):
    model = text(help_text="The model fitted, or null when none could be.")
    difference = Figure(help_text="Adjusted difference in the measure's points, intervention minus comparison.")
    difference_ci_low, difference_ci_high = Figure(), Figure()
    standardiser = text()
    icc = Figure()
    icc_reason = text()
    schools = WholeFigure()
    school_confounded = Flag()


class EffectsOut(serializers.Serializer):
    design = text()
    headline = text(help_text="Which effect is the headline (adjusted, final or within_group), or null.")
    headline_reason = serializers.CharField()
    below_min_cell = serializers.BooleanField(required=False)
    adjusted = AdjustedEffectOut(required=False, help_text="The headline: final scores adjusted for baseline.")
    final = EffectCellOut(required=False)
    gain = EffectCellOut(required=False)
    within_group = EffectCellOut(required=False)


class StrengthCriterionOut(CellOut):
    criterion = serializers.CharField()
    threshold = serializers.CharField()
    met = Flag()
    padlocks = WholeFigure(required=False, help_text="A rating (design, MDES, attrition).")
    padlocks_lost = WholeFigure(required=False, help_text="A deduction (baseline balance, threats).")
    mdes = Figure(required=False)


class EvidenceStrengthOut(serializers.Serializer):
    padlocks = WholeFigure(help_text="0-5; null without a headline, \"c\" when a rating is withheld.")
    max_padlocks = serializers.IntegerField()
    rule = serializers.CharField()
    criteria = StrengthCriterionOut(many=True)
    padlocks_reason = serializers.CharField(required=False)
    padlocks_withheld = serializers.IntegerField(required=False)


class SuccessCriterionCellOut(CellOut):
    n = Count()
    criterion = SuccessCriterionDoc()
    label = serializers.CharField()
    statistic = serializers.CharField()
    verdict = serializers.CharField(help_text='met, not_met, inconclusive (or "c").')
    value, ci_low, ci_high = Figure(), Figure(), Figure()


class SubgroupCellOut(CellOut):
    n = Count()
    stage = serializers.CharField()
    group = serializers.CharField()
    subgroup = serializers.CharField()
    mean, sd = Figure(), Figure()


class GapCellOut(CellOut):
    n = Count()
    stage = serializers.CharField()
    group = serializers.CharField()
    n_disadvantaged, n_others = Count(), Count()
    mean_disadvantaged, mean_others = Figure(), Figure()
    gap = Figure(help_text="Others minus disadvantaged pupils; positive: disadvantaged pupils are behind.")


class GapOut(serializers.Serializer):
    subgroups = SubgroupCellOut(many=True)
    gaps = GapCellOut(many=True)


class PartitionOut(serializers.Serializer):
    total = serializers.CharField()
    parts = serializers.ListField(child=serializers.CharField())


class MeasureInfoOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    unit = serializers.CharField()
    scale_min = serializers.FloatField(allow_null=True)
    scale_max = serializers.FloatField(allow_null=True)
    higher_is_better = serializers.BooleanField()


class MeasureResultsOut(serializers.Serializer):
    measure = MeasureInfoOut()
    groups = serializers.ListField(child=serializers.CharField())
    reason = text()
    descriptives = DescriptiveCellOut(many=True)
    gains = GainCellOut(many=True)
    attrition = AttritionCellOut(many=True)
    effects = EffectsOut()
    verdict = serializers.CharField()
    switched_pupils = serializers.IntegerField()
    switched_note = serializers.CharField()
    baseline_equivalence = EquivalenceOut()
    evidence_strength = EvidenceStrengthOut()
    criteria = SuccessCriterionCellOut(many=True)
    gap = GapOut()
    partitions = PartitionOut(many=True, help_text="Shown totals and the cells that add up to each.")


class DisclosureOut(serializers.Serializer):
    min_cell = serializers.IntegerField()
    marker = serializers.CharField()
    note = serializers.CharField()


class ResultsOut(serializers.Serializer):
    """A project's results: every figure for members of the project group (view "member"); for
    everyone else the view frozen at the last status change, with small cells withheld ("non-member")."""

    view = serializers.ChoiceField(choices=["member", "non-member"])
    min_cell = serializers.IntegerField()
    stages = serializers.ListField(child=serializers.CharField())
    measures = MeasureResultsOut(many=True)
    disclosure = DisclosureOut(required=False, help_text="Outside the project group.")
    sample = serializers.CharField(required=False, help_text="Which pupils the figures cover (outside the group).")
    frozen_at = serializers.CharField(required=False, help_text="When the view shown outside the group was frozen.")


class MeasureQuery(serializers.Serializer):
    measure = serializers.IntegerField(required=False, allow_null=True, default=None)


class ResultsView(PublicReadMixin, ProjectScopedMixin, APIView):
    project_selector = staticmethod(project_for_results)

    @extend_schema(parameters=[OpenApiParameter("measure", int, description="Only this measure.")],
                   responses={200: ResultsOut, 304: None})
    def get(self, request, project_id):
        project = self.get_project()
        query = MeasureQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        measure = query.validated_data["measure"]
        fingerprint = data_fingerprint(user=request.user, project=project, extra=("results", measure))
        if etag_matches(request, fingerprint):
            return not_modified(fingerprint)
        body = cached("results", fingerprint,
                      lambda: results_for(user=request.user, project=project, measure_id=measure))
        return tag_response(Response(body), fingerprint)
