"""Latency and error figures per endpoint group and overall, in lines that scripts can grep."""
from __future__ import annotations

import math
from collections import defaultdict

from .http_client import Recorder


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (p in 0..100)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def figures(seconds: list[float]) -> tuple[float, float, float]:
    ordered = sorted(seconds)
    return (percentile(ordered, 50) * 1000, percentile(ordered, 95) * 1000, (ordered[-1] if ordered else 0) * 1000)


def setup_lines(setup: Recorder) -> list[str]:
    """Sign-in and warm-up, before the clock: shown, not mixed into the run's figures."""
    signins = [s.seconds for s in setup.samples if s.group == "sign-in"]
    p50, _, top = figures(signins)
    errors = sum(not s.ok for s in setup.samples)
    out = [f"before the timed run: {len(signins)} sign-ins (p50 {p50:.0f} ms, max {top:.0f} ms), "
           f"{len(setup.samples) - len(signins)} warm-up requests, {errors} errors"]
    return out + [f"  {e}" for e in setup.errors[:10]]


def lines(recorder: Recorder, wall_seconds: float, setup_errors: int = 0) -> list[str]:
    by_group: dict[str, list] = defaultdict(list)
    for sample in recorder.samples:
        by_group[sample.group].append(sample)
    out = [f"{'group':<16} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses"]
    for group in sorted(by_group):
        samples = by_group[group]
        p50, p95, top = figures([s.seconds for s in samples])
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(recorder.statuses[group].items()))
        out.append(f"{group:<16} {len(samples):>8} {sum(not s.ok for s in samples):>6} {p50:>8.0f} {p95:>8.0f} "
                   f"{top:>8.0f}  {statuses}")
    total = len(recorder.samples)
    errors = sum(not s.ok for s in recorder.samples)
    p50, p95, top = figures([s.seconds for s in recorder.samples])
    out += [
        f"load requests {total}",
        f"load seconds {wall_seconds:.1f}",
        f"load throughput rps {total / wall_seconds if wall_seconds else 0:.1f}",
        f"load p50 ms {p50:.0f}",
        f"load p95 ms {p95:.0f}",
        f"load max ms {top:.0f}",
        f"load errors {errors + setup_errors} (target 0)",
        f"(keep-alive connections closed by the server while idle and retried once: {recorder.stale_retries})",
    ]
    if recorder.errors:
        out.append("first errors:")
        out += [f"  {e}" for e in recorder.errors[:10]]
    return out
