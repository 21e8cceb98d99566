from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from research import access, lifecycle
from research.models import Measure, Project, Theme

from ..common import SchoolRefOut, UserRefOut, display_name


class ProjectIn(serializers.ModelSerializer):
    """Proposing a project. Only checks shapes; research.services decides what is allowed."""

    themes = serializers.SlugRelatedField(slug_field="slug", queryset=Theme.objects.all(), many=True, required=False)
    measures = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.all(), many=True, required=False)

    class Meta:
        model = Project
        fields = ["alliance", "title", "research_question", "subject", "phase", "academic_year", "rationale",
                  "success_criteria", "term", "themes", "measures"]


class ProjectUpdateIn(ProjectIn):
    revision_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                            help_text="Why the plan changed (recorded after the plan is frozen).")

    class Meta(ProjectIn.Meta):
        fields = [f for f in ProjectIn.Meta.fields if f != "alliance"] + ["revision_reason"]


class MemberOut(serializers.Serializer):
    user = UserRefOut()
    school = SchoolRefOut()
    joined_at = serializers.DateTimeField()


class ProjectListOut(serializers.ModelSerializer):
    alliance = serializers.SerializerMethodField()
    lead = UserRefOut()
    themes = serializers.SerializerMethodField()
    measures = serializers.SerializerMethodField()
    schools = serializers.SerializerMethodField()
    subject_label = serializers.CharField(source="get_subject_display")
    phase_label = serializers.CharField(source="get_phase_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Project
        fields = ["id", "alliance", "title", "research_question", "subject", "subject_label", "phase",
                  "phase_label", "themes", "academic_year", "term", "status", "status_label", "lead", "schools",
                  "measures", "created_at", "updated_at"]

    def get_alliance(self, project) -> dict:
        return {"id": project.alliance_id, "name": project.alliance.name, "slug": project.alliance.slug}

    def get_themes(self, project) -> list[str]:
        return [theme.slug for theme in project.themes.all()]

    def get_measures(self, project) -> list[int]:
        return [measure.id for measure in project.measures.all()]

    @extend_schema_field(SchoolRefOut(many=True))
    def get_schools(self, project) -> list[dict]:
        schools = {m.school_id: m.school for m in project.memberships.all()}
        return SchoolRefOut(sorted(schools.values(), key=lambda s: s.name), many=True).data


class ProjectDetailOut(ProjectListOut):
    members = MemberOut(source="memberships", many=True)
    permissions = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()

    class Meta(ProjectListOut.Meta):
        fields = ProjectListOut.Meta.fields + ["rationale", "success_criteria", "members", "permissions",
                                               "next_step"]

    def _user(self):
        return self.context["request"].user

    def get_permissions(self, project) -> dict:
        user = self._user()
        return {
            "edit": access.can_edit_project(user, project),
            "write_stages": access.can_write_stage(user, project),
            "manage_members": access.can_manage_members(user, project),
            "add_evidence": access.can_add_evidence(user, project),
            "see_raw_rows": access.can_see_raw_rows(user, project),
            "join": access.is_authenticated(user) and access.join_refusal(user, project) is None,
            "actions": [
                action for action in access.allowed_actions(user, project)
                if lifecycle.find_transition(action, project.status)
            ],
        }

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
    success_criteria = serializers.CharField()
    measures = serializers.JSONField()
    reason = serializers.CharField()
    created_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_created_by(self, snapshot) -> str:
        return display_name(snapshot.created_by)
