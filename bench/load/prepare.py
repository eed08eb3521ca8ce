"""Data of the load scenario, run inside Django by :mod:`bench.load.run` (``DATABASE_URL`` and
``DJANGO_SETTINGS_MODULE=bench.load.settings`` set by it).

``python -m bench.load.prepare data OUT.json --suppliers N`` — migrate, reference data and a small
demo, then one buyer with a published public RFQ (one PDF attachment) and N supplier
organisations whose owners have a verified email and a known password. Writes the accounts and
URLs the locustfile needs to OUT.json.

``python -m bench.load.prepare deadline OUT.json --in SECONDS`` — put the RFQ's quote deadline
SECONDS from now (the scenario's spike happens in the last minute before it).

``python -m bench.load.prepare check OUT.json ATTEMPTS.jsonl`` — compare every quote submission
the virtual suppliers made with the database: every attempt answered before the deadline is a
submitted quote, no quote was accepted after the deadline, no attempt sent after it was accepted.
Prints a JSON verdict; exit status 1 when a rule is broken.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta, timezone as dt_timezone
from decimal import Decimal

import django

PASSWORD = "charge-de-test-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"% plan de charge\n" * 2000 + b"trailer<<>>\n%%EOF\n"


def _data(out: str, suppliers: int, demo_suppliers: int) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import timezone

    from marketplace.accounts.models import Membership, Organisation
    from rfq import services
    from rfq.models import RFQ
    from rfq.services import LineData, LotData
    from suppliers.models import SupplierProfile

    call_command("migrate", "--noinput", "-v0")
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo", "--if-empty", "--suppliers", str(demo_suppliers), "--quiet")
    User = get_user_model()

    def siret(n: int) -> str:  # a valid Luhn SIRET, distinct from the demo's
        def luhn(digits: str) -> str:
            total = 0
            for i, ch in enumerate(reversed(digits)):
                d = int(ch) * (2 if i % 2 == 0 else 1)
                total += d - 9 if d > 9 else d
            return digits + str((10 - total % 10) % 10)
        return luhn(luhn(f"{90000000 + n:08d}") + "0001")

    def owner(email: str, organisation) -> None:
        user = User.objects.create_user(email=email, password=PASSWORD, first_name="Charge", last_name="Test")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.OWNER)
        return user

    buyer = Organisation.objects.create(name="Donneur d'ordre (charge)", slug="charge-donneur", siret=siret(0),
                                        siren=siret(0)[:9], is_buyer=True)
    buyer_user = owner("acheteur@charge.test", buyer)
    now = timezone.now()
    rfq = services.create_rfq(
        buyer_user, buyer, title="Usinage de brides (essai de charge)", summary="Brides inox, 3 séries.",
        description="<p>Essai de charge.</p>", quote_deadline=now + timedelta(days=2),
        questions_deadline=now + timedelta(days=1),
        lots=[LotData(title="Brides", lines=[LineData(part="Bride DN50 inox", quantity=Decimal("300")),
                                             LineData(part="Bride DN80 inox", quantity=Decimal("120"))])],
    )
    rfq = services.publish_rfq(buyer_user, rfq)
    attachment = services.add_attachment(buyer_user, rfq, SimpleUploadedFile("plan-brides.pdf", PDF))
    accounts = []
    for n in range(1, suppliers + 1):
        organisation = Organisation.objects.create(
            name=f"Fournisseur de charge {n}", slug=f"charge-fournisseur-{n}", siret=siret(n), siren=siret(n)[:9],
            is_supplier=True,
        )
        email = f"fournisseur{n}@charge.test"
        owner(email, organisation)
        accounts.append({"email": email, "organisation": organisation.pk})
    profile = SupplierProfile.objects.filter(status=SupplierProfile.Status.PUBLISHED).order_by("pk").first()
    lines = [line.pk for lot in rfq.lots.all() for line in lot.lines.all()]
    data = {
        "rfq": rfq.pk,
        "password": PASSWORD,
        "suppliers": accounts,
        "lines": lines,
        "urls": {
            "home": "/",
            "rfq_list": reverse("rfq:list"),
            "search": reverse("search:suppliers"),
            "profile": profile.get_absolute_url() if profile is not None else "/",
            "login": reverse("account_login"),
            "rfq": rfq.get_absolute_url(),
            "attachment": reverse("rfq:attachment", args=[rfq.reference, attachment.pk]),
            "quote": reverse("rfq:quote", args=[rfq.reference]),
        },
    }
    with open(out, "w") as handle:
        json.dump(data, handle, indent=2)
    print(f"prepared RFQ {rfq.reference}, {suppliers} quoting suppliers, demo of {demo_suppliers} suppliers")


def _deadline(out: str, seconds: float) -> None:
    from django.utils import timezone

    from rfq.models import RFQ

    with open(out) as handle:
        data = json.load(handle)
    deadline = timezone.now() + timedelta(seconds=seconds)
    RFQ.objects.filter(pk=data["rfq"]).update(quote_deadline=deadline)
    data["deadline"] = deadline.timestamp()
    with open(out, "w") as handle:
        json.dump(data, handle, indent=2)
    print(f"quote deadline in {seconds:.0f} s: {deadline.isoformat()}")


def _check(out: str, attempts_path: str) -> int:
    from rfq.models import RFQ, Quote

    with open(out) as handle:
        data = json.load(handle)
    rfq = RFQ.objects.get(pk=data["rfq"])
    deadline = rfq.quote_deadline.timestamp()
    attempts = []
    with open(attempts_path) as handle:
        attempts = [json.loads(line) for line in handle if line.strip()]
    quotes = {q.supplier_id: q for q in Quote.objects.filter(rfq=rfq).exclude(status=Quote.Status.DRAFT)}
    problems = []
    late_accepted = [q.pk for q in quotes.values() if q.submitted_at is None or q.submitted_at.timestamp() > deadline]
    if late_accepted:
        problems.append(f"quotes submitted after the deadline: {late_accepted}")
    on_time = late = between = 0
    for attempt in attempts:
        quote = quotes.get(attempt["organisation"])
        if attempt["received"] < deadline:
            on_time += 1
            if quote is None or attempt["status"] != 302:
                problems.append(f"on-time attempt refused: {attempt}")
        elif attempt["sent"] > deadline:
            late += 1
            if quote is not None or attempt["status"] == 302:
                problems.append(f"late attempt accepted: {attempt}")
        else:
            between += 1  # sent before, answered after: either verdict is right, the DB rule holds
    verdict = {
        "deadline": datetime.fromtimestamp(deadline, dt_timezone.utc).isoformat(),
        "attempts": len(attempts), "answered_before_deadline": on_time, "sent_after_deadline": late,
        "straddling": between, "submitted_quotes": len(quotes), "problems": problems, "ok": not problems,
    }
    print(json.dumps(verdict, indent=2))
    return 0 if not problems else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    data = sub.add_parser("data")
    data.add_argument("out")
    data.add_argument("--suppliers", type=int, default=40)
    data.add_argument("--demo-suppliers", type=int, default=150)
    deadline = sub.add_parser("deadline")
    deadline.add_argument("out")
    deadline.add_argument("--in", dest="seconds", type=float, required=True)
    check = sub.add_parser("check")
    check.add_argument("out")
    check.add_argument("attempts")
    args = parser.parse_args(argv)
    django.setup()
    if args.step == "data":
        _data(args.out, args.suppliers, args.demo_suppliers)
        return 0
    if args.step == "deadline":
        _deadline(args.out, args.seconds)
        return 0
    return _check(args.out, args.attempts)


if __name__ == "__main__":
    sys.exit(main())
