"""drf-spectacular hooks: the schema describes the real envelopes and the real security."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from drf_spectacular import openapi
from rest_framework.request import Request


class AutoSchema(openapi.AutoSchema):
    """Declares per operation whether a token is required, from what the view really does.

    drf-spectacular only recognises AllowAny and IsAuthenticatedOrReadOnly as "anonymous
    allowed"; our own permissions (read-only-or-owner, role checks) were all declared as
    token-required, so public reads like a competition's detail looked protected. Here the
    view's permissions are asked, for this method, with an anonymous request: if they all let
    it through, the token is optional (`[{}, {jwtAuth: []}]`); else it is required. A view with
    no authentication class (register, login, refresh, health) does not read a token: `[{}]`.
    test_schema_security.py compares each declaration with a real anonymous request.
    """

    def get_auth(self) -> list[dict[str, Any]]:
        schemes = [item for item in super().get_auth() if item]
        if not schemes:
            return [{}]
        if self._anonymous_allowed():
            return [{}, *schemes]
        return schemes

    def _anonymous_allowed(self) -> bool:
        view = self.view
        http_request = RequestFactory().generic(self.method, self.path)
        http_request.user = AnonymousUser()
        anonymous = Request(http_request)
        anonymous.user = AnonymousUser()
        original = getattr(view, "request", None)
        view.request = anonymous
        try:
            return all(permission.has_permission(anonymous, view) for permission in view.get_permissions())
        except Exception:  # noqa: BLE001 - a permission that raises refuses
            return False
        finally:
            view.request = original


ENVELOPE_ERROR = {
    "type": "object",
    "required": ["success", "message", "code", "errors", "error_codes"],
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "message": {"type": "string", "description": "One human sentence; never parse it."},
        "code": {
            "type": "string",
            "description": "Machine-readable reason: validation_error, parse_error, bad_request, "
            "not_authenticated, bad_authorization_header, token_expired (refresh the access token), "
            "token_invalid, user_inactive, authentication_failed, permission_denied, not_found, "
            "method_not_allowed, not_acceptable, request_too_large, unsupported_media_type, throttled, "
            "server_error, service_unavailable.",
            "example": "validation_error",
        },
        "errors": {
            "type": "object",
            "additionalProperties": True,
            "description": "DRF's shape: field -> list of messages (a list field's items keyed by index, "
            'nested serializers nested); {"detail": message} for every error that is not a validation error.',
        },
        "error_codes": {
            "type": "object",
            "additionalProperties": True,
            "description": "Mirrors `errors` with DRF's code in place of each message "
            '(required, invalid, min_value, …); {"detail": code} otherwise.',
        },
    },
}


def _wrap_success(schema: dict[str, Any] | None) -> dict[str, Any]:
    data_schema: dict[str, Any] = schema if schema else {"nullable": True}
    return {
        "type": "object",
        "required": ["success", "message", "data"],
        "properties": {
            "success": {"type": "boolean", "enum": [True]},
            "message": {"type": "string"},
            "data": data_schema,
        },
    }


def wrap_in_envelope(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """Wraps every 2xx JSON body in the success envelope and declares the error envelope."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorEnvelope"] = ENVELOPE_ERROR
    error_ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for _path, methods in result.get("paths", {}).items():
        for _method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, response in list(responses.items()):
                if not str(code).startswith("2"):
                    continue
                content = response.setdefault("content", {})
                if content and "application/json" not in content:
                    continue  # a file download answers the file itself
                json_body = content.get("application/json", {})
                if json_body.get("x-enveloped"):
                    continue
                content["application/json"] = {"schema": _wrap_success(json_body.get("schema"))}
            for code in ("400", "401", "403", "404", "405", "413", "415", "429", "500", "503"):
                responses.setdefault(
                    code,
                    {"description": "Error envelope", "content": {"application/json": {"schema": error_ref}}},
                )
    return result
