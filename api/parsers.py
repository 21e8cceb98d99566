"""Request bodies the database can store: text never carries the NUL character."""
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

NUL_MESSAGE = "Text cannot contain the NUL character (\\u0000). Remove it and try again."


def contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_nul(v) for v in value)
    return False


class StrictJSONParser(JSONParser):
    # PostgreSQL refuses NUL in text; caught here, it is a 400 instead of a 500 deep in a query.
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if contains_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data
