"""Alliances, schools, alliance places, themes, measures and hubs."""

from django import forms
from django.contrib import admin
from django.db import transaction

from .. import access, models
from ..services.memberships import membership_create, membership_end, membership_update
from ..services.summaries import alliance_min_cell_size_update
from .base import ReadOnlyAdmin, ReadOnlyInline, _add_domain_errors  # noqa: F401


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


@admin.register(models.Hub)
class HubAdmin(admin.ModelAdmin):
    """Hubs are set up by staff (issue 15): which alliances they group, and who leads them."""

    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["alliances", "leads"]
