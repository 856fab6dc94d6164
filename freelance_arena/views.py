"""Project-level views: health probe and the JSON answers for URLs no view matches."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import error_codes
from .utils import error_payload


class HealthView(APIView):
    """Liveness plus a database round trip; 503 when the database does not answer."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        responses={
            200: inline_serializer("Health", {"status": serializers.CharField(), "database": serializers.CharField()})
        }
    )
    def get(self, request: Request) -> Response:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception:  # noqa: BLE001 - any database failure means "not ready"
            body = error_payload("Database unavailable.", code=error_codes.SERVICE_UNAVAILABLE)
            body.update({"status": "error", "database": "unavailable"})
            return Response(body, status=503)
        state = {"status": "ok", "database": "ok"}
        # The envelope, plus status/database at the top level for load-balancer probes.
        return Response({"success": True, "message": "The API and its database are up.", "data": state, **state})


class HtmlOnGetMixin:
    """drf-spectacular renders the docs pages with an HTML template that only GET's context can
    fill; OPTIONS (DRF's metadata) went through the same template and was a 500. Every method
    but GET/HEAD answers JSON like the rest of /api/."""

    def get_renderers(self):
        if self.request is not None and self.request.method not in ("GET", "HEAD"):
            return [JSONRenderer()]
        return super().get_renderers()


class SwaggerUIView(HtmlOnGetMixin, SpectacularSwaggerView):
    """The Swagger UI page at /api/docs/ (assets from drf-spectacular-sidecar, served locally)."""


class ReDocView(HtmlOnGetMixin, SpectacularRedocView):
    """The ReDoc page at /api/redoc/ (sidecar assets, system fonts: nothing from outside)."""

    template_name = "api_docs/redoc.html"


@csrf_exempt  # any method gets JSON (405), not a CSRF 403 page
def api_index(request: HttpRequest) -> JsonResponse:
    """`/`: what this server is and where to go next, instead of Django's 404 page."""
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse(error_payload("Method not allowed.", code=error_codes.METHOD_NOT_ALLOWED), status=405)
        response["Allow"] = "GET, HEAD"
        return response
    links = {
        "docs": reverse("swagger-ui"),
        "redoc": reverse("redoc"),
        "schema": reverse("schema"),
        "health": reverse("health"),
        "stats": reverse("platform-stats"),
        "admin": reverse("admin:index"),
    }
    data = {
        "name": settings.SPECTACULAR_SETTINGS["TITLE"],
        "version": settings.SPECTACULAR_SETTINGS["VERSION"],
        "links": {name: request.build_absolute_uri(url) for name, url in links.items()},
    }
    return JsonResponse({"success": True, "message": "FreelanceArena API. See links for the docs.", "data": data})


@csrf_exempt  # an unknown URL is a 404 for every method, not a CSRF 403
def api_not_found(request: HttpRequest, unmatched: str = "") -> JsonResponse:
    """Catch-all under /api/: a JSON 404 whatever DEBUG says."""
    message = "Not found."
    if not request.path_info.endswith("/"):
        try:
            resolve(request.path_info + "/")
            message = f"Not found. Did you mean {request.path_info}/ ? Every API URL ends with a slash."
        except Resolver404:
            pass
    return JsonResponse(error_payload(message, code=error_codes.NOT_FOUND), status=404)


def json_handler404(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_payload("Not found.", code=error_codes.NOT_FOUND), status=404)


def json_handler500(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        error_payload("Internal server error. The error has been logged.", code=error_codes.SERVER_ERROR), status=500
    )
