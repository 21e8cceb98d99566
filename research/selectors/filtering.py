"""How selectors narrow a list: their FilterSet over the raw query parameters, words searched,
an ordering chosen from a fixed list. The API passes the parameters as they came; the rules for
reading them live here, beside the queries.
"""
from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from functools import reduce
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal

from ..errors import InvalidFilters

Filters = Mapping[str, Any]  # the raw query parameters (a QueryDict: MultipleChoiceFilters read getlist)


def filtered(filterset_class: type[django_filters.FilterSet], filters: Filters | None,
             queryset: QuerySet) -> QuerySet:
    """`queryset` narrowed by `filterset_class` over `filters`, or InvalidFilters naming each bad one.

    Skipped when no parameter names one of its filters: building the FilterSet's form costs about
    1 ms a request, and with none of its filters given it could only return the queryset unchanged.
    Prefixes, not exact names: range filters read suffixed names such as `year_min`.
    """
    if not filters or not any(key.startswith(name) for key in filters for name in filterset_class.base_filters):
        return queryset
    filterset = filterset_class(filters, queryset=queryset)
    if not filterset.is_valid():
        raise InvalidFilters("Some filters are not valid.",
                             fields={name: list(messages) for name, messages in filterset.errors.items()})
    return filterset.qs


def search_terms(text: str) -> list[str]:
    """The words of a `search` parameter: split on spaces and commas; a quoted phrase stays whole.

    (As Django REST framework's SearchFilter has always read it here.)
    """
    terms = []
    for term in smart_split(text):
        term = term.strip(",")
        if term.startswith(('"', "'")) and term[0] == term[-1]:
            terms.append(unescape_string_literal(term))
        else:
            terms.extend(part.strip() for part in term.split(",") if part)
    return terms


def searched(queryset: QuerySet, text: str, fields: Sequence[str]) -> QuerySet:
    """Rows in which every search term appears (any case) in at least one of `fields`."""
    terms = search_terms(text or "")
    if not terms:
        return queryset
    return queryset.filter(reduce(operator.and_, (
        reduce(operator.or_, (Q(**{f"{field}__icontains": term}) for field in fields)) for term in terms
    )))


def ordered(queryset: QuerySet, ordering: str | None, allowed: Sequence[str]) -> QuerySet:
    """`queryset` sorted by the comma-separated `ordering` (`-` for descending); names not in
    `allowed` are ignored, and with none left the queryset keeps its own order."""
    if ordering:
        fields = [name.strip() for name in ordering.split(",")]
        fields = [name for name in fields if name.removeprefix("-") in allowed]
        if fields:
            return queryset.order_by(*fields)
    return queryset
