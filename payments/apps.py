from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        # Explicit import: a broken signals module must fail loudly at start-up.
        from . import signals  # noqa: F401
