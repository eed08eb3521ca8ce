"""French paths of the subscription pages (English under /en/ via i18n_patterns).

The Stripe webhook is language-neutral and lives in the root URLconf (``/stripe/webhook/``).
"""
from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("abonnement/", views.overview, name="overview"),
    path("abonnement/carte/intention/", views.card_setup_intent, name="card_setup_intent"),
    path("abonnement/souscrire/", views.subscribe, name="subscribe"),
    path("abonnement/changer/", views.change_plan, name="change_plan"),
    path("abonnement/resilier/", views.cancel, name="cancel"),
    path("abonnement/reprendre/", views.resume, name="resume"),
    path("abonnement/carte/", views.update_card, name="update_card"),
    path("abonnement/sieges/", views.seats, name="seats"),
    path("abonnement/sieges/<int:pk>/liberer/", views.seat_unassign, name="seat_unassign"),
]
