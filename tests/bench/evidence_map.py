"""The public evidence map over 50,000 published findings (issue 15): cold and warm, against a bare query.

Findings are written in bulk (the publish transition per finding would take hours), each with the
parts of a frozen finding the map reads, a headline effect per kind of measure, and filler of the size
a real finding's results carry, so the rows weigh what they would. Run alone:
`python -m tests.bench.evidence_map [findings]`.
"""
import statistics
import sys
import time

import numpy as np

FINDINGS = 50_000
ALLIANCES = 2_000
REPEATS = 5
THEMES = ["feedback", "oracy", "metacognition", "well-being", "writing", "retrieval-practice", "leadership",
          "learning-environment", "parental-engagement"]
FILLER = [{"stage": s, "group": g, "n": 30, "mean": 51.2, "sd": 11.8, "median": None, "q1": None, "q3": None}
          for s in ("theory", "progress", "dissemination") for g in ("intervention", "comparison")]


def _measure(measure_id: int, kind: str, g: float, variance: float, n: int, padlocks: int) -> dict:
    cell = {"g": g, "variance": variance, "n": n, "public": True, "ci_low": g - 0.4, "ci_high": g + 0.4}
    return {"measure": {"id": measure_id, "name": kind.title(), "kind": kind},
            "effects": {"design": "between-group (intervention vs comparison)", "headline": "adjusted",
                        "adjusted": cell, "final": dict(cell)},
            "evidence_strength": {"padlocks": padlocks}, "descriptives": FILLER, "attrition": FILLER[:2]}


def build(findings: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from research.models import Alliance, Project, Publication, PublicationEffect, PublicationTag, Theme
    from research.models.choices import Phase, Subject
    from research.services.evidence_map import effect_rows

    rng = np.random.default_rng(15)
    with transaction.atomic():
        for slug in THEMES:
            Theme.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title()})
        alliances = Alliance.objects.bulk_create(
            [Alliance(name=f"Map alliance {i}", slug=f"map-{i}") for i in range(ALLIANCES)], batch_size=2000)
        lead = get_user_model().objects.create(username="map.lead")
        phases, subjects = list(Phase.values), list(Subject.values)
        projects = Project.objects.bulk_create([Project(
            alliance=alliances[i % ALLIANCES], title=f"Map project {i}", research_question="Does it work?",
            subject=subjects[i % len(subjects)], phase=phases[i % len(phases)], academic_year="2025/26",
            status="published", lead=lead) for i in range(findings)], batch_size=2000)
        g = rng.normal(0.15, 0.2, findings)
        n = rng.integers(30, 400, findings)
        variance = 4 / n + g ** 2 / (2 * n)
        publications = Publication.objects.bulk_create([Publication(
            project=p, slug=f"map-{p.pk}", version=1, alliance_id=p.alliance_id, title=p.title,
            research_question=p.research_question, subject=p.subject, phase=p.phase, academic_year="2025/26",
            evidence_strength=int(i % 5), effect_direction="unclear", headline_g=float(g[i]),
            content={"context": {"schools": int(2 + i % 4)}, "results": {"measures": [
                _measure(1, "attainment", float(g[i]), float(variance[i]), int(n[i]), int(i % 5)),
                _measure(2, "well-being", float(g[i] / 2), float(variance[i]), int(n[i]), int(i % 4))]}})
            for i, p in enumerate(projects)], batch_size=1000)
        # As publication_create stores them: each finding's effect per kind of measure.
        PublicationEffect.objects.bulk_create(
            [PublicationEffect(publication=pub, **row) for pub in publications
             for row in effect_rows(pub.content, pub.project_id, pub.title)], batch_size=5000)
        PublicationTag.objects.bulk_create(
            [PublicationTag(publication=pub, kind="theme", value=THEMES[i % len(THEMES)])
             for i, pub in enumerate(publications)]
            + [PublicationTag(publication=pub, kind="measure_kind", value=kind)
               for pub in publications for kind in ("attainment", "well-being")], batch_size=5000)


def _median_seconds(call, repeats: int = REPEATS, before=None) -> float:
    times = []
    for _ in range(repeats):
        if before:
            before()
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(findings: int = FINDINGS) -> list[str]:
    from django.core.cache import cache
    from django.test import Client

    from research.models import PublicationEffect, PublicationTag
    from research.selectors.evidence_map import LIST_COLUMNS

    started = time.perf_counter()
    build(findings)
    built = time.perf_counter() - started
    client = Client()

    def answer():
        response = client.get("/api/v1/evidence-map/")
        assert response.status_code == 200, response.content[:300]
        return response

    def bare():
        # The same rows, read without the map: published findings' stored effects, and their themes.
        rows = list(PublicationEffect.objects.filter(publication__status="published").values_list(*LIST_COLUMNS))
        list(PublicationTag.objects.filter(kind="theme", publication__status="published")
             .values_list("publication_id", "value"))
        return rows

    cold = _median_seconds(answer, repeats=3, before=cache.clear)
    answer()
    warm = _median_seconds(answer)
    bare_seconds = _median_seconds(bare, repeats=3)
    data = answer().json()
    return [
        f"evidence map cold vs bare query ratio {cold / bare_seconds:.2f} (cold {cold:.3f} s, target < 2 s)",
        f"evidence map warm seconds {warm:.4f} (target < 0.3); warm vs bare query ratio {warm / bare_seconds:.3f}",
        f"  {findings:,} published findings in {ALLIANCES:,} alliances, {data['count']} strands; bare query "
        f"{bare_seconds:.3f} s; cold median of 3 (cache cleared), warm median of {REPEATS}; built in {built:.0f} s",
    ]


def main() -> None:
    from .setup import start_django, stop_django

    findings = int(sys.argv[1]) if len(sys.argv) > 1 else FINDINGS
    connection_, old_name = start_django()
    try:
        print(f"database {connection_.vendor}", flush=True)
        for line in run(findings):
            print(line, flush=True)
    finally:
        stop_django(connection_, old_name)


if __name__ == "__main__":
    main()
