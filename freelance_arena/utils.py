"""The success half of the response envelope."""

from typing import Any

from rest_framework import status
from rest_framework.response import Response


def success_response(
    data: Any = None,
    message: str = "OK",
    status_code: int = status.HTTP_200_OK,
    headers: dict[str, str] | None = None,
) -> Response:
    """Answer `{"success": true, "message": ..., "data": ...}`; every 2xx of the API uses it."""
    return Response({"success": True, "message": message, "data": data}, status=status_code, headers=headers)


def error_payload(message: str, errors: Any = None) -> dict[str, Any]:
    """The error envelope's body; `errors` defaults to `{"detail": message}`."""
    return {"success": False, "message": message, "errors": errors if errors is not None else {"detail": message}}
