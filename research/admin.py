from django.contrib import admin

from . import models
from .services.summaries import alliance_min_cell_size_update


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["user", "school"]


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


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "alliance", "school", "role"]
    list_filter = ["alliance", "role"]
    search_fields = ["user__username", "school__name"]


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


class ProjectMemberInline(admin.TabularInline):
    model = models.ProjectMember
    extra = 0


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
class ProjectMemberAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "school", "joined_at"]


@admin.register(models.JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "school", "status", "created_at"]
    list_filter = ["status"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit and frozen records: visible, never editable."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.StageTransition)
class StageTransitionAdmin(ReadOnlyAdmin):
    list_display = ["project", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action"]


@admin.register(models.PlanSnapshot)
class PlanSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["project", "revision", "created_by", "created_at"]


@admin.register(models.Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["title", "stage", "kind", "visibility", "uploader", "created_at"]
    list_filter = ["kind", "visibility"]
