"""axe-core in the browser tests: WCAG 2.0, 2.1 and 2.2, levels A and AA.

axe-core comes bundled in the axe-playwright-python package (pinned in requirements-dev.txt;
its axe.min.js is axe-core itself, nothing fetched at run time). ``check(page, label)`` runs it
on the page as it is now and returns the violations as readable lines; ``AxeRecord`` keeps
what every test checked so the run can print its summary (pages checked, violations) at the
end of the session, whether or not pytest shows captured output.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
REPORT = Path(__file__).resolve().parents[2] / "test-output" / "axe-summary.json"

_axe = Axe()


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now (each with id, impact, help and its nodes)."""
    return _axe.run(page, options=OPTIONS).response["violations"]


def describe(found: list[dict]) -> list[str]:
    """One line per element: rule id, impact, target, and what to do."""
    return [f"{v['id']} ({v['impact']}) at {' '.join(map(str, node['target']))}: {v['help']} [{v['helpUrl']}]"
            for v in found for node in v["nodes"]]


@dataclass
class AxeRecord:
    """Every page state checked in this run, with its violation count."""

    checked: list[tuple[str, int]] = field(default_factory=list)

    def check(self, page, label: str) -> list[str]:
        lines = describe(violations(page))
        self.checked.append((label, len(lines)))
        return lines

    def summary(self) -> list[str]:
        total = sum(count for _, count in self.checked)
        return ([f"axe-core (WCAG 2.0/2.1/2.2 A and AA): {len(self.checked)} page states checked, "
                 f"{total} violations"] + [f"  {count} violations  {label}" for label, count in self.checked])

    def write(self) -> None:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(json.dumps({"tags": WCAG_TAGS, "pages": [
            {"page": label, "violations": count} for label, count in self.checked]}, indent=2))


RECORD = AxeRecord()
