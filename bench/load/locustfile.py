"""Locust scenario of the marketplace (``make load``, docs/SECURITY.md « Load »).

Run by :mod:`bench.load.run`, which prepares the data (``LOAD_DATA``: the JSON written by
:mod:`bench.load.prepare`) and sets the RFQ's deadline. Two kinds of virtual users:

- ``Visitor`` (anonymous): home, RFQ list, supplier search, a supplier profile.
- ``QuotingSupplier``: one per prepared supplier account. Logs in through allauth's form with its
  CSRF token, reads the RFQ, downloads its attachment, opens the quote form, then submits a quote
  at a time drawn in the last minute before the deadline — a few just after it, to check they are
  refused. Each submission is appended to ``LOAD_ATTEMPTS`` (JSON lines) for the database check.

``LOAD_MAX_REQUESTS`` bounds the number of requests: the run stops when it is reached.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

DATA = json.load(open(os.environ["LOAD_DATA"]))
URLS = DATA["urls"]
ATTEMPTS = os.environ["LOAD_ATTEMPTS"]
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "20000"))
LATE_SHARE = float(os.environ.get("LOAD_LATE_SHARE", "0.15"))
SEARCHES = ["usinage", "tôlerie", "soudure inox", "fonderie aluminium", "traitement de surface", "découpe laser"]
_accounts = itertools.cycle(DATA["suppliers"])
_requests = [0]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.request.add_listener
def _count(**kwargs):
    _requests[0] += 1
    if _requests[0] == MAX_REQUESTS:
        runner = _environment[0].runner if _environment else None
        if runner is not None:
            gevent.spawn(runner.quit)


_environment = []


@events.init.add_listener
def _remember(environment, **kwargs):
    _environment.append(environment)


def _csrf(response) -> str:
    match = CSRF.search(response.text or "")
    return match.group(1) if match else ""


class Visitor(HttpUser):
    wait_time = between(0.5, 2)

    @task(3)
    def home(self):
        self.client.get(URLS["home"], name="home")

    @task(3)
    def rfq_list(self):
        self.client.get(URLS["rfq_list"], name="rfq list")

    @task(4)
    def search(self):
        self.client.get(URLS["search"], params={"q": random.choice(SEARCHES)}, name="search")

    @task(2)
    def profile(self):
        self.client.get(URLS["profile"], name="supplier profile")


class QuotingSupplier(HttpUser):
    fixed_count = len(DATA["suppliers"])  # one user per prepared account; the other users are visitors
    wait_time = between(1, 3)

    def on_start(self):
        self.account = next(_accounts)
        page = self.client.get(URLS["login"], name="login form")
        with self.client.post(
            URLS["login"], name="login",
            data={"login": self.account["email"], "password": DATA["password"], "csrfmiddlewaretoken": _csrf(page)},
            headers={"Referer": self.client.base_url + URLS["login"]}, allow_redirects=False, catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")
        deadline = DATA["deadline"]
        if random.random() < LATE_SHARE:
            self.submit_at = deadline + random.uniform(0.2, 8)
        else:
            self.submit_at = deadline - random.uniform(0.5, 55)
        self.submitted = False

    @task(2)
    def read_rfq(self):
        self.client.get(URLS["rfq"], name="rfq detail")

    @task(1)
    def download(self):
        with self.client.get(URLS["attachment"], name="attachment download", catch_response=True) as response:
            if response.status_code == 200 and not response.content.startswith(b"%PDF-"):
                response.failure("not the PDF")

    @task(3)
    def quote(self):
        if self.submitted:
            raise StopUser()
        form = self.client.get(URLS["quote"], name="quote form")
        token = _csrf(form) or self.client.cookies.get("csrftoken", "")
        delay = self.submit_at - time.time()
        if delay > 5:
            return  # not yet: keep browsing
        if delay > 0:
            gevent.sleep(delay)
        data = {"csrfmiddlewaretoken": token, "action": "submit", "lead_time_days": "21",
                "comments": "Offre de l'essai de charge."}
        for line in DATA["lines"]:
            data[f"price_{line}"] = f"{random.randint(10, 400)},{random.randint(0, 99):02d}"
        sent = time.time()
        with self.client.post(
            URLS["quote"], data=data, name="quote submit", allow_redirects=False, catch_response=True,
            headers={"Referer": self.client.base_url + URLS["quote"]},
        ) as response:
            received = time.time()
            # 302: accepted; 200 with the form: refused (after the deadline), expected for late ones.
            if response.status_code == 302 or (response.status_code == 200 and sent > DATA["deadline"] - 1):
                response.success()
            else:
                response.failure(f"quote submit answered {response.status_code}")
        with open(ATTEMPTS, "a") as handle:
            handle.write(json.dumps({"email": self.account["email"], "organisation": self.account["organisation"],
                                     "sent": sent, "received": received, "status": response.status_code}) + "\n")
        self.submitted = True
