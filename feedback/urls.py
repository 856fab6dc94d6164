"""URL configuration of the feedback app."""

app_name = "feedback"

urlpatterns: list = []
