"""French paths of the account and organisation pages (English under /en/ via i18n_patterns)."""
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("compte/", views.profile, name="profile"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("organisations/nouvelle/", views.organisation_start, name="organisation_start"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<slug:slug>/modifier/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/activer/", views.organisation_switch, name="organisation_switch"),
    path("organisations/<slug:slug>/quitter/", views.organisation_leave, name="organisation_leave"),
    path("organisations/<slug:slug>/rejoindre/", views.join_request_create, name="join_request_create"),
    path(
        "organisations/<slug:slug>/demandes/<int:pk>/<str:decision>/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path("organisations/<slug:slug>/membres/", views.members, name="members"),
    path("organisations/<slug:slug>/membres/inviter/", views.member_invite, name="member_invite"),
    path("organisations/<slug:slug>/membres/<int:pk>/role/", views.member_role, name="member_role"),
    path("organisations/<slug:slug>/membres/<int:pk>/retirer/", views.member_remove, name="member_remove"),
    path(
        "organisations/<slug:slug>/membres/<int:pk>/transferer/",
        views.ownership_transfer,
        name="ownership_transfer",
    ),
    path(
        "organisations/<slug:slug>/invitations/<int:pk>/revoquer/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
