"""The Celery application: `celery -A freelance_arena worker -l info`.

Every setting is a CELERY_* Django setting (freelance_arena/settings.py); tasks live in each
app's tasks.py (autodiscovered) and in freelance_arena/tasks.py (CELERY_IMPORTS).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "freelance_arena.settings")

app = Celery("freelance_arena")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
