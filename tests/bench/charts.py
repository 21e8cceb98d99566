"""Charts and results: our render vs bare matplotlib, and cached (warm) vs uncached (cold) requests."""
import statistics
import time

from django.core.cache import cache
from django.test import Client
from matplotlib.figure import Figure

REPEATS = 7


def _median_seconds(action, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _bare_trajectory(table: list[dict]) -> bytes:
    """The same lines, error bars, labels and title drawn with nothing but matplotlib."""
    import io

    figure = Figure(figsize=(8, 4.5))
    ax = figure.add_subplot()
    for group in ("intervention", "comparison"):
        rows = [r for r in table if r.get("group") == group and isinstance(r.get("mean"), (int, float))]
        x = list(range(len(rows)))
        means = [r["mean"] for r in rows]
        errors = [[r["mean"] - r["ci_low"] for r in rows], [r["ci_high"] - r["mean"] for r in rows]]
        ax.errorbar(x, means, yerr=errors, marker="o", capsize=4, label=group.title())
    ax.set_xlabel("Stage")
    ax.set_ylabel("Mean score")
    ax.set_title("Does approach work?")
    ax.legend()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _project_with_rows(rows: int):
    from research.models import Membership, Project
    from research.scale import ScaleSpec, generate_scale

    # Five projects, one per status in the mix's first five; four hold data: 10k rows each.
    generate_scale(ScaleSpec(alliances=1, schools=8, projects=5, outcome_rows=rows * 4), prefix="charts")
    project = Project.objects.get(title="Charts project 4")  # published, all three stages
    lead = project.lead
    assert Membership.objects.filter(user=lead).exists()
    return project, lead


def run() -> list[str]:
    from research import charts
    from research.selectors.results import results_for

    project, lead = _project_with_rows(10_000)
    results = results_for(user=lead, project=project)
    measure_id = results["measures"][0]["measure"]["id"]
    table = charts.trajectory(results, measure_id, title=project.research_question).table
    ours = _median_seconds(lambda: charts.render(
        charts.trajectory(results, measure_id, title=project.research_question), "svg"))
    bare = _median_seconds(lambda: _bare_trajectory(table))

    client = Client()
    client.force_login(lead)
    chart_url = f"/api/v1/projects/{project.pk}/charts/trajectory.svg"
    results_url = f"/api/v1/projects/{project.pk}/results/"

    def cold(url):
        cache.clear()
        assert client.get(url).status_code == 200

    def warm(url):
        assert client.get(url).status_code == 200

    chart_cold = _median_seconds(lambda: cold(chart_url))
    client.get(chart_url)
    chart_warm = _median_seconds(lambda: warm(chart_url), repeats=21)
    results_cold = _median_seconds(lambda: cold(results_url))
    client.get(results_url)
    results_warm = _median_seconds(lambda: warm(results_url), repeats=21)
    return [
        f"chart cold render vs bare matplotlib ratio {ours / bare:.2f} (target <= 1.5)",
        f"  trajectory to SVG: ours {ours * 1000:.0f} ms, bare matplotlib {bare * 1000:.0f} ms; median of {REPEATS}",
        f"chart warm vs cold request ratio {chart_cold / chart_warm:.1f} (target >= 20)",
        f"  GET {chart_url.split('/charts/')[1]}: cold {chart_cold * 1000:.0f} ms (cache cleared), "
        f"warm {chart_warm * 1000:.1f} ms",
        f"results 10k rows cold seconds {results_cold:.3f} (target < 1)",
        f"results 10k rows warm seconds {results_warm:.3f} (target < 0.05)",
        f"  GET /results/: cold {results_cold * 1000:.0f} ms (cache cleared), warm {results_warm * 1000:.1f} ms "
        f"(fingerprint queries and a cache hit)",
    ]
