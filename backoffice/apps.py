from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The admin's dashboard, the admin-wide settings and the public platform statistics."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "backoffice"
    verbose_name = "Back office"

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib import admin

        # The admin's index is the dashboard (backoffice/dashboard.py fills it).
        admin.site.index_template = "admin/backoffice_index.html"
        admin.site.site_header = "FreelanceArena administration"
        admin.site.site_title = "FreelanceArena admin"
        admin.site.index_title = "Dashboard"
        # "View site" opens the SPA, not this API's root.
        admin.site.site_url = settings.FRONTEND_URL
