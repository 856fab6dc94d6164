"""The machine-readable `code` of every error envelope (the README's "Error codes" table).

A client acts on `code`, never on the human `message`: `token_expired` means "refresh the
access token and retry", any other 401 code means "sign in again". The validation codes per
field (`error_codes`) are DRF's own (`required`, `invalid`, `min_value`, `unique`, …).
"""

from http import HTTPStatus

VALIDATION_ERROR = "validation_error"
PARSE_ERROR = "parse_error"
BAD_REQUEST = "bad_request"
NOT_AUTHENTICATED = "not_authenticated"
AUTHENTICATION_FAILED = "authentication_failed"
BAD_AUTHORIZATION_HEADER = "bad_authorization_header"
TOKEN_EXPIRED = "token_expired"
TOKEN_INVALID = "token_invalid"
USER_INACTIVE = "user_inactive"
PERMISSION_DENIED = "permission_denied"
NOT_FOUND = "not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
NOT_ACCEPTABLE = "not_acceptable"
REQUEST_TOO_LARGE = "request_too_large"
UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
THROTTLED = "throttled"
SERVER_ERROR = "server_error"
SERVICE_UNAVAILABLE = "service_unavailable"

# What an error answered outside DRF (middleware, Django's handlers) is called, by status.
BY_STATUS = {
    400: BAD_REQUEST,
    401: NOT_AUTHENTICATED,
    403: PERMISSION_DENIED,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    406: NOT_ACCEPTABLE,
    413: REQUEST_TOO_LARGE,
    415: UNSUPPORTED_MEDIA_TYPE,
    429: THROTTLED,
    500: SERVER_ERROR,
    503: SERVICE_UNAVAILABLE,
}

# SimpleJWT's codes, renamed into this API's vocabulary (its `token_not_valid` covers both an
# expired and a broken token; the view tells them apart, see accounts/authentication.py).
SIMPLEJWT_CODES = {
    "token_not_valid": TOKEN_INVALID,
    "user_not_found": TOKEN_INVALID,
    "password_changed": TOKEN_INVALID,
    "no_active_account": USER_INACTIVE,
    "user_inactive": USER_INACTIVE,
}


def for_status(status_code: int) -> str:
    if status_code in BY_STATUS:
        return BY_STATUS[status_code]
    try:
        return HTTPStatus(status_code).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return SERVER_ERROR if status_code >= 500 else BAD_REQUEST
