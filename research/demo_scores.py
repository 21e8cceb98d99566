"""Synthetic pupil scores for demo projects: invented pupils, drawn from a fixed seed.

Each call draws the same cohort for a seed, so the baseline (theory) and final (dissemination)
files describe the same pupils. Final scores correlate about 0.8 with the baseline (sd 12 on a
0-100 test) and the intervention group's are raised by `effect` SDs.
"""
from __future__ import annotations

import random

PUPILS_PER_GROUP = 40
BASELINE_MEAN, SD, CORRELATION = 50.0, 12.0, 0.8
GROUPS = ("Intervention", "Comparison")


def synthetic_scores(seed: int, effect: float, stage: str, schools: list[str]) -> bytes:
    """A CSV (UPN, Group, School, Score) for a stage: baseline (theory), half-way (progress), final."""
    rng = random.Random(seed)
    noise_sd = SD * (1 - CORRELATION ** 2) ** 0.5
    lines = ["UPN,Group,School,Score"]
    for index in range(2 * PUPILS_PER_GROUP):
        group = GROUPS[index % 2]
        school = schools[(index // 2) % len(schools)]  # both groups in every school
        baseline = rng.gauss(BASELINE_MEAN, SD)
        final = (BASELINE_MEAN + CORRELATION * (baseline - BASELINE_MEAN) + rng.gauss(0.0, noise_sd)
                 + (effect * SD if group == "Intervention" else 0.0))
        score = {"theory": baseline, "progress": (baseline + final) / 2}.get(stage, final)
        lines.append(f"DEMO{seed:02d}{index:04d},{group},{school},{min(100, max(0, round(score)))}")
    return ("\n".join(lines) + "\n").encode()
