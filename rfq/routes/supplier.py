"""Public and supplier routes (names in the "rfq" namespace): list, detail, NDA, downloads,
questions, quotes, messages, supplier dashboard.

``tableau-de-bord/`` comes before ``<reference>/`` so it is never read as a reference.
"""
from django.urls import path

from ..views import messages, public, quotes, supplier

urlpatterns = [
    path("consultations/", public.rfq_list, name="list"),
    path("consultations/tableau-de-bord/", supplier.supplier_dashboard, name="supplier_dashboard"),
    path("consultations/<str:reference>/", public.rfq_detail, name="detail"),
    path("consultations/<str:reference>/confidentialite/", public.accept_nda, name="accept_nda"),
    path("consultations/<str:reference>/decliner/", public.decline_invitation, name="decline"),
    path("consultations/<str:reference>/questions/", public.ask_question, name="ask"),
    path("consultations/<str:reference>/fichiers/<int:pk>/", public.rfq_attachment, name="attachment"),
    path("consultations/<str:reference>/offre/", quotes.quote_form, name="quote"),
    path("consultations/<str:reference>/offre/apercu/", quotes.quote_preview, name="quote_preview"),
    path("consultations/<str:reference>/offre/retirer/", quotes.withdraw_quote, name="withdraw_quote"),
    path(
        "consultations/<str:reference>/offres/<int:quote_id>/fichiers/<int:pk>/",
        quotes.quote_attachment,
        name="quote_attachment",
    ),
    path("consultations/<str:reference>/messages/<slug:supplier_slug>/", messages.thread, name="thread"),
    path(
        "consultations/<str:reference>/messages/<slug:supplier_slug>/fichiers/<int:pk>/",
        messages.message_attachment,
        name="message_attachment",
    ),
]
