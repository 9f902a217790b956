"""JSON bodies must be objects.

Every route of the contract takes a JSON object; `null`, a list or a bare number as a
body would otherwise reach views as `request.data` of the wrong type. Refusing them here,
once, turns them into a 400 instead of a TypeError in whichever view reads a key.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JSONObjectParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError("The JSON body must be an object.")
        return data
