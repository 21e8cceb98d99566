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
A superuser can still do what Django's own user admin allows (reset someone's password...): the
admin is for trusted staff; these rules close the routes that look like ordinary record editing.
"""
from django import forms
from django.contrib import admin
from django.db import transaction

from . import access, models
from .services.memberships import membership_create, membership_end, membership_update
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


class StageInline(admin.StackedInline):
    model = models.Stage
    extra = 0
    can_delete = False
    max_num = 3


class ProjectMemberInline(ReadOnlyInline, admin.TabularInline):
    """Read-only: groups change through join requests and member removal (see the module docstring)."""

    model = models.ProjectMember
    fields = ["user", "school", "joined_at"]
    readonly_fields = ["joined_at"]


@admin.register(models.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "alliance", "status", "subject", "phase", "academic_year", "lead"]
    list_filter = ["alliance", "status", "subject", "phase"]
    search_fields = ["title", "research_question"]
    # Status changes go through research.lifecycle (guards and audit), never through the admin form.
    readonly_fields = ["status", "created_at", "updated_at"]
    filter_horizontal = ["themes", "measures"]
    inlines = [StageInline, ProjectMemberInline]


@admin.register(models.Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["project", "kind", "session_date"]
    list_filter = ["kind"]


@admin.register(models.ProjectMember)
class ProjectMemberAdmin(ReadOnlyAdmin):
    """Read-only: a group row opens pupil rows, so groups change only by the API's rules."""

    list_display = ["project", "user", "school", "joined_at"]


@admin.register(models.JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "school", "status", "created_at"]
    list_filter = ["status"]


@admin.register(models.StageTransition)
class StageTransitionAdmin(ReadOnlyAdmin):
    list_display = ["project", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action"]


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
    list_display = ["title", "stage", "kind", "visibility", "uploader", "created_at"]
    list_filter = ["kind", "visibility"]
