"""Who may see what of an RFQ. Read-only rules used by views, API and templates.

Summary level (title, summary, deadlines, lots' titles) vs details (description, files, Q&A).
Sealed quote contents are never covered here: see :mod:`rfq.quoting`.
"""
from __future__ import annotations

from django.db.models import QuerySet

from .models import RFQ


def rfqs_visible_to(organisation) -> QuerySet[RFQ]:
    """RFQs to list for ``organisation``: published-or-later public and confidential ones, the
    invited ones it is invited to, and its own (every state). ``None``: open public summaries."""
    raise NotImplementedError


def is_buyer_member(user, rfq) -> bool:
    """``user`` belongs to the RFQ's buyer organisation."""
    raise NotImplementedError


def can_see_rfq(user, organisation, rfq) -> bool:
    """Summary level: buyer members always; drafts only them; invited RFQs only invited
    suppliers; staff everything (but never sealed quote contents)."""
    raise NotImplementedError


def can_see_details(user, organisation, rfq) -> bool:
    """Description, files, Q&A. Public: logged-in user with a verified email in a supplier
    organisation; invited: invited suppliers; confidential: suppliers whose organisation
    accepted the NDA; buyer members always."""
    raise NotImplementedError


def supplier_can_quote(user, organisation, rfq) -> bool:
    """A supplier organisation that sees the details, is not the buyer, did not decline its
    invitation, while the RFQ accepts quotes."""
    raise NotImplementedError
