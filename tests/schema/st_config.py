"""The schemathesis.toml for a run: the demo ids bound to path parameters, no carried-over state.

Without the bindings nearly every generated id is a random integer that 404s, and the views behind
the 404 are never exercised; with probability 0.8 most requests reach a real project, upload, chart.
"""
import json

# What "conforms to the schema" means here: no 5xx, every status documented, content type and
# headers as documented, bodies valid against their schemas.
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance")
BIND_PROBABILITY = 0.8


def _value(v) -> str:
    return json.dumps(v)  # a JSON scalar or list of scalars is valid TOML


def _binding(dictionary: str) -> str:
    return f'{{ dictionary = "{dictionary}", probability = {BIND_PROBABILITY} }}'


def render(ids: dict, *, stateful_max_steps: int, stateful_examples: int) -> str:
    """The config file; seed, examples, workers and checks go on the command line, where the report shows them."""
    dictionaries = {
        "projects": ids["project"], "alliances": ids["alliance"], "schools": ids["school"],
        "themes": ids["theme"], "measures": ids["measure"], "evidence": ids["evidence"],
        "uploads": ids["upload"], "users": ids["user"], "join_requests": ids["join_request"],
        "follows": ids["follow"], "publication_files": ids["publication_file"], "slugs": ids["slug"],
        "stage_kinds": ids["stage_kind"], "project_charts": ids["project_chart"],
        "alliance_charts": ids["alliance_chart"], "chart_formats": ["svg", "png", "json", "csv"],
        "result_formats": ["csv", "json"],
        "notifications": ids.get("notification", []), "invitations": ids.get("invitation", []),
    }
    dictionaries = {k: v for k, v in dictionaries.items() if v}  # schemathesis refuses empty ones
    # Parameter names that mean the same thing on every path.
    global_params = {
        "path.project_id": "projects", "path.alliance_id": "alliances", "path.evidence_id": "evidence",
        "path.upload_id": "uploads", "path.user_id": "users", "path.request_id": "join_requests",
        "path.follow_id": "follows", "path.file_id": "publication_files", "path.slug": "slugs",
        "path.kind": "stage_kinds", "query.measure": "measures",
        "path.notification_id": "notifications", "path.invitation_id": "invitations",
    }
    global_params = {name: d for name, d in global_params.items() if d in dictionaries}  # (none empty)
    # Names whose meaning depends on the path: {id}, and chart {name}/{fmt}.
    per_path = [
        (r"^/api/v1/projects/\{id\}/$", {"path.id": "projects"}),
        (r"^/api/v1/alliances/\{id\}/$", {"path.id": "alliances"}),
        (r"^/api/v1/schools/\{id\}/$", {"path.id": "schools"}),
        (r"^/api/v1/themes/\{id\}/$", {"path.id": "themes"}),
        (r"^/api/v1/measures/\{id\}/$", {"path.id": "measures"}),
        (r"^/api/v1/(projects|findings)/.*/charts/", {"path.name": "project_charts", "path.fmt": "chart_formats"}),
        (r"^/api/v1/alliances/.*/charts/", {"path.name": "alliance_charts", "path.fmt": "chart_formats"}),
        (r"/results\.\{fmt\}$", {"path.fmt": "result_formats"}),
    ]

    lines = [
        "[cache]",
        "enabled = false",
        "",
        "[generation]",
        'database = "none"  # no examples carried over from earlier runs',
        "",
        "[phases.stateful]",
        f"max-steps = {stateful_max_steps}",
        "",
        "[phases.stateful.generation]",
        "# Scenarios of up to max-steps linked calls each: the costliest phase, so fewer of them.",
        f"max-examples = {stateful_examples}",
        'database = "none"',
        "",
    ]
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {_value(values)}", ""]
    lines.append("[parameters]")
    lines += [f'"{param}" = {_binding(d)}' for param, d in global_params.items() if d in dictionaries]
    lines.append("")
    for regex, params in per_path:
        bound = {p: d for p, d in params.items() if d in dictionaries}
        if not bound:
            continue
        lines += ["[[operations]]", f"include-path-regex = {_value(regex)}", "[operations.parameters]"]
        lines += [f'"{p}" = {_binding(d)}' for p, d in bound.items()]
        lines.append("")
    return "\n".join(lines)
