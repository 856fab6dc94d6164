"""DRF's JSON parser, closed against nesting that made it raise something other than a ParseError.

DRF's parser lets the decoder's RecursionError escape (a 500) at about 1,000 levels, and bodies
shallower than that but still absurd reach the serializers. No body of this API nests more than
a few levels, so anything deeper than `JSON_MAX_DEPTH` is a 400.
"""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest legitimate body (notification preferences: {"email": {"TYPE": true}}) has 2.
JSON_MAX_DEPTH = 32
TOO_DEEP = f"JSON parse error - nested deeper than {JSON_MAX_DEPTH} levels."


def json_depth_exceeds(data: Any, limit: int) -> bool:
    """True when `data` nests lists/objects deeper than `limit` (iterative: no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(TOO_DEEP) from exc
        if json_depth_exceeds(data, JSON_MAX_DEPTH):
            raise ParseError(TOO_DEEP)
        return data
