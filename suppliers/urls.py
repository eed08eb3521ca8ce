"""Supplier pages (French paths; English under /en/). Each seam keeps its routes in suppliers/routes/."""
from django.urls import include, path

from .routes import clusters, directory, imports, profile, staff

app_name = "suppliers"

urlpatterns = [
    path("", include(profile.urlpatterns)),
    path("", include(directory.urlpatterns)),
    path("", include(clusters.urlpatterns)),
    path("", include(staff.urlpatterns)),
    path("", include(imports.urlpatterns)),
]
