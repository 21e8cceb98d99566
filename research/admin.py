"""The Django admin: staff look at everything here, and fix what has no screen of its own.

Nothing here opens pupil rows outside the product's rules (issue 11). Even staff may not see pupil
rows (research/access.py); if the admin could edit who is in a project group, a member of staff
could add themselves and read them. So:
- Project groups (ProjectMember) are read-only, on their own page and inline on a project: people
  join through a join request that the project lead approves and leave through member removal
  (research/services/members.py, the API's rules), where nobody approves their own request.
- Alliance places (Membership) are added, changed and deleted through
  research/services/memberships.py: nobody gives themselves a place or a role; the person and the
  alliance of an existing place never change; deleting a place (one or in bulk) ends the person's
  project places in that alliance in the same transaction. Inline on an alliance they are read-only,
  with a link to the place's own page.
The admin reads freely; a write with domain effects goes through the service the API uses, or is
read-only here (issue 16), because an edit here would otherwise skip what the product does around it:
- Projects change through research.services.projects.project_update: the same checks of measures,
  success criteria (shown checked, with each criterion in words, never accepted as unchecked JSON)
  and planned numbers, shown as form errors; after the freeze a change to the plan records a plan
  revision (with the reason given on the form) and a change of measures refreshes the stored effect
  summaries. Status moves only through research.lifecycle; the lead and the alliance are read-only
  (the lead's rights and the alliance's pupil data follow them). Projects are proposed in the
  product (project_propose creates the stages and the lead's place), never added here; and they are
  withdrawn (research.lifecycle), never deleted here: deleting one would take its audit trail of
  pupil-row reads, its status history and its frozen plans with it.
- Stages change through research.services.stages.stage_update (a change to the agreed question or
  rationale after the freeze is a plan revision); on a project's page they are read-only, with a
  link. Only a stage the project has reached, in a status that allows writing, can be changed.
- Join requests are read-only: the project lead answers them in the product
  (research.services.members.join_request_decide), where nobody answers their own.
- Evidence is never added here (the upload checks the file's content); its file, link, text and
  place are read-only; deleting goes through research.services.evidence.evidence_delete (the
  file goes with the row, and published projects' evidence stays).
- A measure's kind, scale and direction are read-only once a project uses it: the analysis, the
  stored effect summaries and the alliance synthesis read them.
A superuser can still do what Django's own user admin allows (reset someone's password...): the
admin is for trusted staff; these rules close the routes that look like ordinary record editing.
"""
import re

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html_join

from . import access, models
from .errors import InvalidInput
from .models.stage import STAGE_FIELDS
from .selectors.plan import labelled_criteria
from .services.evidence import evidence_delete
from .services.memberships import membership_create, membership_end, membership_update
from .services.projects import PROJECT_UPDATE_FIELDS, project_changes_clean, project_update
from .services.stages import stage_is_reached, stage_update
from .services.summaries import alliance_min_cell_size_update


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit and frozen records: visible, never editable."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline:
    """An inline that shows its rows and never adds, changes or deletes one."""

    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnlyInline, admin.TabularInline):
    """Read-only here: places change on their own page, through the service (see the module docstring)."""

    model = models.Membership
    fields = ["user", "school", "role"]


class AllianceSchoolInline(admin.TabularInline):
    model = models.AllianceSchool
    extra = 0
    autocomplete_fields = ["school"]


@admin.register(models.Alliance)
class AllianceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "min_schools_per_project", "min_cell_size"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [AllianceSchoolInline, MembershipInline]

    def save_model(self, request, obj, form, change):
        # The disclosure threshold goes through its service, which recomputes the stored effects.
        new_min_cell = obj.min_cell_size
        if change and "min_cell_size" in form.changed_data:
            obj.min_cell_size = form.initial["min_cell_size"]
            super().save_model(request, obj, form, change)
            alliance_min_cell_size_update(actor=request.user, alliance=obj, min_cell_size=new_min_cell)
        else:
            super().save_model(request, obj, form, change)


@admin.register(models.School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "urn", "phase", "region"]
    search_fields = ["name", "urn"]
    list_filter = ["phase"]


@admin.register(models.AllianceSchool)
class AllianceSchoolAdmin(admin.ModelAdmin):
    list_display = ["alliance", "school", "joined_on"]
    list_filter = ["alliance"]


class MembershipForm(forms.ModelForm):
    """Says, as a form error, what research.services.memberships would refuse."""

    actor = None  # the signed-in member of staff, set per request by MembershipAdmin.get_form

    class Meta:
        model = models.Membership
        fields = ["user", "alliance", "school", "role"]

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user") if "user" in self.fields else self.instance.user
        if user is not None:
            refusal = access.membership_grant_refusal(self.actor, user.pk)
            if refusal:
                raise forms.ValidationError(refusal)
        return cleaned


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Every add, change and delete goes through research.services.memberships."""

    form = MembershipForm
    list_display = ["user", "alliance", "school", "role"]
    list_filter = ["alliance", "role"]
    search_fields = ["user__username", "school__name"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a place to another person or alliance would skip ending it: delete it and add one.
        return ["user", "alliance"] if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a fresh class per request: safe to set
        return form

    def save_model(self, request, obj, form, change):
        if change:
            membership_update(actor=request.user, membership=obj, school=obj.school, role=obj.role)
            return
        created = membership_create(actor=request.user, user=obj.user, alliance=obj.alliance, school=obj.school,
                                    role=obj.role)
        obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db

    def delete_model(self, request, obj):
        membership_end(actor=request.user, membership=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for membership in queryset:
            membership_end(actor=request.user, membership=membership)


@admin.register(models.Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(models.Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "alliance", "kind", "scale_min", "scale_max", "higher_is_better"]
    list_filter = ["alliance", "kind"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        # What the analysis reads: fixed once a project uses the measure (see the module docstring).
        if obj is not None and obj.projects.exists():
            return ["alliance", "kind", "scale_min", "scale_max", "higher_is_better"]
        return []


def _add_domain_errors(form: forms.Form, error: InvalidInput) -> None:
    """A service's refusal as form errors: "success_criteria[1].score" goes beside success_criteria."""
    if not error.fields:
        form.add_error(None, error.message)
    for name, messages in error.fields.items():
        field = re.split(r"[\[.]", name, maxsplit=1)[0]
        for message in messages:
            if field in form.fields:
                form.add_error(field, message if name == field else f"{name}: {message}")
            else:
                form.add_error(None, f"{name}: {message}")


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


@admin.register(models.Hub)
class HubAdmin(admin.ModelAdmin):
    """Hubs are set up by staff (issue 15): which alliances they group, and who leads them."""

    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["alliances", "leads"]
