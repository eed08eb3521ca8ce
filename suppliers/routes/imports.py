"""Staff routes of the supplier import and export (names live in the "suppliers" namespace)."""
from django.urls import path

from ..views import imports as views

urlpatterns = [
    path("staff/import-fournisseurs/", views.import_page, name="staff_import"),
    path("staff/import-fournisseurs/export/", views.export_download, name="staff_export"),
]
