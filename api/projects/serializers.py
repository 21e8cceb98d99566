from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from research import access, lifecycle
from research.analysis.criteria import COMPARISONS, STATISTICS, SUBGROUPS
from research.models import Project
from research.models.choices import Phase, Status, Subject
from research.selectors.catalog import measure_list, theme_list
from research.selectors.members import join_request_latest
from research.selectors.plan import labelled_criteria, planned_power
from research.selectors.projects import project_schools

from ..common import SchoolRefOut, UserRefOut, display_name


class SuccessCriterionDoc(serializers.Serializer):
    """One success criterion (documents the shape; research.services.criteria checks it)."""

    measure = serializers.IntegerField(help_text="One of the project's measures.")
    statistic = serializers.ChoiceField(choices=STATISTICS)
    comparison = serializers.ChoiceField(choices=COMPARISONS)
    threshold = serializers.FloatField(
        help_text="effect_size: SD units (-3 to 3); mean_change: scale points; percent_at_or_above: 0-100.")
    score = serializers.FloatField(required=False, allow_null=True,
                                   help_text="percent_at_or_above only: the score pupils reach (on the measure's scale).")
    subgroup = serializers.ChoiceField(choices=SUBGROUPS, required=False, allow_null=True,
                                       help_text="null for all pupils.")


class SuccessCriterionOut(SuccessCriterionDoc):
    label = serializers.CharField(help_text="The criterion in words.")


@extend_schema_field(SuccessCriterionDoc(many=True))
class CriteriaField(serializers.JSONField):
    """Any JSON: research.services.criteria checks it item by item ("success_criteria[1].score")."""


class ProjectIn(serializers.ModelSerializer):
    """Proposing a project. Only checks shapes; research.services decides what is allowed."""

    themes = serializers.SlugRelatedField(slug_field="slug", queryset=theme_list(), many=True, required=False)
    measures = serializers.PrimaryKeyRelatedField(queryset=measure_list(), many=True, required=False)
    success_criteria = CriteriaField(required=False, help_text="Structured criteria, agreed before the data.")
    planned_pupils_per_group = serializers.IntegerField(required=False, allow_null=True, min_value=2, max_value=100_000)
    planned_schools = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1_000)
    assumed_icc = serializers.FloatField(required=False, min_value=0, max_value=0.99,
                                         help_text="Intra-class correlation of pupils in schools (default 0.15).")
    pre_post_correlation = serializers.FloatField(required=False, min_value=0, max_value=0.99,
                                                  help_text="Correlation of baseline and final scores (default 0.7).")

    class Meta:
        model = Project
        fields = ["alliance", "title", "research_question", "subject", "phase", "academic_year", "rationale",
                  "success_notes", "success_criteria", "planned_pupils_per_group", "planned_schools", "assumed_icc",
                  "pre_post_correlation", "term", "themes", "measures"]


class ProjectUpdateIn(ProjectIn):
    revision_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                            help_text="Why the plan changed (recorded after the plan is frozen).")
    qualitative_enquiry = serializers.BooleanField(
        required=False, help_text="The group answers its question without pupil scores: dissemination then needs "
                                  "no baseline and final data, and the finding says so.")

    class Meta(ProjectIn.Meta):
        fields = [f for f in ProjectIn.Meta.fields if f != "alliance"] + ["revision_reason", "qualitative_enquiry"]


class MemberOut(serializers.Serializer):
    user = UserRefOut()
    school = SchoolRefOut()
    joined_at = serializers.DateTimeField()


class AllianceRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


SUBJECT_LABELS, PHASE_LABELS, STATUS_LABELS = (dict(c.choices) for c in (Subject, Phase, Status))


