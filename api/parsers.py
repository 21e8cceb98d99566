"""Request bodies the database and the parser can take: text never carries the NUL character, and
JSON is nested at most MAX_JSON_DEPTH levels (deeper input made json.loads raise RecursionError: a 500)."""
import re
from array import array
from itertools import accumulate

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

NUL_MESSAGE = "Text cannot contain the NUL character (\\u0000). Remove it and try again."

# Arrays and objects inside one another; no form of this API needs more than a handful.
MAX_JSON_DEPTH = 32

# A JSON string, or an unterminated one running to the end: it always matches where it starts, so
# the scan stays linear whatever the input.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = str.maketrans({"[": "\x01", "{": "\x01", "]": "\xff", "}": "\xff"})  # +1 and -1 as signed bytes


class TooDeep(ParseError):
    default_code = "too_deep"
    default_detail = (f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep (arrays and objects "
                      "inside one another). Send a flatter body.")


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in `text` (brackets inside strings do not count).

    Counted without recursion and without a Python loop per character: strings are removed, the
    brackets that remain become +1/-1 steps, and the deepest running total is the depth.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return 0
    return max(0, max(accumulate(array("b", brackets.translate(_STEP).encode("latin-1")))))


def contains_nul(value) -> bool:
    """Whether any string in parsed JSON (keys included) holds NUL; walks with its own stack, not recursion."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, refusing what would otherwise fail deeper down with a 500:
    nesting beyond MAX_JSON_DEPTH (checked before parsing) and NUL in text (PostgreSQL refuses it)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
        except ValueError as exc:  # UnicodeDecodeError
            raise ParseError(f"JSON parse error - {exc}") from None
        if json_depth(text) > MAX_JSON_DEPTH:
            raise TooDeep()
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:  # the pre-scan should make this unreachable; never a 500 if not
            raise TooDeep() from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if contains_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data
