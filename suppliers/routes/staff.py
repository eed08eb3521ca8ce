"""staff routes of the suppliers app (names live in the "suppliers" namespace).

The verification queue; ``is_staff`` users only.
"""
from django.urls import path

from ..views import verification as views

urlpatterns = [
    path("staff/verifications/", views.queue, name="staff_verifications"),
    path("staff/verifications/<int:pk>/", views.decide, name="staff_verification_decide"),
]
