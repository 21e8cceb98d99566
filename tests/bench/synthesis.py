"""Alliance synthesis over 1,000 projects with data and 1M outcome rows."""
import statistics
import time

from django.contrib.auth import get_user_model

PROJECTS_WITH_DATA = 1000
ROWS = 1_000_000
REPEATS = 5


def run() -> list[str]:
    from research.models import Alliance, EffectSummary, Membership, OutcomeRecord
    from research.scale import STATUS_MIX, REACHED, ScaleSpec, generate_scale
    from research.selectors.synthesis import alliance_synthesis

    share_with_data = sum(status in REACHED for status in STATUS_MIX) / len(STATUS_MIX)
    started = time.perf_counter()
    generate_scale(ScaleSpec(alliances=1, schools=60, projects=round(PROJECTS_WITH_DATA / share_with_data),
                             outcome_rows=ROWS), prefix="synth")
    built = time.perf_counter() - started
    alliance = Alliance.objects.get(slug="synth-0")
    lead = get_user_model().objects.get(pk=Membership.objects.filter(alliance=alliance, role="lead")
                                        .values_list("user_id", flat=True)[0])
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = alliance_synthesis(user=lead, alliance=alliance)
        times.append(time.perf_counter() - started)
    pooled = {g["measure_kind"]: g["k"] for g in result["groups"]}
    rows = OutcomeRecord.objects.filter(project__alliance=alliance).count()
    return [
        f"alliance synthesis seconds {statistics.median(times):.3f} (target < 1)",
        f"  {EffectSummary.objects.filter(project__alliance=alliance).count()} project effects, {rows:,} outcome "
        f"rows; pooled k by measure kind {pooled}; median of {REPEATS}; data built in {built:.0f} s",
    ]
