"""WSGI entry point (gunicorn freelance_arena.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from freelance_arena.requests import CharsetCheckedWSGIRequest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "freelance_arena.settings")

application = get_wsgi_application()
# Never decode the query string or body with a charset such as idna (freelance_arena/requests.py).
application.request_class = CharsetCheckedWSGIRequest
