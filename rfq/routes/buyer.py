"""Buyer workspace routes (names in the "rfq" namespace), under /consultations/.

Listed before the supplier routes: the fixed segments (« mes-consultations », « nouvelle »…)
must win over ``consultations/<reference>/``.
"""
from django.urls import path

from ..views import buyer as views

urlpatterns = [
    path("consultations/mes-consultations/", views.dashboard, name="buyer_dashboard"),
    path("consultations/nouvelle/", views.create, name="create"),
    path("consultations/inviter-un-fournisseur/", views.invite_choose, name="invite_choose"),
    path("consultations/<str:reference>/modifier/", views.edit, name="edit"),
    path("consultations/<str:reference>/gestion/", views.manage, name="manage"),
    path("consultations/<str:reference>/pieces-jointes/", views.attachment_add, name="attachment_add"),
    path(
        "consultations/<str:reference>/pieces-jointes/<int:pk>/supprimer/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("consultations/<str:reference>/publier/", views.publish, name="publish"),
    path("consultations/<str:reference>/annuler/", views.cancel, name="cancel"),
    path("consultations/<str:reference>/questions/<int:pk>/repondre/", views.answer, name="answer"),
    path("consultations/<str:reference>/inviter/", views.invite, name="invite"),
    path("consultations/<str:reference>/ouvrir-les-offres/", views.open_quotes, name="open_quotes"),
    path("consultations/<str:reference>/comparaison/", views.compare, name="compare"),
    path("consultations/<str:reference>/comparaison.<str:fmt>", views.compare_export, name="compare_export"),
    path("consultations/<str:reference>/attribuer/", views.award, name="award"),
    path("consultations/<str:reference>/infructueuse/", views.declare_unsuccessful, name="declare_unsuccessful"),
    path("consultations/<str:reference>/debriefs/", views.send_debriefs, name="send_debriefs"),
]
