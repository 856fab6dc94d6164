"""Project middleware: JSON errors under /api/, a request size ceiling, charsets, last_seen."""

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from . import error_codes
from .requests import acceptable_charset
from .utils import error_payload

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status_code: int, message: str | None = None, code: str | None = None) -> JsonResponse:
    if message is None:
        try:
            message = HTTPStatus(status_code).phrase + "."
        except ValueError:
            message = "Error."
    return JsonResponse(error_payload(message, code=code or error_codes.for_status(status_code)), status=status_code)


class ApiErrorMiddleware:
    """Guarantees that no error under /api/ answers HTML.

    DRF views answer through the exception handler already; this catches everything Django
    answers on its own before or around a view: the DEBUG technical 404/500 pages, CSRF
    failures, disallowed hosts, and exceptions raised in middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            is_api_request(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replacement = json_error(response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body exceeds REQUEST_MAX_BYTES before reading it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return json_error(400, "Invalid Content-Length header.", error_codes.BAD_REQUEST)
        if length > settings.REQUEST_MAX_BYTES:
            return json_error(413, "Request body is too large.", error_codes.REQUEST_TOO_LARGE)
        return self.get_response(request)


class RequestCharsetMiddleware:
    """Refuses (415) an /api/ request whose Content-Type names a charset it cannot be read in.

    Django decodes the body *and the query string* with the declared charset; one it does not
    know it silently replaces by UTF-8, and one like idna or punycode raised UnicodeError (a
    500). The entry points' request classes (requests.py) no longer decode with such a charset;
    either way the client did not get what it declared, and a 415 says so.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        charset = (request.content_params or {}).get("charset") if is_api_request(request) else None
        if charset is not None and not acceptable_charset(charset):
            return json_error(
                415,
                f'Unsupported charset "{charset[:40]}" in the Content-Type header.',
                error_codes.UNSUPPORTED_MEDIA_TYPE,
            )
        return self.get_response(request)


class UpdateLastSeenMiddleware:
    """Refreshes `last_seen` of the authenticated user at most once per interval.

    It works on the way *out*: DRF authenticates the JWT inside the view and then sets the user
    on the underlying Django request, so only after the view has run does `request.user` hold
    the API user. The write is one conditional UPDATE, so concurrent requests of the same user
    write once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.touch(user)
        return response

    @staticmethod
    def touch(user) -> None:
        now = timezone.now()
        threshold = now - settings.LAST_SEEN_UPDATE_INTERVAL
        if user.last_seen is not None and user.last_seen > threshold:
            return
        # Not type(user): for session requests (the Django admin) request.user is a
        # SimpleLazyObject wrapping the user.
        get_user_model()._default_manager.filter(pk=user.pk).filter(
            Q(last_seen__isnull=True) | Q(last_seen__lte=threshold)
        ).update(last_seen=now)
        user.last_seen = now
