"""docs/SECURITY.md item 19: a question, an answer and company names holding ``<script>`` are
shown as text on the RFQ page (supplier and buyer sides), in the search results and on the
supplier profile; and a line break in a logged value (here a request path) cannot forge a
second log line."""
from __future__ import annotations

import io
import logging

import pytest
from django.urls import reverse

from marketplace.security import SingleLineFormatter, one_line
from rfq import participation
from search import sync
from tests.factories import MembershipFactory, OrganisationFactory
from tests.rfq.conftest import Party, published_rfq_for
from tests.suppliers.factories_directory import PublishedProfileFactory

pytestmark = pytest.mark.django_db


def _party(name, **kinds):
    membership = MembershipFactory(organisation=OrganisationFactory(name=name, **kinds))
    return Party(membership.organisation, membership.user)


def _assert_escaped(html: str, marker: str):
    assert f"<script>{marker}" not in html, f"{marker} reached the page as markup"
    assert f"&lt;script&gt;{marker}" in html, f"{marker} is not shown as text"


def test_questions_answers_and_company_names_are_text_on_the_rfq_page(client):
    buyer = _party("Acheteur <script>buyerName()</script>", is_supplier=False, is_buyer=True)
    supplier = _party("<script>supplierName()</script> SARL", is_supplier=True)
    rfq = published_rfq_for(buyer, title="Brides <script>rfqTitle()</script>")
    question = participation.ask_question(supplier.user, rfq, supplier.organisation, "Tolérance ? <script>asked()</script>")
    participation.answer_question(buyer.user, question, "±0,05 <script>answered()</script>")

    client.force_login(supplier.user)
    supplier_page = client.get(rfq.get_absolute_url())
    assert supplier_page.status_code == 200
    html = supplier_page.content.decode()
    for marker in ("buyerName()", "rfqTitle()", "asked()", "answered()"):
        _assert_escaped(html, marker)

    client.force_login(buyer.user)
    manage = client.get(reverse("rfq:manage", kwargs={"reference": rfq.reference}))
    assert manage.status_code == 200
    html = manage.content.decode()
    for marker in ("supplierName()", "asked()", "answered()"):
        _assert_escaped(html, marker)


def test_company_names_are_text_in_search_results_and_on_the_profile(client, settings):
    settings.SEARCH_BACKEND = "database"
    organisation = OrganisationFactory(name="Zygomorphe <script>companyName()</script>", is_supplier=True)
    profile = PublishedProfileFactory(organisation=organisation, tagline="Zygomorphe <script>tagline()</script>")
    sync.index_profiles([profile.pk])

    results = client.get(reverse("search:suppliers"), {"q": "Zygomorphe"})
    assert results.status_code == 200
    html = results.content.decode()
    assert f"/fournisseurs/{profile.slug}/" in html, "the profile is not among the results"
    _assert_escaped(html, "companyName()")

    page = client.get(reverse("suppliers:profile_detail", kwargs={"slug": profile.slug}))
    assert page.status_code == 200
    html = page.content.decode()
    _assert_escaped(html, "companyName()")
    _assert_escaped(html, "tagline()")


def test_line_breaks_are_escaped_by_the_formatter():
    assert one_line("Acme\nINFO forged\r\n\u2028x") == "Acme\\nINFO forged\\r\\n\\u2028x"
    record = logging.LogRecord("marketplace", logging.WARNING, __file__, 1, "name=%s", ("Acme\n2026 INFO forged",), None)
    assert SingleLineFormatter("%(levelname)s %(message)s").format(record) == "WARNING name=Acme\\n2026 INFO forged"


def test_a_path_with_a_line_break_cannot_forge_a_log_line(client):
    """Django logs a 404 with its path (``Not Found: /…``) through the site's console handler."""
    [console] = [handler for handler in logging.getLogger().handlers if handler.name == "console"]
    assert isinstance(console.formatter, SingleLineFormatter)
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = client.get("/consultations/inconnue%0A2026-01-01 00:00:00,000 INFO marketplace forged/")
    finally:
        console.setStream(previous)
    assert response.status_code == 404
    lines = stream.getvalue().splitlines()
    assert lines, "nothing was logged"
    assert not any(line.startswith("2026-01-01") for line in lines)
    assert any("inconnue\\n2026-01-01 00:00:00,000 INFO marketplace forged" in line for line in lines)
