"""Access-control matrix (docs/SECURITY.md, items 1, 3 and 8): who may do what to which object.

One declared table — role × object × action → A (allowed) or D (denied) — asserted against the
running app through real URLs and API endpoints with django.test.Client. Each cell is a test id
(``organisation.read-other_supplier``).

"Allowed" means the protected content came back (a marker only that object carries, or the
file's bytes, or the change happened); "denied" means a 302 to login, 403 or 404, or a page
without the marker, and no change. Anything else (a 500, a 405…) fails the cell.

The world is built once per module inside a transaction that is rolled back at the end; each
test runs in a savepoint (pytest-django's ``db``), so a cell that changes data leaves none behind.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.accounts.models import Membership
from rfq import quoting
from rfq.models import RFQ, Message, MessageThread, NDAAcceptance, Question, QuoteAttachment, RFQAttachment, RFQInvitation
from search.models import SavedSearch
from suppliers.models import ClusterMembership, ProductionSite
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.rfq.factories import PublishedRFQFactory, SubmittedQuoteFactory, pass_deadline
from tests.search.factories import ProductionSiteFactory, SupplierProfileFactory

ROLES = (
    "anonymous", "unverified", "supplier_member", "supplier_owner", "other_supplier",
    "buyer_member", "buyer_owner", "cluster_manager", "cms_editor", "staff",
)

# Columns follow ROLES. "supplier" is organisation A (invited to the invited RFQ, NDA accepted on
# the confidential one, author of the quotes, the question and the thread); "buyer" owns every
# RFQ; "other supplier" is a verified supplier with no invitation and no NDA; "unverified" owns a
# supplier organisation but never confirmed its email; the cluster manager's cluster counts A as
# an active member; editor and staff have TOTP turned on; staff is a superuser (the operator).
MATRIX = """
object                   action        anon unver s_mem s_own other b_mem b_own clust editor staff
organisation             read          D    D     A     A     D     D     D     D     D      D
organisation             edit          D    D     D     A     D     D     D     D     D      D
profile                  read          A    A     A     A     A     A     A     A     A      A
profile                  edit          D    D     D     A     D     D     D     D     D      D
profile                  delete        D    D     D     A     D     D     D     D     D      D
rfq_public               list          A    A     A     A     A     A     A     A     A      A
rfq_public               read          A    A     A     A     A     A     A     A     A      A
rfq_public               details       D    D     A     A     A     A     A     D     D      A
rfq_public               download      D    D     A     A     A     A     A     D     D      A
rfq_public               manage        D    D     D     D     D     A     A     D     D      D
rfq_public               edit          D    D     D     D     D     A     A     D     D      D
rfq_public               api           D    A     A     A     A     A     A     A     A      A
rfq_invited              list          D    D     A     A     D     A     A     D     D      D
rfq_invited              read          D    D     A     A     D     A     A     D     D      A
rfq_invited              details       D    D     A     A     D     A     A     D     D      A
rfq_invited              download      D    D     A     A     D     A     A     D     D      A
rfq_invited              manage        D    D     D     D     D     A     A     D     D      D
rfq_invited              edit          D    D     D     D     D     A     A     D     D      D
rfq_invited              api           D    D     A     A     D     A     A     D     D      A
rfq_confidential         list          A    A     A     A     A     A     A     A     A      A
rfq_confidential         read          A    A     A     A     A     A     A     A     A      A
rfq_confidential         details       D    D     A     A     D     A     A     D     D      A
rfq_confidential         download      D    D     A     A     D     A     A     D     D      A
rfq_confidential         manage        D    D     D     D     D     A     A     D     D      D
rfq_confidential         edit          D    D     D     D     D     A     A     D     D      D
rfq_confidential         api           D    A     A     A     A     A     A     A     A      A
question                 read          D    D     A     A     A     A     A     D     D      A
question                 answer        D    D     D     D     D     A     A     D     D      D
quote_sealed             api           D    D     A     A     D     D     D     D     D      D
quote_sealed             download      D    D     A     A     D     D     D     D     D      D
quote_closed             compare       D    D     D     D     D     D     D     D     D      D
quote_opened             api           D    D     A     A     D     A     A     D     D      A
quote_opened             compare       D    D     D     D     D     A     A     D     D      D
quote_opened             download      D    D     A     A     D     A     A     D     D      A
message                  read          D    D     A     A     D     A     A     D     D      D
invoice                  read          D    D     D     A     D     D     D     D     D      D
saved_search             list          D    D     D     A     D     D     D     D     D      D
saved_search             delete        D    D     D     A     D     D     D     D     D      D
admin_billing            list          D    D     D     D     D     D     D     D     D      A
cms_admin                read          D    D     D     D     D     D     D     D     A      A
"""

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _parse(table: str) -> list[tuple[str, str, str, bool]]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert len(header) == 2 + len(ROLES), "one column per role"
    cells = []
    for row in rows:
        assert len(row) == len(header), row
        obj, action, marks = row[0], row[1], row[2:]
        for role, mark in zip(ROLES, marks, strict=True):
            assert mark in {"A", "D"}, row
            cells.append((obj, action, role, mark == "A"))
    return cells


CELLS = _parse(MATRIX)


def _pdf(marker: str) -> bytes:
    return PDF + marker.encode()


def _rfq_file(rfq, marker):
    content = _pdf(marker)
    return RFQAttachment.objects.create(
        rfq=rfq, file=ContentFile(content, name="x"), original_name=f"{marker}.pdf", kind="pdf",
        content_type="application/pdf", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        scan_status="clean",  # as if scanned (marketplace.scanning)
    )


def _quote_file(quote, marker):
    content = _pdf(marker)
    return QuoteAttachment.objects.create(
        quote=quote, file=ContentFile(content, name="x"), original_name=f"{marker}.pdf", kind="pdf",
        content_type="application/pdf", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        scan_status="clean",  # as if scanned (marketplace.scanning)
    )


def _with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    return user


def _build_world():
    w = SimpleNamespace()
    buyer = OrganisationFactory(is_supplier=False, is_buyer=True, name="Donneur d'ordre Matrice")
    supplier = OrganisationFactory(is_supplier=True, name="Fournisseur A Matrice")
    other = OrganisationFactory(is_supplier=True, name="Fournisseur C Matrice")
    cluster = OrganisationFactory(is_supplier=False, is_cluster=True, name="Cluster Matrice")
    w.buyer, w.supplier = buyer, supplier
    editor = _with_totp(UserFactory())
    editor.groups.add(Group.objects.get(name="Editors"))
    w.users = {
        "anonymous": None,
        "unverified": MembershipFactory(
            organisation=OrganisationFactory(is_supplier=True), user=UserFactory(verified=False)
        ).user,
        "supplier_member": MembershipFactory(organisation=supplier, role=Membership.Role.MEMBER).user,
        "supplier_owner": MembershipFactory(organisation=supplier).user,
        "other_supplier": MembershipFactory(organisation=other).user,
        "buyer_member": MembershipFactory(organisation=buyer, role=Membership.Role.MEMBER).user,
        "buyer_owner": MembershipFactory(organisation=buyer).user,
        "cluster_manager": MembershipFactory(organisation=cluster).user,
        "cms_editor": editor,
        "staff": _with_totp(UserFactory(is_staff=True, is_superuser=True)),
    }
    ClusterMembership.objects.create(cluster=cluster, supplier=supplier, status=ClusterMembership.Status.ACTIVE)

    profile = SupplierProfileFactory(organisation=supplier)
    w.profile = profile
    w.site = ProductionSiteFactory(profile=profile, name="Site MARKER-site")

    def rfq(visibility, marker, **extra):
        made = PublishedRFQFactory(
            buyer=buyer, visibility=visibility, title=f"Consultation {marker}",
            description=f"<p>DETAILS-{marker}</p>", **extra,
        )
        made.attachment = _rfq_file(made, f"FILE-{marker}")
        return made

    w.rfq_public = rfq(RFQ.Visibility.PUBLIC, "public")
    w.rfq_invited = rfq(RFQ.Visibility.INVITED, "invited")
    RFQInvitation.objects.create(rfq=w.rfq_invited, supplier=supplier)
    w.rfq_confidential = rfq(RFQ.Visibility.CONFIDENTIAL, "confidential", nda_text="Secret.")
    NDAAcceptance.objects.create(rfq=w.rfq_confidential, organisation=supplier, user=w.users["supplier_owner"])

    w.question = Question.objects.create(
        rfq=w.rfq_public, asked_by=w.users["supplier_owner"], asked_by_organisation=supplier,
        text="QUESTION-public tolérance ?", answer="Réponse publiée.", answered_at=timezone.now(),
    )
    w.open_question = Question.objects.create(
        rfq=w.rfq_public, asked_by=w.users["supplier_owner"], asked_by_organisation=supplier, text="Autre question ?"
    )
    thread = MessageThread.objects.create(rfq=w.rfq_public, supplier=supplier)
    Message.objects.create(thread=thread, author=w.users["supplier_owner"], author_organisation=supplier,
                           body="MESSAGE-public")

    # Sealed: the public RFQ is still open; A's quote prices every line at 4321.57.
    w.quote_sealed = SubmittedQuoteFactory(rfq=w.rfq_public, supplier=supplier, unit_price=Decimal("4321.57"))
    w.quote_sealed.attachment = _quote_file(w.quote_sealed, "QUOTEFILE-sealed")

    # Closed, not opened.
    w.rfq_closed = rfq(RFQ.Visibility.PUBLIC, "closed")
    w.quote_closed = SubmittedQuoteFactory(rfq=w.rfq_closed, supplier=supplier, unit_price=Decimal("5555.73"))
    pass_deadline(w.rfq_closed)

    # Closed and opened by the buyer.
    w.rfq_opened = rfq(RFQ.Visibility.PUBLIC, "opened")
    w.quote_opened = SubmittedQuoteFactory(rfq=w.rfq_opened, supplier=supplier, unit_price=Decimal("8765.29"))
    w.quote_opened.attachment = _quote_file(w.quote_opened, "QUOTEFILE-opened")
    pass_deadline(w.rfq_opened)
    quoting.open_quotes(w.users["buyer_owner"], w.rfq_opened)

    w.saved = SavedSearch.objects.create(
        user=w.users["supplier_owner"], organisation=supplier, name="SAVED-marker", query={"q": "inox"}
    )
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = _build_world()
        yield built
        transaction.set_rollback(True)


# --- probes: each returns True (allowed) or False (denied), and fails on anything else ---------

DENIED = {302, 401, 403, 404}


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("latin-1")
    return response.content.decode()


def _page(client, url, marker=None, *, forbidden=()):
    response = client.get(url)
    body = _body(response)
    for secret in forbidden:
        assert secret not in body, f"{secret} leaked from {url}"
    if response.status_code == 200:
        return marker is None or marker in body
    assert response.status_code in DENIED, (url, response.status_code)
    if marker is not None:
        assert marker not in body
    return False


def _download(client, url, marker):
    response = client.get(url)
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        return _body(response).endswith(marker)
    assert response.status_code in DENIED, (url, response.status_code)
    assert marker not in _body(response)
    return False


def _post_changes(client, url, data, changed):
    response = client.post(url, data)
    assert response.status_code in DENIED | {200}, (url, response.status_code)
    return changed()


def _rfq_probes(name):
    def rfq_of(w):
        return getattr(w, name)

    marker = name.removeprefix("rfq_")
    return {
        (name, "list"): lambda c, w: _page(c, reverse("rfq:list"), f"Consultation {marker}"),
        (name, "read"): lambda c, w: _page(c, reverse("rfq:detail", args=[rfq_of(w).reference]), f"Consultation {marker}"),
        (name, "details"): lambda c, w: _page(
            c, reverse("rfq:detail", args=[rfq_of(w).reference]), f"DETAILS-{marker}"
        ),
        (name, "download"): lambda c, w: _download(
            c, reverse("rfq:attachment", args=[rfq_of(w).reference, rfq_of(w).attachment.pk]), f"FILE-{marker}"
        ),
        (name, "manage"): lambda c, w: _page(c, reverse("rfq:manage", args=[rfq_of(w).reference])),
        (name, "edit"): lambda c, w: _page(c, reverse("rfq:edit", args=[rfq_of(w).reference])),
        (name, "api"): lambda c, w: _page(c, f"/api/rfqs/{rfq_of(w).pk}", f"Consultation {marker}"),
    }


def _billing_of(client, organisation):
    """The billing page is always the active organisation's: allowed means A's billing came back
    (members see A's name in the site header anyway, so the name alone proves nothing)."""
    response = client.get(reverse("billing:overview"))
    if response.status_code != 200:
        assert response.status_code in DENIED
        return False
    body = response.content.decode()
    return "<h1>Abonnement</h1>" in body and organisation.name in body


def _quotes_api(c, rfq, price):
    return _page(c, f"/api/rfqs/{rfq.pk}/quotes", price)


PROBES = {
    ("organisation", "read"): lambda c, w: _page(c, reverse("accounts:members", args=[w.supplier.slug])),
    ("organisation", "edit"): lambda c, w: _page(c, reverse("accounts:organisation_edit", args=[w.supplier.slug])),
    ("profile", "read"): lambda c, w: _page(c, reverse("suppliers:profile_detail", args=[w.profile.slug]), "MARKER-site"),
    ("profile", "edit"): lambda c, w: _post_changes(
        c, reverse("suppliers:profile_site_edit", args=[w.site.pk]),
        {"site-name": "Site renommé", "site-commune": w.site.commune.insee, "site-postal_code": w.site.postal_code},
        lambda: ProductionSite.objects.get(pk=w.site.pk).name == "Site renommé",
    ),
    ("profile", "delete"): lambda c, w: _post_changes(
        c, reverse("suppliers:profile_site_delete", args=[w.site.pk]), {},
        lambda: not ProductionSite.objects.filter(pk=w.site.pk).exists(),
    ),
    **_rfq_probes("rfq_public"),
    **_rfq_probes("rfq_invited"),
    **_rfq_probes("rfq_confidential"),
    ("question", "read"): lambda c, w: _page(c, reverse("rfq:detail", args=[w.rfq_public.reference]), "QUESTION-public"),
    ("question", "answer"): lambda c, w: _post_changes(
        c, reverse("rfq:answer", args=[w.rfq_public.reference, w.open_question.pk]),
        {f"q{w.open_question.pk}-answer": "Réponse ±0,05 mm."},
        lambda: bool(Question.objects.get(pk=w.open_question.pk).answer),
    ),
    ("quote_sealed", "api"): lambda c, w: _quotes_api(c, w.rfq_public, "4321.57"),
    ("quote_sealed", "download"): lambda c, w: _download(
        c, reverse("rfq:quote_attachment", args=[w.rfq_public.reference, w.quote_sealed.pk, w.quote_sealed.attachment.pk]),
        "QUOTEFILE-sealed",
    ),
    ("quote_closed", "compare"): lambda c, w: _page(
        c, reverse("rfq:compare", args=[w.rfq_closed.reference]), "Comparaison des offres", forbidden=["5555.73", "555,73"]
    ),
    ("quote_opened", "api"): lambda c, w: _quotes_api(c, w.rfq_opened, "8765.29"),
    ("quote_opened", "compare"): lambda c, w: _page(
        c, reverse("rfq:compare", args=[w.rfq_opened.reference]), "765,29"
    ),
    ("quote_opened", "download"): lambda c, w: _download(
        c, reverse("rfq:quote_attachment", args=[w.rfq_opened.reference, w.quote_opened.pk, w.quote_opened.attachment.pk]),
        "QUOTEFILE-opened",
    ),
    ("message", "read"): lambda c, w: _page(
        c, reverse("rfq:thread", args=[w.rfq_public.reference, w.supplier.slug]), "MESSAGE-public"
    ),
    ("invoice", "read"): lambda c, w: _billing_of(c, w.supplier),
    ("saved_search", "list"): lambda c, w: _page(c, reverse("search:saved_list"), "SAVED-marker"),
    ("saved_search", "delete"): lambda c, w: _post_changes(
        c, reverse("search:saved_delete", args=[w.saved.pk]), {},
        lambda: not SavedSearch.objects.filter(pk=w.saved.pk).exists(),
    ),
    ("admin_billing", "list"): lambda c, w: _page(c, "/django-admin/billing/subscription/"),
    ("cms_admin", "read"): lambda c, w: _page(c, "/cms-admin/"),
}


def test_every_row_of_the_matrix_has_a_probe_and_every_probe_a_row():
    assert {(obj, action) for obj, action, _role, _allowed in CELLS} == set(PROBES)


@pytest.mark.parametrize(
    "obj,action,role,allowed",
    CELLS,
    ids=[f"{obj}.{action}-{role}" for obj, action, role, _allowed in CELLS],
)
def test_access_matrix(world, db, client, obj, action, role, allowed):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    outcome = PROBES[(obj, action)](client, world)
    assert outcome is allowed, f"{role} {'was denied' if allowed else 'was allowed'} {action} on {obj}"
