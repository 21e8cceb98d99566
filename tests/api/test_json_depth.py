"""Deeply nested JSON bodies are refused with 400 and a stable code, never a 500 (issue 11, item 9)."""
import pytest

from api.parsers import MAX_JSON_DEPTH, contains_nul, json_depth

pytestmark = pytest.mark.django_db


def nested(levels: int, open_="[", close="]") -> bytes:
    return (open_ * levels + close * levels).encode()


def objects(levels: int) -> bytes:
    return ('{"a":' * levels + "1" + "}" * levels).encode()


BODIES = {
    "400 arrays (800 bytes)": nested(400),
    "100,000 arrays": nested(100_000),
    "100,000 objects": objects(100_000),
    "unclosed 100,000": b"[" * 100_000,
}


def post_json(client, url, body: bytes):
    return client.generic("POST", url, body, content_type="application/json")


@pytest.mark.parametrize("name", BODIES)
def test_the_sign_in_endpoint_refuses_deep_nesting_without_signing_in(api, name):
    # given no sign-in at all; when a deeply nested body is posted to the token endpoint
    response = post_json(api(), "/api/v1/auth/token/", BODIES[name])
    # then it is a 400 with a stable code and a message, not a server error
    assert response.status_code == 400
    assert response.json()["code"] == "too_deep"
    assert str(MAX_JSON_DEPTH) in response.json()["detail"]


@pytest.mark.parametrize("name", BODIES)
def test_a_signed_in_endpoint_refuses_deep_nesting(world, api, name):
    # given a teacher of the alliance; when they post a deeply nested body to propose a project
    response = post_json(api(world.user("teacher")), "/api/v1/projects/", BODIES[name])
    # then 400 with the same code
    assert response.status_code == 400
    assert response.json()["code"] == "too_deep"


def test_nesting_up_to_the_limit_is_parsed_as_before(world, api):
    # given a body nested exactly to the limit (the object itself is level 1)
    body = b'{"title": ' + nested(MAX_JSON_DEPTH - 1) + b"}"
    # when it is posted, then it reaches the serializer (a field error, not a depth error)
    response = post_json(api(world.user("teacher")), "/api/v1/projects/", body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_brackets_inside_strings_do_not_count():
    # given strings full of brackets and escaped quotes
    text = '{"a": "' + "[" * 1000 + '", "b": "\\"[[[[", "c": [1, {"d": "]]]]{{"}]}'
    # then only real nesting counts
    assert json_depth(text) == 3
    assert json_depth("[]") == 1 and json_depth("1") == 0 and json_depth('"[["') == 0


def test_contains_nul_walks_without_recursion():
    # given a structure deeper than Python's recursion limit, built without the parser
    value: list = ["ok\x00"]
    for _ in range(50_000):
        value = [value]
    # then the NUL check still answers (it keeps its own stack)
    assert contains_nul(value) is True
    assert contains_nul({"a": [{"b": "fine"}]}) is False
