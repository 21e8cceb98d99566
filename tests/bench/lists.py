"""The project list (50 a page over 5,000 projects) against a bare values() view of the same page."""
import statistics
import time

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

PROJECTS = 5000
REPEATS = 15


def run() -> list[str]:
    from research.models import Membership
    from research.scale import ScaleSpec, generate_scale

    generate_scale(ScaleSpec(alliances=20, schools=500, projects=PROJECTS, outcome_rows=0), prefix="lists")
    teacher = Membership.objects.filter(alliance__slug="lists-0", role="member").select_related("user").first().user
    client = Client()
    client.force_login(teacher)
    ours_url, bare_url = "/api/v1/projects/?page=3&page_size=50", "/bench/bare-projects/?page=3&page_size=50"
    with override_settings(ROOT_URLCONF="tests.bench.urls"):
        ours_data, bare_data = client.get(ours_url).json(), client.get(bare_url).json()
        assert [r["id"] for r in ours_data["results"]] == [r["id"] for r in bare_data["results"]]
        times = {"ours": [], "bare": []}
        for _ in range(REPEATS):  # alternate, so drift on a shared machine hits both alike
            for name, url in (("ours", ours_url), ("bare", bare_url)):
                started = time.perf_counter()
                assert client.get(url).status_code == 200
                times[name].append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            client.get(ours_url)
    ours, bare = statistics.median(times["ours"]), statistics.median(times["bare"])
    return [
        f"project list vs bare values() ratio {bare / ours:.2f} (target >= 0.5)",
        f"  page 3 of 50 over {ours_data['count']} visible projects ({PROJECTS} in all): ours {ours * 1000:.0f} ms "
        f"with {len(queries)} queries, bare {bare * 1000:.0f} ms; median of {REPEATS}",
    ]
