"""URL configuration of the competitions app."""

app_name = "competitions"

urlpatterns: list = []
