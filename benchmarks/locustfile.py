"""The load benchmark's traffic: verified clinicians reading, searching and uploading.

Run by benchmarks/load.py and benchmarks/faults.py (``locust -f benchmarks/locustfile.py``);
they pass, in environment variables:

- LOAD_USERS_FILE: the JSON that ``benchmarks/seeding.py`` wrote (sessions, cases, terms);
- LOAD_MIX: JSON weights by action name, e.g. {"case_page": 60, "search": 20, "home": 10,
  "discussion": 5, "upload": 5}. An action whose weight is 0 or that is not available is
  left out, and the others keep their proportions;
- LOAD_DISCUSSION_URL: the URL template of the comment-or-proposal action, with
  ``{case_id}`` for a case's id (load.py finds it from the ``discussion:comment`` URL name);
  empty turns the action off (before the discussion feature of issue 8 existed);
- LOAD_RUN_TAG: a word that every posted comment carries, to count them afterwards;
- LOAD_EVENTS_FILE: where each request is appended as ``t,name,status,ms`` for the fault
  windows, and LOAD_RECEIPTS_FILE: the accepted uploads (ids) for the lost-write count.
"""

import itertools
import json
import os
import time

from locust import HttpUser, between, events, task

from benchmarks.series import series_zip

DATA = json.loads(open(os.environ["LOAD_USERS_FILE"]).read())  # noqa: SIM115
MIX = json.loads(os.environ.get("LOAD_MIX", "{}"))
DISCUSSION_URL = os.environ.get("LOAD_DISCUSSION_URL", "")
_accounts = itertools.cycle(DATA["users"])
_case_urls = itertools.cycle(DATA["case_urls"])
_cases = itertools.cycle(DATA.get("cases", []))
RUN_TAG = os.environ.get("LOAD_RUN_TAG", "load")
_terms = itertools.cycle(DATA["search_terms"])
_receipts: list[dict] = []
_events_path = os.environ.get("LOAD_EVENTS_FILE")
_events = open(_events_path, "a", buffering=1) if _events_path else None  # noqa: SIM115


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None,
            **kwargs):  # fmt: skip
    if _events is not None:
        status = getattr(response, "status_code", 0) if response is not None else 0
        outcome = status if exception is None else f"E{status}"
        _events.write(f"{time.time():.3f},{name},{outcome},{response_time:.1f}\n")


@events.quitting.add_listener
def _write_receipts(environment, **kwargs):
    path = os.environ.get("LOAD_RECEIPTS_FILE")
    if path:
        with open(path, "w") as out:
            json.dump(_receipts, out)


class Clinician(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        account = next(_accounts)
        self.case_id = account["case"]
        self.csrf = account["csrf"]
        self.client.cookies.set("sessionid", account["session"])
        self.client.cookies.set("csrftoken", self.csrf)

    @task(MIX.get("case_page", 0))
    def case_page(self):
        self.client.get(next(_case_urls), name="case page")

    @task(MIX.get("search", 0))
    def search(self):
        self.client.get("/search/", params={"q": next(_terms)}, name="search")

    @task(MIX.get("home", 0))
    def home(self):
        self.client.get("/", name="home page")

    @task(MIX.get("baseline", 0))
    def baseline(self):
        self.client.get("/healthz", name="baseline: /healthz")

    @task(MIX.get("discussion", 0) if DISCUSSION_URL else 0)
    def discussion(self):
        case = next(_cases)
        body = f"Would a right-sided ECG change management here? ({RUN_TAG})"
        with self.client.post(
            DISCUSSION_URL.format(case_id=case["id"]), {"body": body},
            headers={"X-CSRFToken": self.csrf}, name="comment or proposal",
            allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code in (200, 302):
                _receipts.append({"comment": case["id"], "tag": RUN_TAG})
                response.success()

    @task(MIX.get("upload", 0))
    def upload(self):
        payload = series_zip()
        with self.client.post(
            f"/media/upload/{self.case_id}/",
            files={"files": ("series.zip", payload, "application/zip")},
            headers={"X-CSRFToken": self.csrf, "Accept": "application/json"},
            name="upload (20-slice series)", catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code == 202:
                body = response.json()
                _receipts.append({"upload": body["upload"], "files": len(body["files"])})
                response.success()
