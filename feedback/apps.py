from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        # Explicit import: a broken signals module must fail loudly at start-up.
        from . import signals  # noqa: F401
