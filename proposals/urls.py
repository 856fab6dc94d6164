"""URL configuration of the proposals app."""

app_name = "proposals"

urlpatterns: list = []
