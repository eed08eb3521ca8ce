"""The steps of ``manage.py load_demo``, run in this order on one shared ``DemoContext``.

A step is a function ``step(ctx)`` that creates what is missing and records in ``ctx`` what later
steps need (the organisations' pks, the demo accounts). Each step must be idempotent and must
draw its randomness from ``ctx.stream("<its name>")`` only. Later builders (supplier profiles,
RFQs, quotes, CMS pages, billing) are appended to ``STEPS``.
"""
from collections.abc import Callable

from .accounts import build_demo_accounts
from .billing import build_billing
from .context import DemoContext
from .organisations import build_organisations
from .pages import build_pages
from .rfqs import build_rfqs
from .suppliers import build_supplier_profiles

Step = Callable[[DemoContext], None]

STEPS: tuple[Step, ...] = (
    build_organisations,
    build_demo_accounts,
    build_supplier_profiles,
    build_billing,
    build_pages,
    build_rfqs,
)
