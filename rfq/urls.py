"""RFQ pages under /consultations/ (French paths; English under /en/)."""
from django.urls import include, path

from .routes import buyer, supplier

app_name = "rfq"

urlpatterns = [
    path("", include(buyer.urlpatterns)),
    path("", include(supplier.urlpatterns)),
]
