"""docs/SECURITY.md item 1: a refused access to a private object is written to the dedicated
``marketplace.security`` log with the user id, the path and the kind of object — from pages
(the site's 403/404 handlers) and from the API (its error handlers); and the Wagtail supplier
chooser offers published profiles only."""
from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.urls import reverse

from marketplace.api.services import create_token
from rfq import quoting
from rfq.models import RFQ
from tests.factories import OrganisationFactory, UserFactory
from tests.rfq.conftest import make_buyer, make_supplier, published_rfq_for
from suppliers.models import SupplierProfile
from tests.suppliers.factories_directory import PublishedProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_log(caplog):
    """The records of ``marketplace.security`` (it does not propagate to the root: listen to it)."""
    logger = logging.getLogger("marketplace.security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="marketplace.security")
    yield lambda: [r for r in caplog.records if r.name == "marketplace.security"]
    logger.removeHandler(caplog.handler)


def _quote(rfq, party):
    lines = [quoting.QuoteLineData(lot_line_id=pk, unit_price=Decimal("10.00"))
             for pk in rfq.lots.values_list("lines__id", flat=True)]
    return quoting.submit_quote(party.user, rfq, party.organisation, lines=lines, lead_time_days=20)


def test_refusals_of_an_rfq_its_files_and_a_rival_quote_are_logged_with_user_path_and_kind(client, security_log):
    buyer, supplier, rival = make_buyer(), make_supplier(), make_supplier()
    invited_only = published_rfq_for(buyer, visibility=RFQ.Visibility.INVITED)
    public = published_rfq_for(buyer)
    quote = _quote(public, supplier)
    client.force_login(rival.user)

    probes = [
        (invited_only.get_absolute_url(), 404, "rfq"),
        (reverse("rfq:quote_attachment", kwargs={"reference": public.reference, "quote_id": quote.pk, "pk": 1}),
         404, "quote_file"),
        (reverse("rfq:manage", kwargs={"reference": public.reference}), 403, "rfq"),
    ]
    for path, status, _kind in probes:
        assert client.get(path).status_code == status, path

    records = security_log()
    assert [(r.path, r.status, r.object_kind, r.user_id) for r in records] == [
        (path, status, kind, rival.user.pk) for path, status, kind in probes
    ]
    assert all(r.levelno == logging.WARNING for r in records)
    assert f"user={rival.user.pk}" in records[0].getMessage() and "kind=rfq" in records[0].getMessage()


def test_an_unverified_supplier_refused_an_rfq_file_is_logged(client, security_log):
    rfq = published_rfq_for(make_buyer())
    unverified = make_supplier(verified=False)
    client.force_login(unverified.user)
    path = reverse("rfq:attachment", kwargs={"reference": rfq.reference, "pk": 1})

    assert client.get(path).status_code == 403
    [record] = security_log()
    assert (record.path, record.status, record.object_kind, record.user_id) == (path, 403, "rfq_file", unverified.user.pk)


def test_api_refusals_are_logged_too(client, security_log):
    buyer, outsider = make_buyer(), make_supplier()
    rfq = published_rfq_for(buyer, visibility=RFQ.Visibility.INVITED)
    token = create_token(outsider.user, "tests")[1]

    response = client.get(f"/api/rfqs/{rfq.pk}/quotes", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 404
    [record] = security_log()
    assert (record.path, record.status, record.object_kind, record.user_id) == (
        f"/api/rfqs/{rfq.pk}/quotes", 404, "quote", outsider.user.pk
    )


def test_allowed_reads_and_404s_of_public_addresses_are_not_logged(client, security_log):
    buyer, supplier = make_buyer(), make_supplier()
    rfq = published_rfq_for(buyer)
    client.force_login(supplier.user)

    assert client.get(rfq.get_absolute_url()).status_code == 200
    assert client.get("/une-page-qui-n-existe-pas/").status_code == 404
    assert security_log() == []


def test_the_supplier_chooser_offers_published_profiles_only(client):
    PublishedProfileFactory(organisation=OrganisationFactory(name="Chaudronnerie Publiée"))
    PublishedProfileFactory(
        organisation=OrganisationFactory(name="Chaudronnerie Brouillon"), status=SupplierProfile.Status.DRAFT
    )
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    TOTP.activate(editor, generate_totp_secret())  # the CMS admin requires MFA
    client.force_login(editor)

    for url, params in (
        (reverse("supplier_chooser:choose"), {}),
        (reverse("supplier_chooser:choose_results"), {}),
        (reverse("supplier_chooser:choose_results"), {"q": "Chaudronnerie"}),
    ):
        response = client.get(url, params)
        assert response.status_code == 200, url
        # The modal's first step is JSON wrapping its HTML; the results are plain HTML.
        is_json = response["Content-Type"].startswith("application/json")
        html = response.json()["html"] if is_json else response.content.decode()
        assert "Chaudronnerie Publiée" in html, url
        assert "Chaudronnerie Brouillon" not in html, url
