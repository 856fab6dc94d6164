"""Root URL configuration."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from .views import HealthView, ReDocView, SwaggerUIView, api_index, api_not_found

urlpatterns = [
    path("", api_index, name="api-index"),
    path("admin/", admin.site.urls),
    path("api/auth/", include("accounts.urls")),
    path("api/competitions/", include("competitions.urls")),
    path("api/proposals/", include("proposals.urls")),
    path("api/proposals/", include("originality.urls")),
    path("api/feedback/", include("feedback.urls")),
    path("api/notifications/", include("notifications.urls")),
    path("api/payments/", include("payments.urls")),
    path("api/stats/", include("backoffice.urls")),
    path("api/health/", HealthView.as_view(), name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerUIView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", ReDocView.as_view(url_name="schema"), name="redoc"),
    # Last: anything else under /api/ is a JSON 404, also while DEBUG is on.
    re_path(r"^api/(?P<unmatched>.*)$", api_not_found),
]

if settings.DEBUG:
    # Public uploads only (profile pictures); proposal attachments live outside MEDIA_ROOT.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "freelance_arena.views.json_handler404"
handler500 = "freelance_arena.views.json_handler500"
