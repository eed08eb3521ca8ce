"""Fixtures for the RFQ tests: a buyer and suppliers with their owners, and RFQs built through the
services (draft, published) so transition tests start from states the services produce.

Other RFQ test files may use them; ``tests/rfq/factories.py`` builds rows directly instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.accounts.models import Membership
from rfq import services
from rfq.services import LineData, LotData
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@dataclass
class Party:
    """An organisation and its owner user."""

    organisation: object
    user: object


def make_buyer() -> Party:
    membership = MembershipFactory(organisation=OrganisationFactory(is_supplier=False, is_buyer=True))
    return Party(membership.organisation, membership.user)


def make_supplier(**user_kwargs) -> Party:
    membership = MembershipFactory(organisation=OrganisationFactory(is_supplier=True), user=UserFactory(**user_kwargs))
    return Party(membership.organisation, membership.user)


def add_member(organisation, role=Membership.Role.MEMBER):
    return MembershipFactory(organisation=organisation, role=role).user


def one_lot(quantity="500") -> list[LotData]:
    return [LotData(title="Usinage", lines=[LineData(part="Axe Ø20 inox 316L", quantity=Decimal(quantity)),
                                           LineData(part="Bague", quantity=Decimal("200"), reference="PL-12")])]


def draft_rfq_for(buyer: Party, **overrides):
    values = dict(
        title="Usinage d'axes inox",
        summary="Axes usinés, séries de 500.",
        description="<p>Tolérances <strong>±0,02 mm</strong>.</p>",
        quote_deadline=timezone.now() + timedelta(days=7),
        questions_deadline=timezone.now() + timedelta(days=5),
        lots=one_lot(),
    )
    values.update(overrides)
    return services.create_rfq(buyer.user, buyer.organisation, **values)


def published_rfq_for(buyer: Party, **overrides):
    rfq = draft_rfq_for(buyer, **overrides)
    return services.publish_rfq(buyer.user, rfq)


@pytest.fixture
def buyer(db) -> Party:
    return make_buyer()


@pytest.fixture
def supplier(db) -> Party:
    return make_supplier()


@pytest.fixture
def other_supplier(db) -> Party:
    return make_supplier()


@pytest.fixture
def draft_rfq(buyer):
    return draft_rfq_for(buyer)


@pytest.fixture
def published_rfq(buyer):
    return published_rfq_for(buyer)


def quote_from_new_supplier(rfq, **kwargs):
    """A submitted quote (tests.rfq.factories) by a supplier organisation that has an owner, so
    notifications to the supplier have a recipient."""
    from tests.rfq.factories import SubmittedQuoteFactory

    return SubmittedQuoteFactory(rfq=rfq, supplier=make_supplier().organisation, **kwargs)
