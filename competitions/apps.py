from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "competitions"
    verbose_name = "Competitions"

    def ready(self) -> None:
        # Explicit import: a broken signals module must fail loudly at start-up.
        from . import signals  # noqa: F401
