"""The success half of the response envelope."""

from typing import Any

from rest_framework import status
from rest_framework.response import Response


def success_response(
    data: Any,
    message: str,
    status_code: int = status.HTTP_200_OK,
    headers: dict[str, str] | None = None,
) -> Response:
    """Answer `{"success": true, "message": ..., "data": ...}`; every 2xx of the API uses it.

    `message` is a human sentence saying what happened ("Proposals retrieved."), never "OK".
    """
    return Response({"success": True, "message": message, "data": data}, status=status_code, headers=headers)


def error_payload(message: str, errors: Any = None, *, code: str, error_codes: Any = None) -> dict[str, Any]:
    """The error envelope's body.

    `code` is the machine-readable reason (freelance_arena/error_codes.py lists them);
    `errors` defaults to `{"detail": message}` and `error_codes` mirrors `errors` with a code in
    place of each message (default `{"detail": code}`).
    """
    if errors is None:
        errors = {"detail": message}
    if error_codes is None:
        error_codes = {"detail": code}
    return {"success": False, "message": message, "code": code, "errors": errors, "error_codes": error_codes}
