"""clusters routes of the suppliers app (names live in the "suppliers" namespace).

Public pages under /clusters/, the cluster's own pages under /cluster/, and the supplier's
answers to invitations under /mes-clusters/.
"""
from django.urls import path

from ..views import clusters as views

urlpatterns = [
    path("clusters/", views.cluster_directory, name="cluster_directory"),
    path("clusters/<slug:slug>/", views.cluster_detail, name="cluster_detail"),
    path("clusters/<slug:slug>/adhesion/", views.cluster_join, name="cluster_join"),
    path("cluster/", views.cluster_home, name="cluster_home"),
    path("cluster/profil/", views.cluster_profile_edit, name="cluster_profile_edit"),
    path("cluster/membres/", views.cluster_members, name="cluster_members"),
    path("cluster/membres/inviter/", views.cluster_invite, name="cluster_invite"),
    path("cluster/membres/<int:pk>/", views.cluster_membership_action, name="cluster_membership_action"),
    path("mes-clusters/", views.my_clusters, name="my_clusters"),
    path("mes-clusters/<int:pk>/", views.my_cluster_action, name="my_cluster_action"),
]
