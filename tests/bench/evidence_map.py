"""The public evidence map and hub synthesis over the national network (issue 15: 24,000 schools, 2,000
alliances, 100 hubs, 50,000 published findings, research/scale_national.py), cold and warm, each against a bare
query of the rows it reads. Run alone: `python -m tests.bench.evidence_map [findings]`.
"""
import statistics
import sys
import time

FINDINGS = 50_000
REPEATS = 5


def build(findings: int) -> dict:
    from research.scale_national import NationalSpec, generate_national

    return generate_national(NationalSpec(findings=findings))


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

    from research.models import EffectSummary, Hub, PublicationEffect, PublicationTag
    from research.selectors.evidence_map import LIST_COLUMNS

    started = time.perf_counter()
    counts = build(findings)
    built = time.perf_counter() - started
    client = Client()

    def answer(path):
        response = client.get(path)
        assert response.status_code == 200, response.content[:300]
        return response

    def bare_map():
        # The same rows, read without the map: published findings' stored effects, and their themes.
        rows = list(PublicationEffect.objects.filter(publication__status="published").values_list(*LIST_COLUMNS))
        list(PublicationTag.objects.filter(kind="theme", publication__status="published")
             .values_list("publication_id", "value"))
        return rows

    cold = _median_seconds(lambda: answer("/api/v1/evidence-map/"), repeats=3, before=cache.clear)
    warm = _median_seconds(lambda: answer("/api/v1/evidence-map/"))
    bare_seconds = _median_seconds(bare_map, repeats=3)
    data = answer("/api/v1/evidence-map/").json()

    # A hub's lead reads its pooled synthesis: the member alliances' published projects' effect summaries.
    hub = Hub.objects.filter(slug="national-hub-0").first()
    client.force_login(hub.leads.first())
    synthesis = f"/api/v1/hubs/{hub.pk}/synthesis/"

    def bare_hub():
        return list(EffectSummary.objects.filter(project__alliance__hubs=hub, project__status="published")
                    .values_list("project_id", "project__alliance_id", "measure_kind", "usable", "g", "variance", "n"))

    hub_cold = _median_seconds(lambda: answer(synthesis), repeats=3, before=cache.clear)
    hub_warm = _median_seconds(lambda: answer(synthesis))
    hub_bare = _median_seconds(bare_hub, repeats=3)
    pooled = sum(group["k"] for group in answer(synthesis).json()["groups"])
    return [
        f"evidence map cold vs bare query ratio {cold / bare_seconds:.2f} (cold {cold:.3f} s, target < 2 s)",
        f"evidence map warm seconds {warm:.4f} (target < 0.3); warm vs bare query ratio {warm / bare_seconds:.3f}",
        f"  {counts['findings']:,} published findings, {counts['schools']:,} schools in {counts['alliances']:,} "
        f"alliances, {counts['hubs']} hubs; {data['count']} strands; bare query {bare_seconds:.3f} s; cold median of "
        f"3 (cache cleared), warm median of {REPEATS}; built in {built:.0f} s",
        f"hub synthesis cold vs bare query ratio {hub_cold / hub_bare:.2f} (cold {hub_cold:.3f} s, target < 2 s)",
        f"hub synthesis warm seconds {hub_warm:.4f} (target < 0.3); warm vs bare query ratio {hub_warm / hub_bare:.3f}",
        f"  one hub of {hub.alliances.count()} alliances, {pooled:,} pooled effects; bare query {hub_bare:.4f} s",
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
