from django.apps import AppConfig


class OriginalityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "originality"
    verbose_name = "Originality"

    def ready(self) -> None:
        # Explicit import: a broken signals module must fail loudly at start-up.
        from . import signals  # noqa: F401
