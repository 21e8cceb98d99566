"""Filter backends that only describe: a list's filters, `search` and `ordering` appear in the
OpenAPI schema (and the browsable API's forms), while the list's selector applies them
(research.selectors.filtering). Filtering here as well would do it twice.
"""
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters


class FilterSetInSchema(DjangoFilterBackend):
    """The view's `filterset_class`, documented."""

    def filter_queryset(self, request, queryset, view):
        return queryset


class SearchInSchema(filters.SearchFilter):
    """The `search` parameter, documented."""

    def filter_queryset(self, request, queryset, view):
        return queryset


class OrderingInSchema(filters.OrderingFilter):
    """The `ordering` parameter, documented."""

    def filter_queryset(self, request, queryset, view):
        return queryset


# The default backend (settings.REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"]): selectors filter.
QueryFilterBackend = FilterSetInSchema
