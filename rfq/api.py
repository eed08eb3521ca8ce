"""Public JSON API for RFQs and quotes (django-ninja), mounted at /api/rfqs."""
from ninja import Router

router = Router(tags=["RFQs"])
