"""The people benchmarks/load.py sends at the site, as Locust users (this is its locustfile).

- the public (half the users): the home page, the plan, the decision register, finance, the
  consultations; they vote on an open consultation's statements as they go, first with the
  page's ticket, then with their cookie;
- partners (a third): log in, then read the plan, finance, demand results and decisions;
- API clients (the rest): read the plan, decisions, organisations and demand results with a
  personal token.

Each user comes from its own address through one trusted proxy (X-Forwarded-For, with the site
run as FOOTPRINT_TRUSTED_PROXIES=1) over HTTPS as the proxy says (X-Forwarded-Proto), so the
site's secure cookies are sent back even though Locust talks plain HTTP to gunicorn. The pages
and the token come from the plan file that load.py writes (FOOTPRINT_LOAD_PLAN); each public
user appends the votes the site accepted to FOOTPRINT_LOAD_VOTES when it stops.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task
from requests.cookies import RequestsCookieJar

PLAN: dict[str, Any] = json.loads(Path(os.environ["FOOTPRINT_LOAD_PLAN"]).read_text())
ADDRESSES = itertools.count(PLAN["first_address"])
REFUSED = (
    "We could not count that vote",
    "You are voting very fast",
    "A lot of people have taken part",
    "There is no such statement",
    "not open for views",
)


class PlainJar(RequestsCookieJar):
    """Keeps the site's secure cookies as plain ones, so they are sent back over the plain-HTTP
    hop from the 'proxy' (Locust) to gunicorn."""

    def set_cookie(self, cookie: Any, *args: Any, **kwargs: Any) -> Any:
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class Person(HttpUser):
    abstract = True
    wait_time = between(2, 6)

    def on_start(self) -> None:
        n = next(ADDRESSES)
        self.client.cookies = PlainJar()
        self.client.headers.update(
            {
                "X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
                "X-Forwarded-Proto": "https",
                "Origin": "https://" + self.host.split("://", 1)[1],
            }
        )

    def page(self, url: str) -> None:
        with self.client.get(url, name=url.split("?")[0], catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")

    def csrf(self, body: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        return found.group(1) if found else ""


class Public(Person):
    weight = 3

    def on_start(self) -> None:
        super().on_start()
        self.slug = random.choice(PLAN["consultations"])
        self.accepted = 0
        self.done = False

    @task(3)
    def read(self) -> None:
        self.page(random.choice(PLAN["public"]))

    @task(2)
    def vote(self) -> None:
        if self.done:
            self.page(f"/consultations/{self.slug}/")
            return
        url = f"/consultations/{self.slug}/"
        with self.client.get(url, name="/consultations/[slug]/", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
                return
            body = r.text
        statement = re.search(r'name="statement" value="(\d+)"', body)
        if statement is None:  # voted on every statement
            self.done = True
            return
        form = {
            "csrfmiddlewaretoken": self.csrf(body),
            "statement": statement.group(1),
            "value": random.choice(["1", "-1", "0"]),
        }
        ticket = re.search(r'name="ticket" value="([^"]+)"', body)
        if ticket:
            form["ticket"] = ticket.group(1)
        with self.client.post(
            f"{url}vote/",
            form,
            name="/consultations/[slug]/vote/",
            headers={"Referer": self.host + url},
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"vote refused ({r.status_code})")
                return
        # The page it returns to says whether the vote counted.
        with self.client.get(
            url, name="/consultations/[slug]/ after voting", catch_response=True
        ) as r:
            if r.status_code != 200 or any(words in r.text for words in REFUSED):
                r.failure(f"vote not counted ({r.status_code})")
            else:
                self.accepted += 1

    def on_stop(self) -> None:
        key = self.client.cookies.get("fp_taking_part")
        with open(os.environ["FOOTPRINT_LOAD_VOTES"], "a") as out:
            out.write(json.dumps({"slug": self.slug, "key": key, "votes": self.accepted}) + "\n")


class Partner(Person):
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        login = "/login/"
        body = self.client.get(login, name=login).text
        with self.client.post(
            login,
            {
                "csrfmiddlewaretoken": self.csrf(body),
                "username": random.choice(PLAN["usernames"]),
                "password": PLAN["password"],
            },
            name="/login/ (POST)",
            headers={"Referer": self.host + login},
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"login refused ({r.status_code})")

    @task
    def read(self) -> None:
        self.page(random.choice(PLAN["workspace"]))


class ApiClient(Person):
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.client.headers["Authorization"] = f"Bearer {PLAN['token']}"

    @task
    def read(self) -> None:
        self.page(random.choice(PLAN["api"]))
