"""Filters on whole numbers the database can hold (ids by default): 400 otherwise, never a 500."""
import django_filters
from django import forms

MAX_ID = 2**63 - 1  # the largest BIGINT: anything bigger cannot name a row (and overflows SQLite)


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
