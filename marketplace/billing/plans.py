"""Creating a paid plan's Stripe product and (legacy) plans, once.

Stripe's ``/v1/prices`` is not used: plans are enough for fixed monthly and yearly prices and
localstripe, which the tests run against, supports only them.
"""
from __future__ import annotations

from decimal import Decimal

import stripe

from .models import CURRENCY, Plan
from .stripe_client import as_dict, client


def _cents(amount: Decimal) -> int:
    return int((Decimal(str(amount)) * 100).to_integral_value())


def _retrieve_or_create(service, object_id: str, params: dict) -> str:
    try:
        return as_dict(service.retrieve(object_id))["id"]
    except stripe.InvalidRequestError as error:
        if error.http_status != 404:
            raise
    return as_dict(service.create(params={"id": object_id, **params}))["id"]


def sync_plan_to_stripe(plan: Plan) -> list[str]:
    """Give ``plan`` its Stripe product and monthly/yearly plans if missing; return the ids created."""
    api = client()
    created: list[str] = []
    if not plan.stripe_product_id:
        plan.stripe_product_id = _retrieve_or_create(
            api.v1.products, f"pef-{plan.slug}", {"name": plan.name, "metadata": {"plan": plan.slug}}
        )
        created.append(plan.stripe_product_id)
    for interval, field in ((Plan.Interval.MONTH, "stripe_plan_monthly_id"), (Plan.Interval.YEAR, "stripe_plan_yearly_id")):
        if getattr(plan, field):
            continue
        price = plan.price_for(interval)
        stripe_id = _retrieve_or_create(
            api.v1.plans,
            f"pef-{plan.slug}-{interval}-{_cents(price)}",
            {
                "product": plan.stripe_product_id,
                "amount": _cents(price),
                "currency": CURRENCY.lower(),
                "interval": interval,
                "nickname": f"{plan.name} ({interval})",
                "metadata": {"plan": plan.slug},
            },
        )
        setattr(plan, field, stripe_id)
        created.append(stripe_id)
    if created:
        plan.save(update_fields=["stripe_product_id", "stripe_plan_monthly_id", "stripe_plan_yearly_id"])
    return created
