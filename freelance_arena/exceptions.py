"""DRF exception handler: every error becomes `{"success": false, "message", "errors"}`."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.views import exception_handler

from . import error_codes
from .utils import error_payload

logger = logging.getLogger("freelance_arena.errors")

INTERNAL_ERROR_MESSAGE = "Internal server error. The error has been logged."
DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable. Try again shortly."

# MySQL/MariaDB codes that mean "no connection to the server" (restart, network, killed
# connection), not a faulty query: server shutdown, connection killed, can't connect (socket,
# TCP), server gone away, lost connection during query, lost connection at handshake.
CONNECTION_LOST_CODES = frozenset({1053, 1927, 2002, 2003, 2006, 2013, 2055})


def database_unavailable(exc: Exception) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    return isinstance(exc, OperationalError) and bool(exc.args) and exc.args[0] in CONNECTION_LOST_CODES


def _first_message(detail: Any) -> str | None:
    """Depth-first first string in a DRF error structure."""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        for item in detail:
            found = _first_message(item)
            if found:
                return found
    if isinstance(detail, dict):
        for item in detail.values():
            found = _first_message(item)
            if found:
                return found
    return None


def validation_message(errors: dict[str, Any]) -> str:
    """One human sentence for a validation error: the non-field error, else `field: message`."""
    if "non_field_errors" in errors:
        return _first_message(errors["non_field_errors"]) or "Invalid input."
    for field, detail in errors.items():
        message = _first_message(detail)
        if message:
            return f"{field}: {message}"
    return "Invalid input."


def _detail_text(detail: Any) -> str:
    # SimpleJWT's InvalidToken carries a dict detail ({"detail", "code", "messages"}).
    if isinstance(detail, dict) and "detail" in detail:
        return str(detail["detail"])
    return _first_message(detail) or str(detail)


def _error_code(exc: exceptions.APIException) -> str:
    """The envelope's `code` for a non-validation APIException: DRF's own code (`not_found`,
    `permission_denied`, `throttled`, …), SimpleJWT's renamed into this API's vocabulary."""
    detail = getattr(exc, "detail", None)
    if isinstance(detail, dict) and isinstance(detail.get("code"), str):
        # SimpleJWT: {"detail": text, "code": its code, ...}; the code is the dict's *value*.
        return error_codes.SIMPLEJWT_CODES.get(str(detail["code"]), str(detail["code"]))
    codes = exc.get_codes()
    while isinstance(codes, list | dict) and codes:
        codes = codes[0] if isinstance(codes, list) else next(iter(codes.values()))
    code = str(codes) if isinstance(codes, str) and codes else error_codes.for_status(exc.status_code)
    return error_codes.SIMPLEJWT_CODES.get(code, code)


def _wrong_scheme(context: dict[str, Any]) -> str | None:
    """The scheme of an Authorization header that is not `Bearer` (ignored by JWT auth)."""
    request = context.get("request")
    header = request.META.get("HTTP_AUTHORIZATION", "") if request is not None else ""
    scheme = header.split(maxsplit=1)[0] if header.strip() else ""
    return scheme if scheme and scheme.lower() != "bearer" else None


def custom_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, DjangoValidationError):
        # get_error_detail keeps each message's code (model `clean()`, validators).
        detail = get_error_detail(exc)
        exc = exceptions.ValidationError(detail if isinstance(detail, dict) else {"non_field_errors": detail})
    elif isinstance(exc, RequestDataTooBig):
        return Response(
            error_payload("Request body is too large.", code=error_codes.REQUEST_TOO_LARGE),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    elif isinstance(exc, SuspiciousOperation):
        return Response(error_payload("Bad request.", code=error_codes.BAD_REQUEST), status=status.HTTP_400_BAD_REQUEST)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif database_unavailable(exc):
        # A database restart or outage is not a bug in the API: a retryable 503, like /api/health/.
        logger.warning("Database unavailable in %s: %s", type(context.get("view")).__name__, exc)
        return Response(
            error_payload(DATABASE_UNAVAILABLE_MESSAGE, code=error_codes.SERVICE_UNAVAILABLE),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )

    response = exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        logger.error("Unhandled exception in %s", type(view).__name__ if view else "view", exc_info=exc)
        return Response(
            error_payload(INTERNAL_ERROR_MESSAGE, code=error_codes.SERVER_ERROR),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        codes = exc.get_codes()
        codes = codes if isinstance(codes, dict) else {"non_field_errors": codes}
        response.data = error_payload(
            validation_message(errors), errors, code=error_codes.VALIDATION_ERROR, error_codes=codes
        )
        return response

    text = _detail_text(getattr(exc, "detail", str(exc)))
    code = _error_code(exc)
    if isinstance(exc, exceptions.NotAuthenticated) and (scheme := _wrong_scheme(context)):
        # JWT authentication skips a header of another scheme, so the request looked anonymous.
        code = error_codes.BAD_AUTHORIZATION_HEADER
        text = (
            f'The Authorization header uses the "{scheme[:20]}" scheme; this API expects '
            '"Authorization: Bearer <access token>".'
        )
    response.data = error_payload(text, code=code)
    return response
