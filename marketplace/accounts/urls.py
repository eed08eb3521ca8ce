from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("organisations/nouvelle/", views.organisation_start, name="organisation_start"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
