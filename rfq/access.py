"""Who may see what of an RFQ. Read-only rules used by views, API and templates.

Summary level (title, summary, deadlines, lots' titles) vs details (description, files, Q&A).
``organisation`` is the organisation the user works as (``request.organisation``); the rules
check that the user really belongs to it. Sealed quote contents are never covered here: see
:mod:`rfq.quoting`.
"""
from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet

from marketplace.accounts.models import Membership

from .models import RFQ, NDAAcceptance, RFQInvitation


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _is_member(user, organisation) -> bool:
    if not _authenticated(user) or organisation is None:
        return False
    # A lazy "no organisation" (the middleware's SimpleLazyObject wrapping None) has no pk.
    organisation_id = organisation if isinstance(organisation, int) else getattr(organisation, "pk", None)
    if organisation_id is None:
        return False
    return Membership.objects.filter(user=user, organisation_id=organisation_id, user__is_active=True).exists()


def _has_verified_email(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def rfqs_visible_to(organisation) -> QuerySet[RFQ]:
    """RFQs to list for ``organisation``: published-or-later public and confidential ones, the
    invited ones it is invited to, and its own (every state). ``None``: open public summaries."""
    if organisation is None:
        return RFQ.objects.public_open()
    listed = Q(visibility__in=[RFQ.Visibility.PUBLIC, RFQ.Visibility.CONFIDENTIAL])
    invited = Q(visibility=RFQ.Visibility.INVITED, invitations__supplier=organisation)
    others = RFQ.objects.published_or_later().filter(listed | invited)
    return RFQ.objects.filter(Q(pk__in=others.values("pk")) | Q(buyer=organisation))


def is_buyer_member(user, rfq) -> bool:
    """``user`` belongs to the RFQ's buyer organisation."""
    return _is_member(user, rfq.buyer_id)


def _is_invited(organisation, rfq) -> bool:
    return organisation is not None and RFQInvitation.objects.filter(rfq=rfq, supplier=organisation).exists()


def can_see_rfq(user, organisation, rfq) -> bool:
    """Summary level: buyer members always; drafts only them; invited RFQs only invited
    suppliers; staff everything (but never sealed quote contents)."""
    if is_buyer_member(user, rfq):
        return True
    if _authenticated(user) and user.is_staff:
        return True
    if rfq.status == RFQ.Status.DRAFT:
        return False
    if rfq.visibility == RFQ.Visibility.INVITED:
        return _is_member(user, organisation) and _is_invited(organisation, rfq)
    return True


def can_see_details(user, organisation, rfq) -> bool:
    """Description, files, Q&A. Public: logged-in user with a verified email in a supplier
    organisation; invited: invited suppliers; confidential: suppliers whose organisation
    accepted the NDA; buyer members always. Staff see details too (support, moderation)."""
    if is_buyer_member(user, rfq):
        return True
    if not _authenticated(user):
        return False
    if user.is_staff:
        return True
    if rfq.status == RFQ.Status.DRAFT or organisation is None or not organisation.is_supplier:
        return False
    if not _is_member(user, organisation) or not _has_verified_email(user):
        return False
    if rfq.visibility == RFQ.Visibility.INVITED:
        return _is_invited(organisation, rfq)
    if rfq.visibility == RFQ.Visibility.CONFIDENTIAL:
        return NDAAcceptance.objects.filter(rfq=rfq, organisation=organisation).exists()
    return True


def supplier_can_quote(user, organisation, rfq) -> bool:
    """A supplier organisation that sees the details, is not the buyer, did not decline its
    invitation, while the RFQ accepts quotes."""
    if organisation is None or not organisation.is_supplier or organisation.pk == rfq.buyer_id:
        return False
    if not rfq.accepts_quotes():
        return False
    if RFQInvitation.objects.filter(rfq=rfq, supplier=organisation, status=RFQInvitation.Status.DECLINED).exists():
        return False
    if not _is_member(user, organisation):
        return False
    # Staff browsing as themselves do not get to quote for someone else: details must come from
    # the supplier's own rights, not from staff status.
    if rfq.visibility == RFQ.Visibility.INVITED:
        allowed = _is_invited(organisation, rfq)
    elif rfq.visibility == RFQ.Visibility.CONFIDENTIAL:
        allowed = NDAAcceptance.objects.filter(rfq=rfq, organisation=organisation).exists()
    else:
        allowed = True
    return allowed and _has_verified_email(user)


def visible_questions(user, organisation, rfq) -> list[dict]:
    """The RFQ's questions as shown to this reader (empty without access to the details).

    Buyer members and staff see which organisation asked; a supplier sees ``mine`` for its own
    questions and never who asked the others (``asked_by_organisation`` is None for them).
    """
    if not can_see_details(user, organisation, rfq):
        return []
    privileged = is_buyer_member(user, rfq) or (_authenticated(user) and user.is_staff)
    own_id = getattr(organisation, "pk", None)
    rows = []
    for question in rfq.questions.select_related("lot", "asked_by_organisation"):
        mine = own_id is not None and question.asked_by_organisation_id == own_id
        rows.append({
            "id": question.pk,
            "lot": question.lot,
            "text": question.text,
            "asked_at": question.asked_at,
            "answer": question.answer,
            "answered_at": question.answered_at,
            "mine": mine,
            "asked_by_organisation": question.asked_by_organisation if privileged or mine else None,
        })
    return rows
