"""What every admin page here shares: read-only pages and inlines, domain errors shown on forms."""
import re

from django import forms
from django.contrib import admin

from ..errors import InvalidInput


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
