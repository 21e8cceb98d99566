"""The outcome upload's mapping half (issue 13): the `school_map`, `measure_map` and `group_map` form
fields, and what the answer says about values, columns and problems beside the stored rows.

Kept apart from api/outcomes.py (the upload itself) so each stays readable; api/outcomes.py adds
these fields to its input and `mapping_body` to its answer.
"""
from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from research.imports.errors import error_summary
from research.imports.mapping import ROLES

from .parsers import json_depth

MAX_MAP_CHARS = 200_000
_EXAMPLE = '{"St Faith\'s Infants": 12}'


@extend_schema_field({"type": "string", "description": "A JSON object: file value -> target."})
class JSONMapField(serializers.Field):
    """A multipart field holding a JSON object of file value -> target (a number or a word)."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            text = json.dumps(data)
        elif isinstance(data, str):
            text = data
        else:
            raise serializers.ValidationError(f"Send a JSON object such as {_EXAMPLE}.")
        if not text.strip():
            return {}
        if len(text) > MAX_MAP_CHARS:
            raise serializers.ValidationError(f"The map is longer than {MAX_MAP_CHARS:,} characters.")
        if "\x00" in text or "\\u0000" in text:
            raise serializers.ValidationError("The map cannot contain the NUL character.")
        if json_depth(text) > 1:
            raise serializers.ValidationError(f"Send a flat JSON object such as {_EXAMPLE}: each value is one id "
                                              "or group word, not a list or an object.")
        try:
            found = json.loads(text)
        except ValueError:
            shown = text[:60] + ("..." if len(text) > 60 else "")
            raise serializers.ValidationError(
                f"Not valid JSON: {shown!r}. Send an object such as {_EXAMPLE}.") from None
        if not isinstance(found, dict):
            raise serializers.ValidationError(f"Send a JSON object (file value -> target) such as {_EXAMPLE}.")
        return found

    def to_representation(self, value: Any) -> Any:
        return value


def maps_from(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The validated form's maps, as research.services.outcomes.outcomes_import takes them (JSON-able,
    so an import job can keep them)."""
    return {role: values.get(f"{role}_map") or {} for role in ROLES}


# -- the answer ------------------------------------------------------------------------------------

class ImportSuggestionOut(serializers.Serializer):
    id = serializers.JSONField(help_text="School or measure id; for a group, 'intervention' or 'comparison'.")
    name = serializers.CharField()
    score = serializers.IntegerField(help_text="0-100: how alike (rapidfuzz); a URN in the value scores 100.")


class ImportUnmatchedValueOut(serializers.Serializer):
    value = serializers.CharField(help_text="The value as most rows spell it (a wide file: the column heading).")
    rows = serializers.IntegerField(help_text="Rows holding it.")
    column = serializers.CharField(help_text="The column it was found in.")
    heading = serializers.BooleanField(help_text="A column heading offered as a measure, not a cell value.")
    suggestions = ImportSuggestionOut(many=True)


class ImportMappedValueOut(serializers.Serializer):
    value = serializers.CharField()
    rows = serializers.IntegerField()
    id = serializers.JSONField()
    name = serializers.CharField()
    source = serializers.ChoiceField(choices=["alias", "map"], help_text="A stored alias or this upload's own map.")
    heading = serializers.BooleanField()


class ImportErrorGroupOut(serializers.Serializer):
    column = serializers.CharField(allow_null=True)
    problem = serializers.CharField(help_text="A stable code: unknown_school, not_a_number, above_scale, file...")
    message = serializers.CharField()
    count = serializers.IntegerField()
    rows = serializers.CharField(allow_null=True, help_text="As ranges, e.g. '2-81' or '5, 9-12'; null: whole file.")
    row_count = serializers.IntegerField()
    whole_file = serializers.BooleanField()
    values = serializers.ListField(child=serializers.CharField(), help_text="The first few values.")


class ImportErrorSummaryOut(serializers.Serializer):
    problems = serializers.IntegerField()
    rows = serializers.IntegerField()
    whole_file = serializers.IntegerField()
    text = serializers.CharField(help_text="e.g. '3 problems in 92 rows'.")


def mapping_fields(required: bool) -> dict[str, serializers.Field]:
    """The answer's mapping keys, for the schema."""
    suffix = "" if required else "Rejected"
    per_role = lambda name, make, **kw: inline_serializer(  # noqa: E731
        name + suffix, {role: make() for role in ROLES}, required=required, **kw)
    return {
        "unmatched": per_role("ImportUnmatched", lambda: ImportUnmatchedValueOut(many=True),
                              help_text="Values no alias or map placed, per role."),
        "unmatched_total": per_role("ImportUnmatchedTotal", serializers.IntegerField),
        "mapped": per_role("ImportMapped", lambda: ImportMappedValueOut(many=True),
                           help_text="Values a stored alias or this upload's map placed."),
        "absent": serializers.IntegerField(required=required,
                                           help_text="Score cells blank or holding an absence code."),
        "absent_by_measure": inline_serializer("ImportAbsent" + suffix, {
            "measure": serializers.IntegerField(), "absent": serializers.IntegerField()}, many=True, required=required),
        "error_groups": ImportErrorGroupOut(many=True, required=required, help_text=(
            "One per column and problem: whole-file ones first, then those with the most rows.")),
        "error_summary": ImportErrorSummaryOut(required=required),
    }


def mapping_body(result) -> dict[str, Any]:
    """The mapping keys of an upload's answer (research.services.outcomes.ImportResult)."""
    parsed = result.parsed
    groups = result.error_groups if not result.ok else []
    return {
        "unmatched": {role: [v.as_dict() for v in parsed.unmatched.get(role, [])] for role in ROLES},
        "unmatched_total": {role: parsed.unmatched_total.get(role, 0) for role in ROLES},
        "mapped": {role: [v.as_dict() for v in parsed.mapped.get(role, [])] for role in ROLES},
        "absent": sum(parsed.absent.values()),
        "absent_by_measure": [{"measure": m, "absent": n} for m, n in sorted(parsed.absent.items())],
        "error_groups": [g.as_dict() for g in groups],
        "error_summary": error_summary(groups),
    }
