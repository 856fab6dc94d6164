from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data (`manage.py seed_demo`): no models, no domain code depends on it."""

    name = "demo"
    verbose_name = "Demo data"
