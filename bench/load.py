"""The mixed load: N concurrent users against a gunicorn on 127.0.0.1 for a fixed time.

A small thread-per-user generator on the standard library (http.client keep-alive
connections), in the spirit of a locust headless run: every user repeats a weighted choice of
requests with a think time between them (``think`` seconds, uniform), until the time is up.

- station workers (logged in with a session for pages, a token for the API): their visit
  list, the visits API, the client search of the visit form, and logging a visit through
  ``POST /api/v1/visits/`` (which marks the rollup cells of that station and month dirty);
- staff (county bureaus, the city viewer): the dashboard, the filtered visit list of their
  scope, a client search.

Each request's wall time and status are recorded; any status >= 400 or exception is an error.
"""

import http.client
import json
import random
import threading
import time
from urllib.parse import urlencode


class User(threading.Thread):
    def __init__(self, *, host, port, profile, until, think, seed, results, lock):
        super().__init__(daemon=True)
        self.host, self.port, self.profile = host, port, profile
        self.until, self.think = until, think
        self.rng = random.Random(seed)
        self.results, self.lock = results, lock
        self.connection = None

    def request(self, method, path, *, body=None, api=False, label):
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "zh-hans"}
        if api:
            headers["Authorization"] = f"Token {self.profile['token']}"
            headers["Accept"] = "application/json"
        else:
            headers["Cookie"] = f"sessionid={self.profile['session']}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        status, error = None, None
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
            if self.connection is not None:
                self.connection.close()
            self.connection = None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.results.append({"label": label, "seconds": elapsed, "status": status, "error": error})

    def run(self):
        profile = self.profile
        # Users start spread over the first think interval, as real users do.
        time.sleep(self.rng.uniform(0, self.think[1]))
        while time.monotonic() < self.until:
            roll = self.rng.random()
            if profile["kind"] == "worker":
                if roll < 0.35:
                    self.request("GET", "/services/visits/", label="worker visit list")
                elif roll < 0.55:
                    self.request("GET", "/api/v1/visits/?page_size=20", api=True, label="worker visits API")
                elif roll < 0.70:
                    query = urlencode({"q": self.rng.choice(profile["search"]), "field": "clients"})
                    self.request("GET", f"/services/client-search/?{query}", label="worker client search")
                else:
                    body = {"client": self.rng.choice(profile["clients"]), "visited_on": profile["today"],
                            "kind": "phone_call", "workers": [profile["staff"]],
                            "findings": "电话回访，本人表示近况良好。"}
                    self.request("POST", "/api/v1/visits/", body=body, api=True, label="worker logs a visit")
            else:
                if roll < 0.45:
                    self.request("GET", "/", label="staff dashboard")
                elif roll < 0.75:
                    query = urlencode({"since": profile["since"], "until": profile["today"], "kind": "home_visit"})
                    self.request("GET", f"/services/visits/?{query}", label="staff visit list")
                else:
                    query = urlencode({"q": self.rng.choice(profile["search"])})
                    self.request("GET", f"/clients/?{query}", label="staff client search")
            time.sleep(self.rng.uniform(*self.think))
        if self.connection is not None:
            self.connection.close()


def run_load(*, host, port, profiles, seconds, think=(1.0, 3.0), seed=7):
    """Run every profile as a concurrent user for ``seconds``; returns the request records."""
    results, lock = [], threading.Lock()
    until = time.monotonic() + seconds
    users = [User(host=host, port=port, profile=profile, until=until, think=think, seed=seed + index,
                  results=results, lock=lock) for index, profile in enumerate(profiles)]
    for user in users:
        user.start()
    for user in users:
        user.join(timeout=seconds + 60)
    return results
