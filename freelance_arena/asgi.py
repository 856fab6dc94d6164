"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from freelance_arena.requests import CharsetCheckedASGIRequest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "freelance_arena.settings")

application = get_asgi_application()
# Never decode the query string or body with a charset such as idna (freelance_arena/requests.py).
application.request_class = CharsetCheckedASGIRequest
