from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "proposals"
    verbose_name = "Proposals"

    def ready(self) -> None:
        # Explicit import: a broken signals module must fail loudly at start-up.
        from . import signals  # noqa: F401
