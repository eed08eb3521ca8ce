"""docs/SECURITY.md item 9: what the API returns for a withdrawn quote, and an allow-list of the
fields every output schema of the public API (django-ninja's OpenAPI schema) exposes — a field
added to a schema fails here until someone decides it may be public and lists it."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from marketplace.api.api import api
from marketplace.api.services import create_token
from rfq import quoting, services
from rfq.models import Quote
from tests.rfq.conftest import make_buyer, make_supplier, published_rfq_for

pytestmark = pytest.mark.django_db

# Every output schema of /api/openapi.json and its exact fields. Input schemas (…In, …Params,
# RFQPatch) are what clients send, not what we disclose, so they are not listed.
PUBLIC_OUTPUT_FIELDS = {
    "AttachmentOut": {"id", "kind", "lot_id", "name", "sha256", "size"},
    "AwardOut": {"amount", "lot_id", "quote_id", "supplier"},
    "AwardResultOut": {"awards", "status"},
    "CertificationOut": {"code", "expired", "name", "valid_until"},
    "CodedErrorOut": {"code", "detail"},
    "CodedValidationErrorOut": {"code", "detail", "errors"},
    "CommuneOut": {"departement", "departement_name", "insee", "latitude", "longitude", "name", "postal_code",
                   "region", "region_name"},
    "ErrorOut": {"detail"},
    "FacetsOut": {"certification", "region", "sector", "skill"},
    "FieldErrorOut": {"loc", "msg", "type"},
    "LineOut": {"id", "number", "part", "quantity", "reference", "target_date", "unit"},
    "LotOut": {"description", "id", "lines", "number", "title"},
    "LotSummaryOut": {"id", "number", "title"},
    "MatchOut": {"distance_km", "name", "organisation_id", "profile_id", "score", "slug", "why"},
    # /api/me and /api/me/supplier-profile: the caller's own account and profile only.
    "MeOut": {"email", "first_name", "id", "last_name", "organisations"},
    "MembershipOut": {"active", "id", "kinds", "name", "role", "siren", "siret", "slug"},
    "MySupplierProfileOut": {"batch_sizes", "certifications", "commune", "completeness", "contact_email",
                             "headcount_band", "id", "keywords", "languages", "materials",
                             "missing_for_publication", "name", "phone", "postal_code", "presentation",
                             "presentation_en", "sectors", "siret", "sites", "skills", "slug", "status",
                             "tagline", "url", "verified", "website"},
    "NamedOut": {"name", "slug"},
    "OrganisationOut": {"id", "name"},
    "QuestionOut": {"answer", "answered_at", "asked_at", "asked_by", "id", "lot_id", "text"},
    "QuoteAttachmentOut": {"id", "kind", "name", "sha256", "size"},
    "QuoteLineOut": {"comment", "line_total", "lot_line_id", "unit_price"},
    "QuoteOut": {"attachments", "comments", "currency", "id", "integrity_ok", "lead_time_days", "lines",
                 "needs_reconfirmation", "outcome", "rfq_id", "status", "submitted_at", "supplier", "total",
                 "valid_until", "version"},
    "RFQDetailsOut": {"attachments", "description", "lots", "nda_text", "questions"},
    "RFQOut": {"budget_max", "budget_min", "buyer", "cancel_reason", "certifications", "closed_at", "currency",
               "delivery_commune", "details", "details_visible", "id", "is_buyer", "lots", "materials",
               "opened_at", "published_at", "questions_deadline", "quote_deadline", "quotes_received",
               "reference", "revision", "sector", "skills", "status", "summary", "title", "visibility"},
    "RFQPageOut": {"page", "page_size", "results", "total"},
    "RFQSummaryOut": {"budget_max", "budget_min", "buyer", "cancel_reason", "certifications", "closed_at",
                      "currency", "delivery_commune", "id", "lots", "materials", "opened_at", "published_at",
                      "questions_deadline", "quote_deadline", "reference", "revision", "sector", "skills",
                      "status", "summary", "title", "visibility"},
    "SealedErrorOut": {"code", "detail", "received"},
    "SearchHitOut": {"certifications", "commune", "distance_km", "highlights", "id", "name", "postal_code",
                     "score", "sectors", "siret", "skills", "slug", "verified", "why"},
    "SearchOut": {"corrected_q", "facets", "page", "page_size", "results", "total"},
    "SiteOut": {"commune", "latitude", "longitude", "name", "postal_code"},
    "SupplierOut": {"batch_sizes", "certifications", "commune", "headcount_band", "id", "materials", "name",
                    "postal_code", "presentation", "sectors", "siret", "sites", "skills", "slug", "tagline",
                    "url", "verified"},
    # The token itself is shown once, in the creation answer; listings carry its prefix only.
    "TokenCreatedOut": {"created_at", "id", "key_prefix", "last_used_at", "name", "revoked_at", "token"},
    "TokenOut": {"created_at", "id", "key_prefix", "last_used_at", "name", "revoked_at"},
    "ValidationErrorOut": {"detail", "errors"},
}
INPUT_SCHEMAS = {"AwardIn", "LineIn", "ListParams", "LotIn", "QuestionIn", "QuoteIn", "QuoteLineIn", "RFQIn",
                 "RFQPatch", "SearchParams", "SupplierProfileIn", "TokenIn"}


def _components():
    return api.get_openapi_schema()["components"]["schemas"]


def test_every_output_schema_exposes_exactly_its_allowed_fields():
    components = _components()
    assert set(components) == set(PUBLIC_OUTPUT_FIELDS) | INPUT_SCHEMAS, "a schema was added or removed: list it"
    exposed = {name: set(components[name].get("properties", {})) for name in PUBLIC_OUTPUT_FIELDS}
    assert exposed == PUBLIC_OUTPUT_FIELDS


def test_no_output_schema_names_an_owner_or_internal_field():
    internal = {"password", "is_staff", "is_superuser", "created_by", "created_by_id", "actor", "actor_email",
                "ip_address", "key_hash", "stripe_customer_id", "stripe_subscription_id", "content_hash",
                "storage_name", "file", "path", "scan_status", "withdrawn_at"}
    leaking = {name: fields & internal for name, fields in PUBLIC_OUTPUT_FIELDS.items() if fields & internal}
    assert not leaking


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'tests')[1]}"}


def _submit(rfq, party, price):
    lines = [quoting.QuoteLineData(lot_line_id=pk, unit_price=Decimal(price))
             for pk in rfq.lots.values_list("lines__id", flat=True)]
    return quoting.submit_quote(party.user, rfq, party.organisation, lines=lines, lead_time_days=20)


def test_a_withdrawn_quote_is_absent_for_the_buyer_and_only_its_supplier_reads_it(client):
    buyer, supplier, rival = make_buyer(), make_supplier(), make_supplier()
    rfq = published_rfq_for(buyer)
    withdrawn = quoting.withdraw_quote(supplier.user, _submit(rfq, supplier, "17.35"))
    live = _submit(rfq, rival, "11.00")
    services.close_rfq(rfq, now=rfq.quote_deadline + timedelta(seconds=1))
    quoting.open_quotes(buyer.user, rfq)
    url = f"/api/rfqs/{rfq.pk}/quotes"

    buyer_view = client.get(url, **_bearer(buyer.user))
    assert buyer_view.status_code == 200
    assert [q["id"] for q in buyer_view.json()] == [live.pk]
    assert "17.35" not in buyer_view.content.decode() and str(supplier.organisation.name) not in buyer_view.content.decode()

    rival_view = client.get(url, **_bearer(rival.user)).json()
    assert [q["id"] for q in rival_view] == [live.pk]

    own = client.get(url, **_bearer(supplier.user))
    assert own.status_code == 200
    [quote] = own.json()
    assert quote["id"] == withdrawn.pk and quote["status"] == Quote.Status.WITHDRAWN
    assert set(quote) == PUBLIC_OUTPUT_FIELDS["QuoteOut"]
    assert quote["supplier"] == {"id": supplier.organisation.pk, "name": supplier.organisation.name}
