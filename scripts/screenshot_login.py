"""The screenshot server's automatic login (scripts/screenshot_settings.py): local requests only."""

from django.contrib.auth import get_user_model, login


class SignInFirstSuperuser:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("REMOTE_ADDR") == "127.0.0.1" and not request.user.is_authenticated:
            user = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("date_joined").first()
            if user is not None:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return self.get_response(request)
