"""What every admin page here shares: read-only pages and inlines, domain errors shown on forms."""
import re

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html_join

from .. import access, models
from ..errors import InvalidInput
from ..models.stage import STAGE_FIELDS
from ..selectors.plan import labelled_criteria
from ..services.evidence import evidence_delete
from ..services.memberships import membership_create, membership_end, membership_update
from ..services.projects import PROJECT_UPDATE_FIELDS, project_changes_clean, project_update
from ..services.stages import stage_is_reached, stage_update
from ..services.summaries import alliance_min_cell_size_update


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
