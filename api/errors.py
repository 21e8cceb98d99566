"""Every error is JSON with a stable `code`, a `detail` a teacher can act on, and specifics.

{"code": "guard_failed", "detail": "...", "conditions": [...]}   409, from research.lifecycle
{"code": "invalid", "detail": "...", "errors": {"field": ["..."]}}  400
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from research import errors as domain

from .parsers import TooDeep

DOMAIN_STATUS = {
    domain.NotFound: status.HTTP_404_NOT_FOUND,
    domain.Forbidden: status.HTTP_403_FORBIDDEN,
    domain.Conflict: status.HTTP_409_CONFLICT,
    domain.InvalidInput: status.HTTP_400_BAD_REQUEST,
    domain.Gone: status.HTTP_410_GONE,
}

DRF_CODES = {
    exceptions.NotAuthenticated: ("not_authenticated", "Sign in to do this."),
    exceptions.AuthenticationFailed: ("authentication_failed", None),
    exceptions.PermissionDenied: ("permission_denied", None),
    exceptions.NotFound: ("not_found", "Not found, or you do not have access to it."),
    exceptions.MethodNotAllowed: ("method_not_allowed", None),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", None),
    TooDeep: ("too_deep", None),  # before ParseError, its parent: the first match wins
    exceptions.ParseError: ("parse_error", None),
    exceptions.Throttled: ("throttled", None),
    exceptions.NotAcceptable: ("not_acceptable", None),
}


def _domain_response(error: domain.DomainError) -> Response:
    body = {"code": error.code, "detail": error.message}
    if error.conditions:
        body["conditions"] = error.conditions
    if error.fields:
        body["errors"] = error.fields
    return Response(body, status=DOMAIN_STATUS.get(type(error), _status_for(error)))


def _status_for(error: domain.DomainError) -> int:
    for cls, code in DOMAIN_STATUS.items():
        if isinstance(error, cls):
            return code
    return status.HTTP_400_BAD_REQUEST


def _summary(errors) -> str:
    """One readable sentence from DRF's field errors, for the error summary."""
    if isinstance(errors, dict):
        parts = []
        for field, messages in errors.items():
            text = _summary(messages)
            parts.append(text if field == "non_field_errors" else f"{field}: {text}")
        return " ".join(parts)
    if isinstance(errors, list):
        return " ".join(_summary(item) for item in errors)
    return str(errors)


def exception_handler(exc, context):
    if isinstance(exc, domain.InvalidFilters):  # a list's query parameters: answered like any invalid input
        exc = exceptions.ValidationError(exc.fields)
    elif isinstance(exc, domain.DomainError):
        return _domain_response(exc)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {
            "code": "invalid",
            "detail": "Please correct the highlighted fields. " + _summary(errors),
            "errors": errors,
        }
        return response
    code, default_detail = next(
        ((c, d) for cls, (c, d) in DRF_CODES.items() if isinstance(exc, cls)), ("error", None)
    )
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    response.data = {"code": code, "detail": str(default_detail or detail or exc)}
    return response
