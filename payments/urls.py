"""URL configuration of the payments app."""

app_name = "payments"

urlpatterns: list = []