class ProjectListOut(serializers.Serializer):
    """A project in a list, from a row of research.selectors.projects.project_list_rows.

    Built by hand from plain rows: model instances and DRF's per-field machinery cost ~2 ms a
    row, several times the page's queries. The declared fields document the shape.
    """

    id = serializers.IntegerField()
    alliance = AllianceRefOut()
    title = serializers.CharField()
    research_question = serializers.CharField()
    subject = serializers.CharField()
    subject_label = serializers.CharField()
    phase = serializers.CharField()
    phase_label = serializers.CharField()
    themes = serializers.ListField(child=serializers.CharField())
    academic_year = serializers.CharField()
    term = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    lead = UserRefOut()
    schools = SchoolRefOut(many=True)
    measures = serializers.ListField(child=serializers.IntegerField())
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @cached_property
    def _datetime(self) -> serializers.DateTimeField:
        # The time zone looked up once a page: DRF looks it up per value, through a costly thread-local.
        return serializers.DateTimeField(default_timezone=timezone.get_current_timezone())

    def to_representation(self, row: dict) -> dict:
        when = self._datetime
        lead = row["lead"]
        lead_name = f"{lead['first_name']} {lead['last_name']}".strip() or lead["username"]
        return {
            "id": row["id"],
            "alliance": row["alliance"],
            "title": row["title"], "research_question": row["research_question"],
            "subject": row["subject"], "subject_label": SUBJECT_LABELS[row["subject"]],
            "phase": row["phase"], "phase_label": PHASE_LABELS[row["phase"]], "themes": row["themes"],
            "academic_year": row["academic_year"], "term": row["term"],
            "status": row["status"], "status_label": STATUS_LABELS[row["status"]],
            "lead": {"id": row["lead_id"], "name": lead_name}, "schools": row["schools"],
            "measures": row["measures"],
            "created_at": when.to_representation(row["created_at"]),
            "updated_at": when.to_representation(row["updated_at"]),
        }


class PowerOut(serializers.Serializer):
    """research.analysis.power.mdes's answer for the planned numbers, or mdes null and a reason."""

    mdes = serializers.FloatField(allow_null=True, help_text="Minimum detectable effect size (SD), 80% power, 5% two-sided.")
    reason = serializers.CharField(allow_null=True, help_text="Why there is no MDES (null when there is one).")
    design = serializers.CharField(required=False)
    label = serializers.CharField(required=False)
    formula = serializers.CharField(required=False)
    assumes = serializers.CharField(required=False)
    df = serializers.IntegerField(required=False)
    multiplier = serializers.FloatField(required=False)
    standard_error = serializers.FloatField(required=False)
    icc_used = serializers.BooleanField(required=False)
    inputs = inline_serializer("PowerInputs", {
        "pupils_per_group": serializers.IntegerField(), "schools": serializers.IntegerField(),
        "icc": serializers.FloatField(), "pre_post_correlation": serializers.FloatField(),
        "power": serializers.FloatField(), "alpha": serializers.FloatField()}, required=False)
    warning = serializers.CharField(required=False, allow_null=True, help_text="Set when the MDES is above 0.5.")


@extend_schema_field(PowerOut(allow_null=True))
class PowerField(serializers.JSONField):
    """The stored answer as it is."""


class MeasureDetailOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    unit = serializers.CharField()
    scale_min = serializers.FloatField()
    scale_max = serializers.FloatField()
    higher_is_better = serializers.BooleanField()


class ProjectPermissionsOut(serializers.Serializer):
    """What the viewer may do with the project (research.access), for the page to offer."""

    edit = serializers.BooleanField()
    write_stages = serializers.BooleanField()
    manage_members = serializers.BooleanField()
    invite = serializers.BooleanField(help_text="Invite colleagues of the alliance into the group (the project lead).")
    add_evidence = serializers.BooleanField()
    preview_publication = serializers.BooleanField(help_text="May see /publication-preview/ (whoever may publish).")
    see_raw_rows = serializers.BooleanField()
    join = serializers.BooleanField()
    actions = serializers.ListField(child=serializers.CharField(),
                                    help_text="Transitions the viewer may run from the current status.")


class NextStepOut(serializers.Serializer):
    action = serializers.ChoiceField(choices=lifecycle.ACTIONS)
    unmet = serializers.ListField(child=serializers.CharField(), help_text="Conditions still unmet (none: ready).")


class JoinRequestRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ProjectDetailOut(serializers.ModelSerializer):
    """A project in full, from a model instance (research.selectors.projects.project_get)."""

    alliance = serializers.SerializerMethodField()
    lead = UserRefOut()
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    measures = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    schools = serializers.SerializerMethodField()
    subject_label = serializers.CharField(source="get_subject_display")
    phase_label = serializers.CharField(source="get_phase_display")
    status_label = serializers.CharField(source="get_status_display")
    measure_details = MeasureDetailOut(source="measures", many=True)
    members = MemberOut(source="memberships", many=True)
    permissions = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()
    my_join_request = serializers.SerializerMethodField()
    success_criteria = serializers.SerializerMethodField()
    power = serializers.SerializerMethodField()
    writing_locked = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "alliance", "title", "research_question", "subject", "subject_label", "phase",
                  "phase_label", "themes", "academic_year", "term", "status", "status_label", "lead", "schools",
                  "measures", "measure_details", "created_at", "updated_at", "rationale", "success_notes",
                  "success_criteria", "planned_pupils_per_group", "planned_schools", "assumed_icc",
                  "pre_post_correlation", "power", "members", "permissions", "next_step", "my_join_request",
                  "qualitative_enquiry", "writing_locked"]

    def get_writing_locked(self, project) -> bool:
        """The findings are published: the writing is read-only until the alliance lead unpublishes."""
        return access.writing_locked(project)

    @extend_schema_field(SuccessCriterionOut(many=True))
    def get_success_criteria(self, project) -> list[dict]:
        return labelled_criteria(project)

    @extend_schema_field(PowerOut)
    def get_power(self, project) -> dict:
        return planned_power(project)

    @extend_schema_field(JoinRequestRefOut(allow_null=True))
    def get_my_join_request(self, project) -> dict | None:
        """The signed-in user's latest request to join, so the page can say it is pending."""
        user = self._user()
        if not access.is_authenticated(user) or access.is_project_member(user, project):
            return None
        latest = join_request_latest(user=user, project=project)
        return {"id": latest.id, "status": latest.status, "created_at": latest.created_at} if latest else None

    @extend_schema_field(AllianceRefOut)
    def get_alliance(self, project) -> dict:
        return {"id": project.alliance_id, "name": project.alliance.name, "slug": project.alliance.slug}

    @extend_schema_field(SchoolRefOut(many=True))
    def get_schools(self, project) -> list[dict]:
        return project_schools(project=project)

    def _user(self):
        return self.context["request"].user

    @extend_schema_field(ProjectPermissionsOut)
    def get_permissions(self, project) -> dict:
        user = self._user()
        return {
            "edit": access.can_edit_project(user, project) and not access.writing_locked(project),
            "write_stages": access.can_write_stage(user, project) and not access.writing_locked(project),
            "manage_members": access.can_manage_members(user, project),
            "invite": access.can_invite(user, project),
            "add_evidence": access.can_add_evidence(user, project) and not access.writing_locked(project),
            "preview_publication": access.can_preview_publication(user, project),
            "see_raw_rows": access.can_see_raw_rows(user, project),
            "join": access.is_authenticated(user) and access.join_refusal(user, project) is None,
            "actions": [
                action for action in access.allowed_actions(user, project)
                if lifecycle.find_transition(action, project.status)
            ],
        }

    @extend_schema_field(NextStepOut(allow_null=True))
    def get_next_step(self, project) -> dict | None:
        """What still stands between the project and its next stage (the guards' conditions)."""
        for action in ("accept", "advance", "publish"):
            unmet = lifecycle.unmet_conditions(project, action)
            if unmet is not None:
                return {"action": action, "unmet": unmet}
        return None


class TransitionIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=lifecycle.ACTIONS)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    from_status = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="",
        help_text="The status you saw; if the project has moved on since, the request is refused (409).",
    )


class TransitionOut(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.SerializerMethodField()
    comment = serializers.CharField()
    at = serializers.DateTimeField()

    def get_actor(self, record) -> str:
        return display_name(record.actor)


class PlanSnapshotOut(serializers.Serializer):
    revision = serializers.IntegerField()
    research_question = serializers.CharField()
    agreed_question = serializers.CharField()
    rationale = serializers.CharField()
    success_notes = serializers.CharField()
    success_criteria = SuccessCriterionOut(many=True)
    measures = serializers.JSONField()
    planned_pupils_per_group = serializers.IntegerField(allow_null=True)
    planned_schools = serializers.IntegerField(allow_null=True)
    assumed_icc = serializers.FloatField(allow_null=True)
    pre_post_correlation = serializers.FloatField(allow_null=True)
    power = PowerField(allow_null=True, help_text="The MDES shown when this revision was frozen (null before issue 12).")
    reason = serializers.CharField()
    created_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_created_by(self, snapshot) -> str:
        return display_name(snapshot.created_by)
