"""Search pages."""
app_name = "search"

urlpatterns: list = []
