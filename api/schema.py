"""OpenAPI schema additions: every operation documents the JSON errors it can answer."""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "detail"],
    "properties": {
        "code": {"type": "string", "description": "Stable machine-readable code, e.g. guard_failed."},
        "detail": {"type": "string", "description": "What went wrong and how to fix it, for people."},
        "errors": {"type": "object", "additionalProperties": True, "description": "Messages per field."},
        "conditions": {"type": "array", "items": {"type": "string"},
                       "description": "Every unmet condition (409 from a transition)."},
        "row_errors": {"type": "array", "description": "Row-level problems of an uploaded file.",
                       "items": {"type": "object", "required": ["row", "column", "value", "message"], "properties": {
                           "row": {"type": "integer", "nullable": True,
                                   "description": "As a spreadsheet numbers it (header = 1); null: the whole file."},
                           "column": {"type": "string", "nullable": True},
                           "value": {"type": "string", "nullable": True},
                           "message": {"type": "string"}}}},
    },
}
ERROR_STATUSES = {
    "400": "The request is not valid: see `errors`.",
    "401": "Sign in first (session) or send `Authorization: Token <token>`.",
    "403": "You may see this but not do this.",
    "404": "Not found, or you may not see it.",
    "405": "This method is not allowed here.",
    "409": "The current state does not allow it: see `conditions`.",
    "410": "Withdrawn on purpose (e.g. an unpublished finding).",
    "415": "Send JSON (or multipart for files).",
    "429": "Too many requests: wait and try again.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": error})
    return result
