"""/alliances/{id}/schools/ and /alliances/{id}/schools/import/: the alliance lead (and staff) add schools to
the alliance, one at a time or from a list (issue 13). 404 outside the alliance, 403 to its other members.

The alliance's schools are read at GET /api/v1/schools/?alliance={id} (public, as before).
"""
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import parsers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from research.models.choices import SchoolPhase
from research.selectors.catalog import alliance_for_school_admin
from research.services.schools import alliance_school_add, check_school_list_size, schools_import

from .catalog import SchoolOut
from .throttles import UploadThrottle


class AllianceSchoolIn(serializers.Serializer):
    urn = serializers.CharField(max_length=20, help_text="The school's 6-digit unique reference number.")
    name = serializers.CharField(max_length=200)
    phase = serializers.ChoiceField(choices=SchoolPhase.choices)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    update_existing = serializers.BooleanField(default=False, help_text=(
        "For a URN already known: replace its name, phase and region with these (everywhere the school "
        "appears). Without it they are kept and `differences` says what differs."))


class ChangeOut(serializers.Serializer):
    given = serializers.CharField()
    kept = serializers.CharField()


class DifferencesOut(serializers.Serializer):
    name = ChangeOut(required=False)
    phase = ChangeOut(required=False)
    region = ChangeOut(required=False)


class AllianceSchoolAddedOut(serializers.Serializer):
    school = SchoolOut()
    result = serializers.ChoiceField(choices=["created", "linked", "already_in_alliance"], help_text=(
        "created: a new school; linked: a school already known (by its URN) is now in the alliance; "
        "already_in_alliance: nothing new."))
    updated = serializers.ListField(child=serializers.CharField(), help_text="Fields replaced (update_existing).")
    differences = DifferencesOut(help_text="Details given that differ from the known school's, which were kept.")


class AllianceSchoolsView(APIView):
    @extend_schema(request=AllianceSchoolIn, responses={201: AllianceSchoolAddedOut, 200: AllianceSchoolAddedOut})
    def post(self, request, alliance_id):
        alliance = alliance_for_school_admin(user=request.user, alliance_id=alliance_id)
        data = AllianceSchoolIn(data=request.data)
        data.is_valid(raise_exception=True)
        added = alliance_school_add(actor=request.user, alliance=alliance, **data.validated_data)
        body = {"school": SchoolOut(added.school).data, "result": added.result, "updated": added.updated,
                "differences": added.differences}
        return Response(body, status=201 if added.result in ("created", "linked") else 200)


class SchoolsImportIn(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (comma, semicolon or tab; UTF-8, UTF-16 or Windows-1252) or .xlsx, "
                                           "columns URN, name, phase and optionally region.")
    dry_run = serializers.BooleanField(default=False)
    update_existing = serializers.BooleanField(default=False)


class ImportedSchoolOut(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    row = serializers.IntegerField()
    urn = serializers.CharField()
    name = serializers.CharField()
    phase = serializers.CharField()
    region = serializers.CharField(allow_blank=True)


class UpdatedSchoolOut(ImportedSchoolOut):
    changed = DifferencesOut()


class KeptSchoolOut(ImportedSchoolOut):
    differences = DifferencesOut()


class SchoolRowErrorOut(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Spreadsheet row (header = 1); null for the file.")
    column = serializers.CharField(allow_null=True)
    value = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class SchoolsImportOut(serializers.Serializer):
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = ImportedSchoolOut(many=True)
    linked = ImportedSchoolOut(many=True, help_text="Schools already known (by URN), now in the alliance.")
    already_in_alliance = ImportedSchoolOut(many=True)
    updated = UpdatedSchoolOut(many=True)
    differences = KeptSchoolOut(many=True, help_text="Known schools whose details in the file differ; kept.")
    columns = serializers.DictField(child=serializers.CharField())


class SchoolsImportRejectedOut(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = SchoolRowErrorOut(many=True)
    error_total = serializers.IntegerField()


class SchoolsImportFormRejectedOut(serializers.Serializer):
    """The form itself refused (no file, a bad flag): messages per field, as every form's 400."""

    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


# A 400 is one of the two: the list's rows refused (errors: a list) or the form refused (errors: per field).
SchoolsImport400 = PolymorphicProxySerializer(
    component_name="SchoolsImportRefused", serializers=[SchoolsImportRejectedOut, SchoolsImportFormRejectedOut],
    resource_type_field_name=None)


def _summary(result) -> dict:
    return {"dry_run": result.dry_run, "rows": result.rows, "created": result.created, "linked": result.linked,
            "already_in_alliance": result.already_in_alliance, "updated": result.updated,
            "differences": result.differences, "columns": result.columns}


class AllianceSchoolsImportView(APIView):
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    throttle_classes = [UploadThrottle]

    @extend_schema(request={"multipart/form-data": SchoolsImportIn},
                   responses={201: SchoolsImportOut, 200: OpenApiResponse(SchoolsImportOut, description=(
                       "A dry run, or a list that added nothing new: nothing stored.")),
                              400: SchoolsImport400})
    def post(self, request, alliance_id):
        alliance = alliance_for_school_admin(user=request.user, alliance_id=alliance_id)
        data = SchoolsImportIn(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        check_school_list_size(upload.size)  # before reading it into memory
        result = schools_import(actor=request.user, alliance=alliance, data=upload.read(),
                                dry_run=data.validated_data["dry_run"],
                                update_existing=data.validated_data["update_existing"])
        if not result.ok:
            problems = "problem" if result.error_total == 1 else "problems"
            return Response({"code": "invalid_file",
                             "detail": f"Nothing was stored: the list has {result.error_total} {problems}.",
                             "errors": [error.as_dict() for error in result.errors],
                             "error_total": result.error_total}, status=400)
        return Response(_summary(result), status=201 if result.stored else 200)
