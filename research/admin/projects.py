"""Projects, stages, groups, join requests, transitions, evidence and their audit trails."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html_join

from .. import access, models
from ..errors import InvalidInput
from ..models.stage import STAGE_FIELDS
from ..selectors.plan import labelled_criteria
from ..services.evidence import evidence_delete
from ..services.projects import PROJECT_UPDATE_FIELDS, project_changes_clean, project_update
from ..services.stages import stage_is_reached, stage_update
from .base import ReadOnlyAdmin, ReadOnlyInline, _add_domain_errors  # noqa: F401


class RevisionReasonForm(forms.ModelForm):
    revision_reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the plan changed: recorded with the plan revision if the plan is already frozen.")


class ProjectForm(RevisionReasonForm):
    """Says, as form errors, what project_update would refuse (the same checks, the same words)."""

    class Meta:
        model = models.Project
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and not self.errors:
            try:
                project_changes_clean(project=self.instance, changes=_project_changes(self))
            except InvalidInput as error:
                _add_domain_errors(self, error)
        return cleaned


def _project_changes(form: forms.ModelForm) -> dict:
    changes = {name: form.cleaned_data[name] for name in form.changed_data if name in PROJECT_UPDATE_FIELDS}
    for name in ("themes", "measures"):
        if name in changes:
            changes[name] = list(changes[name])
    return changes


class StageInline(ReadOnlyInline, admin.StackedInline):
    """Read-only: a stage changes on its own page, through stage_update (see the module docstring)."""

    model = models.Stage
    max_num = 3
    fields = ["kind", "session_date", "updated_at"]
    readonly_fields = ["updated_at"]


class ProjectMemberInline(ReadOnlyInline, admin.TabularInline):
    """Read-only: groups change through join requests and member removal (see the module docstring)."""

    model = models.ProjectMember
    fields = ["user", "school", "joined_at"]
    readonly_fields = ["joined_at"]


@admin.register(models.Project)
class ProjectAdmin(admin.ModelAdmin):
    """Every change goes through project_update (see the module docstring)."""

    form = ProjectForm
    list_display = ["title", "alliance", "status", "subject", "phase", "academic_year", "lead"]
    list_filter = ["alliance", "status", "subject", "phase"]
    search_fields = ["title", "research_question"]
    # Status changes go through research.lifecycle (guards and audit), never through the admin form.
    readonly_fields = ["alliance", "lead", "status", "criteria_in_words", "created_at", "updated_at"]
    filter_horizontal = ["themes", "measures"]
    inlines = [StageInline, ProjectMemberInline]

    @admin.display(description="Success criteria in words")
    def criteria_in_words(self, obj):
        if obj is None or not obj.pk or not obj.success_criteria:
            return "-"
        return format_html_join("", "<p>{}</p>", ((c["label"],) for c in labelled_criteria(obj)))

    def has_add_permission(self, request):
        return False  # proposed in the product: project_propose creates the stages and the lead's place

    def has_delete_permission(self, request, obj=None):
        return False  # withdrawn through research.lifecycle; the audit rows and frozen plans stay

    def has_change_permission(self, request, obj=None):
        if obj is not None and not access.can_edit_project(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        project_update(actor=request.user, project=obj, revision_reason=form.cleaned_data.get("revision_reason") or "",
                       **_project_changes(form))
        obj.refresh_from_db()  # the admin's message and log describe what was stored

    def save_related(self, request, form, formsets, change):
        # Themes and measures were set by project_update; form.save_m2m() would set them again, unchecked.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(models.Stage)
class StageAdmin(admin.ModelAdmin):
    """Every change goes through stage_update (see the module docstring)."""

    form = RevisionReasonForm
    list_display = ["project", "kind", "session_date"]
    list_filter = ["kind"]
    readonly_fields = ["project", "kind", "updated_at"]

    def get_fields(self, request, obj=None):
        writing = list(STAGE_FIELDS[obj.kind]) if obj is not None else []
        return ["project", "kind", "session_date", "attendees", *writing, "revision_reason", "updated_at"]

    def has_add_permission(self, request):
        return False  # every project has its three stages from the start

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and not (access.can_write_stage(request.user, obj.project)
                                    and stage_is_reached(obj.project, obj.kind)):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        changed = set(form.changed_data)
        writing = {name: form.cleaned_data[name] for name in STAGE_FIELDS[obj.kind] if name in changed}
        extra = {}
        if "session_date" in changed:
            extra.update(session_date=form.cleaned_data["session_date"],
                         unset_session_date=form.cleaned_data["session_date"] is None)
        if "attendees" in changed:
            extra["attendees"] = form.cleaned_data["attendees"]
        stage_update(actor=request.user, project=obj.project, kind=obj.kind,
                     revision_reason=form.cleaned_data.get("revision_reason") or "", **extra, **writing)
        obj.refresh_from_db()


@admin.register(models.ProjectMember)
class ProjectMemberAdmin(ReadOnlyAdmin):
    """Read-only: a group row opens pupil rows, so groups change only by the API's rules."""

    list_display = ["project", "user", "school", "joined_at"]


@admin.register(models.JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    """Read-only: the project lead answers requests in the product, where nobody answers their own."""

    list_display = ["project", "user", "school", "status", "created_at"]
    list_filter = ["status"]


@admin.register(models.StageTransition)
class StageTransitionAdmin(ReadOnlyAdmin):
    list_display = ["project", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action"]


@admin.register(models.EvidenceChange)
class EvidenceChangeAdmin(ReadOnlyAdmin):
    """Who edited or deleted which evidence, and when (written by research.services.evidence only)."""

    list_display = ["at", "actor_name", "action", "title", "project"]
    list_filter = ["action"]
    search_fields = ["actor_name", "title"]


@admin.register(models.PupilRowRead)
class PupilRowReadAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "project", "endpoint", "format", "row_count"]
    list_filter = ["format"]
    search_fields = ["username"]


@admin.register(models.PlanSnapshot)
class PlanSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["project", "revision", "created_by", "created_at"]


@admin.register(models.Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Title, kind and visibility can be corrected; the content only through the product (see the docstring)."""

    list_display = ["title", "stage", "kind", "visibility", "uploader", "created_at"]
    list_filter = ["kind", "visibility"]
    readonly_fields = ["stage", "uploader", "file", "filename", "content_type", "size", "link", "text", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not access.can_delete_evidence(request.user, obj, obj.stage.project):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        evidence_delete(actor=request.user, project=obj.stage.project, evidence=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for evidence in queryset.select_related("stage__project"):
            evidence_delete(actor=request.user, project=evidence.stage.project, evidence=evidence)
