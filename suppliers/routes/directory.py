"""directory routes of the suppliers app (names live in the "suppliers" namespace).

The public directory under /fournisseurs/. The two-segment list paths (filiere/…, region/…)
cannot be mistaken for a one-segment profile slug.
"""
from django.urls import path

from ..views import directory as views

urlpatterns = [
    path("fournisseurs/", views.directory, name="directory"),
    path("fournisseurs/filiere/<slug:sector_slug>/", views.sector_list, name="directory_sector"),
    path("fournisseurs/region/<str:region_code>/", views.region_list, name="directory_region"),
    path("fournisseurs/<slug:slug>/", views.profile_detail, name="profile_detail"),
    path("fournisseurs/<slug:slug>/verification/", views.request_verification, name="profile_request_verification"),
]
