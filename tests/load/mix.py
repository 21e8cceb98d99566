"""What a load client does: a weighted mix of the product's real journeys, deterministic per client.

Reads: project list pages (some filtered or searched), a project's detail/stages/members, results,
charts (cold: a chart nobody asked for since its data last changed; warm: asked before), findings
search and detail, alliance synthesis. Writes: outcome uploads (a small synthetic CSV, mode=replace,
into a project the user belongs to, so it can repeat) and evidence uploads (a short text file).
"""
from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass, field

from .http_client import Client

API = "/api/v1"
PAGE_SIZE = 20  # REST_FRAMEWORK["PAGE_SIZE"]
CHARTS = ("trajectory", "distribution", "effects", "gap")
SEARCH_WORDS = ("feedback", "maths", "writing", "reading", "well-being", "oracy", "environment", "scale")
# (action, weight); an action a client cannot do (no uploads for a reader) falls back to a read.
WEIGHTS = [("projects list", 20), ("project detail", 15), ("results", 12), ("chart warm", 12), ("chart cold", 5),
           ("findings search", 10), ("synthesis", 3), ("outcome upload", 6), ("evidence upload", 4)]


class Budget:
    """Stops every client at the deadline or after max_requests, whichever comes first."""

    def __init__(self, seconds: float, max_requests: int):
        self.deadline = time.monotonic() + seconds
        self.left = max_requests
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True


@dataclass
class ChartCache:
    """Which chart addresses the server has rendered since their project's data last changed."""

    rendered: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def claim_cold(self, candidates: list[str]) -> str | None:
        with self.lock:
            for path in candidates:
                if path not in self.rendered:
                    self.rendered.add(path)
                    return path
        return None

    def warm(self) -> list[str]:
        with self.lock:
            return sorted(self.rendered)

    def invalidate(self, project_id: int) -> None:
        with self.lock:
            self.rendered = {p for p in self.rendered if not p.startswith(f"{API}/projects/{project_id}/")}


class LoadUser:
    def __init__(self, client: Client, plan: dict, shared: dict, seed: int):
        self.client, self.plan, self.shared = client, plan, shared
        self.rng = random.Random(seed)
        self.pages = 0  # of the project list as this user sees it; learnt from the first page
        self.actions = [a for a, _ in WEIGHTS]
        self.weights = [w for _, w in WEIGHTS]

    def sign_in(self) -> None:
        if self.plan.get("username"):
            body = json.dumps({"username": self.plan["username"], "password": self.plan["password"]}).encode()
            status, data = self.client.request("sign-in", "POST", f"{API}/auth/token/", body=body,
                                               content_type="application/json")
            if status == 200:
                self.client.token = json.loads(data)["token"]

    def prepare(self) -> None:
        """Before the clock: sign in (a deliberately slow password hash, once per session) and touch
        the views whose first call in a worker pays for lazy imports (pandas, matplotlib)."""
        self.sign_in()
        self.do_projects_list()
        self.do_results()
        self.do_chart_cold()

    def run(self, budget: Budget) -> None:
        while budget.take():
            action = self.rng.choices(self.actions, self.weights)[0]
            getattr(self, "do_" + action.replace(" ", "_").replace("-", "_"))()

    # Reads ------------------------------------------------------------------------------------------
    def _project(self) -> int:
        return self.rng.choice(self.plan["projects"])

    def do_projects_list(self):
        if not self.pages:
            first = self.client.get_json("projects list", f"{API}/projects/?page=1")
            self.pages = max(1, -(-first["count"] // PAGE_SIZE)) if first else 1
            return
        query = self.rng.choice([f"page={self.rng.randint(1, self.pages)}", "status=published",
                                 f"search={self.rng.choice(SEARCH_WORDS)}", "page=1"])
        self.client.get_json("projects list", f"{API}/projects/?{query}")

    def do_project_detail(self):
        project = self._project()
        member_of = {t["project"] for t in self.plan.get("uploads", [])}
        suffix = self.rng.choice(["", "stages/"] + (["members/", "evidence/"] if project in member_of else []))
        self.client.get_json("project detail", f"{API}/projects/{project}/{suffix}")

    def do_results(self):
        self.client.get_json("results", f"{API}/projects/{self._project()}/results/")

    def _chart_paths(self) -> list[str]:
        return [f"{API}/projects/{p}/charts/{name}.svg" for p in self.plan["projects"] for name in CHARTS]

    def _chart(self, prefer: str) -> None:
        """A cold chart if `prefer` is cold and one is left, else a warm one (or cold when none is warm yet)."""
        paths = self._chart_paths()
        mine = set(paths)
        warm = [p for p in self.shared["charts"].warm() if p in mine]
        if prefer == "warm" and warm:
            self.client.request("chart warm", "GET", self.rng.choice(warm))
            return
        self.rng.shuffle(paths)
        path = self.shared["charts"].claim_cold(paths)
        if path is not None:
            self.client.request("chart cold", "GET", path)
        elif warm:
            self.client.request("chart warm", "GET", self.rng.choice(warm))

    def do_chart_cold(self):
        self._chart("cold")

    def do_chart_warm(self):
        self._chart("warm")

    def do_findings_search(self):
        if self.shared["finding_slugs"] and self.rng.random() < 0.3:
            slug = self.rng.choice(self.shared["finding_slugs"])
            self.client.get_json("findings search", f"{API}/findings/{slug}/")
        else:
            self.client.get_json("findings search", f"{API}/findings/?search={self.rng.choice(SEARCH_WORDS)}")

    def do_synthesis(self):
        if not self.plan.get("alliances"):
            return self.do_findings_search()
        alliance = self.rng.choice(self.plan["alliances"])
        self.client.get_json("synthesis", f"{API}/alliances/{alliance}/synthesis/")

    # Writes -----------------------------------------------------------------------------------------
    def do_outcome_upload(self):
        if not self.plan.get("uploads"):
            return self.do_results()
        target = self.rng.choice(self.plan["uploads"])
        low, high = int(target["scale_min"]), int(target["scale_max"])
        rows = ["UPN,Group,Year,Score"] + [
            f"LOAD{target['project']:05d}{i:04d},{'Intervention' if i % 2 else 'Comparison'},5,"
            f"{self.rng.randint(low, high)}" for i in range(30)]
        status, _ = self.client.post_multipart(
            "outcome upload", f"{API}/projects/{target['project']}/outcome-uploads/",
            {"stage": target["stage"], "measure": str(target["measure"]), "mode": "replace"},
            {"file": ("load.csv", "\n".join(rows).encode(), "text/csv")})
        if status == 201:
            self.shared["charts"].invalidate(target["project"])

    def do_evidence_upload(self):
        if not self.plan.get("uploads"):
            return self.do_project_detail()
        target = self.rng.choice(self.plan["uploads"])
        note = f"Lesson observation notes {self.rng.randint(1, 10**6)}: pupils explained their reasoning.\n"
        self.client.post_multipart(
            "evidence upload", f"{API}/projects/{target['project']}/evidence/",
            {"stage": target["stage"], "kind": "observation", "title": "Observation notes", "visibility": "group"},
            {"file": ("notes.txt", note.encode(), "text/plain")})
