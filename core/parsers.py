"""JSON bodies must be objects, of bounded depth.

Every route of the contract takes a JSON object; `null`, a list or a bare number as a
body would otherwise reach views as `request.data` of the wrong type. Refusing them here,
once, turns them into a 400 instead of a TypeError in whichever view reads a key.

The body is also refused (400 `parse_error`) when it nests deeper than 32 levels, checked
by a linear scan before `json.loads` recurses (100,000 levels would be a RecursionError),
and when it holds an integer longer than Python's 4,300-digit parsing limit.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

from core.limits import MAX_JSON_DEPTH, json_depth_exceeds


def json_loads_bounded(text: str | bytes):
    """`json.loads` for untrusted text: ValueError (never RecursionError) when it is not
    JSON, too deep, or holds a number Python refuses to parse."""
    if json_depth_exceeds(text):
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
    try:
        return json.loads(text)
    except RecursionError as exc:  # pragma: no cover - the depth scan comes first
        raise ValueError("JSON nested too deeply.") from exc


class JSONObjectParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise ParseError("The JSON body is not valid text in its charset.") from exc
        try:
            data = json_loads_bounded(text)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if not isinstance(data, dict):
            raise ParseError("The JSON body must be an object.")
        return data
