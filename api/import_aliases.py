"""/alliances/{id}/import-aliases/ and /alliances/{id}/import-settings/: what the alliance's outcome
imports remember (issue 13), for its lead (and staff): 404 outside the alliance, 403 to other members.

The absence codes live here rather than on /alliances/{id}/: that resource is public and read-only
(alliance names appear on published findings), while the codes, like the aliases, are the import's
working settings that only the lead changes; one permission rule covers both.
"""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.imports.mapping import DEFAULT_ABSENCE_CODES
from research.models.imports import AliasRole
from research.selectors.import_aliases import import_alias_get, import_alias_list, import_settings_get
from research.services.import_aliases import (group_label, import_alias_delete, import_alias_update,
                                              import_settings_update)

from .common import display_name
from .pagination import PageNumberPagination


class AliasTargetOut(serializers.Serializer):
    id = serializers.JSONField(help_text="School or measure id; for a group, 'intervention' or 'comparison'.")
    name = serializers.CharField()


class ImportAliasOut(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=AliasRole.choices)
    value = serializers.CharField(help_text="The spelling as a file first had it.")
    value_normalised = serializers.CharField(help_text="How files are compared with it: any case, letters and "
                                                       "digits only.")
    target = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @staticmethod
    @extend_schema_field(AliasTargetOut)
    def get_target(alias) -> dict:
        if alias.role == AliasRole.SCHOOL:
            return {"id": alias.school_id, "name": alias.school.name}
        if alias.role == AliasRole.MEASURE:
            return {"id": alias.measure_id, "name": alias.measure.name}
        return {"id": alias.group, "name": group_label(alias.group)}

    @staticmethod
    def get_created_by(alias) -> str | None:
        return display_name(alias.created_by) if alias.created_by_id else None


class ImportAliasIn(serializers.Serializer):
    target = serializers.JSONField(help_text="The new target: a school id, a measure id, or 'intervention' / "
                                             "'comparison' (as the alias's role needs).")


class ImportAliasesView(APIView):
    @extend_schema(
        operation_id="v1_alliances_import_aliases_list",
        parameters=[OpenApiParameter("role", str, enum=list(AliasRole.values)), OpenApiParameter("page", int),
                    OpenApiParameter("page_size", int)],
        responses=inline_serializer("PaginatedImportAliasList", {
            "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True), "results": ImportAliasOut(many=True)}),
    )
    def get(self, request, alliance_id):
        aliases = import_alias_list(user=request.user, alliance_id=alliance_id, filters=request.query_params)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(aliases, request, view=self)
        return paginator.get_paginated_response(ImportAliasOut(page, many=True).data)


class ImportAliasDetailView(APIView):
    def _alias(self, request, alliance_id, alias_id):
        return import_alias_get(user=request.user, alliance_id=alliance_id, alias_id=alias_id)

    @extend_schema(responses=ImportAliasOut)
    def get(self, request, alliance_id, alias_id):
        return Response(ImportAliasOut(self._alias(request, alliance_id, alias_id)).data)

    @extend_schema(request=ImportAliasIn, responses=ImportAliasOut)
    def patch(self, request, alliance_id, alias_id):
        alias = self._alias(request, alliance_id, alias_id)
        data = ImportAliasIn(data=request.data)
        data.is_valid(raise_exception=True)
        alias = import_alias_update(actor=request.user, alias=alias, target=data.validated_data["target"])
        return Response(ImportAliasOut(alias).data)

    @extend_schema(responses={204: None})
    def delete(self, request, alliance_id, alias_id):
        import_alias_delete(actor=request.user, alias=self._alias(request, alliance_id, alias_id))
        return Response(status=204)


class ImportSettingsOut(serializers.Serializer):
    absence_codes = serializers.ListField(child=serializers.CharField(), help_text=(
        "Written where a score belongs, any case: the pupil was absent at that stage (no score stored, not an "
        "error). A blank cell always counts as absent."))
    default_absence_codes = serializers.ListField(child=serializers.CharField())


class ImportSettingsIn(serializers.Serializer):
    absence_codes = serializers.ListField(child=serializers.CharField(allow_blank=True, trim_whitespace=False),
                                          allow_empty=True, max_length=100)


def _settings_body(codes: list[str]) -> dict:
    return {"absence_codes": codes, "default_absence_codes": list(DEFAULT_ABSENCE_CODES)}


class ImportSettingsView(APIView):
    @extend_schema(responses=ImportSettingsOut)
    def get(self, request, alliance_id):
        return Response(_settings_body(import_settings_get(user=request.user, alliance_id=alliance_id)))

    @extend_schema(request=ImportSettingsIn, responses=ImportSettingsOut)
    def patch(self, request, alliance_id):
        import_settings_get(user=request.user, alliance_id=alliance_id)  # 404 / 403 before reading the body
        data = ImportSettingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        codes = import_settings_update(actor=request.user, alliance_id=alliance_id,
                                       absence_codes=data.validated_data["absence_codes"])
        return Response(_settings_body(codes))
