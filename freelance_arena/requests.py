"""The request classes of the WSGI and ASGI entry points: they never decode with a bad charset.

Django takes the Content-Type's charset as the request's encoding whenever `codecs.lookup()`
knows it, and setting the encoding decodes the query string at once, inside the request's
constructor: `charset=idna` (or punycode, or a bytes-to-bytes codec such as bz2) on any URL with
a query string raised UnicodeError or LookupError before a middleware ran, so the server
answered its own HTML 500. Here such a charset is never adopted (the request stays UTF-8) and
RequestCharsetMiddleware answers the 415.
"""

import codecs

from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import WSGIRequest
from django.utils.http import parse_header_parameters

# Codecs that Python calls text encodings but that cannot decode an arbitrary body: they raise
# UnicodeError (idna refuses the "replace" error handler Django decodes with, punycode refuses
# most bytes), or turn escapes in the body into other characters.
SPECIAL_PURPOSE_CODECS = frozenset(
    {"idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined", "mbcs", "oem", "palmos"}
)


def acceptable_charset(name: str) -> bool:
    """A character encoding that can decode any body: known, a text encoding, not special."""
    try:
        codec = codecs.lookup(name)
        "".encode(codec.name)  # str.encode refuses bytes-to-bytes codecs (bz2, base64, ...)
    except (LookupError, UnicodeError, ValueError):
        return False
    return codec.name.replace("_", "-") not in SPECIAL_PURPOSE_CODECS


class CharsetCheckedRequestMixin:
    def _set_content_type_params(self, meta) -> None:
        self.content_type, self.content_params = parse_header_parameters(meta.get("CONTENT_TYPE", ""))
        charset = self.content_params.get("charset")
        if charset is not None and acceptable_charset(charset):
            self.encoding = charset


class CharsetCheckedWSGIRequest(CharsetCheckedRequestMixin, WSGIRequest):
    pass


class CharsetCheckedASGIRequest(CharsetCheckedRequestMixin, ASGIRequest):
    pass
