"""generate_scale --national: the network the evidence-map and hub benchmarks read, at a size a test can build."""
import pytest
from django.core.management import call_command

from research.models import Alliance, EffectSummary, Hub, Publication, School
from research.selectors.evidence_map import evidence_map
from research.selectors.hubs import hub_synthesis

pytestmark = pytest.mark.django_db


def test_the_national_network_is_what_the_map_and_the_hubs_read(capsys):
    # given the command asked for a small national network
    call_command("generate_scale", "--national", "--schools", "48", "--alliances", "8", "--hubs", "2",
                 "--findings", "72")
    # then it holds what was asked: schools spread over the alliances, the alliances over the hubs
    assert (School.objects.count(), Alliance.objects.count(), Hub.objects.count()) == (48, 8, 2)
    assert [hub.alliances.count() for hub in Hub.objects.order_by("slug")] == [4, 4]
    assert Publication.objects.filter(status="published").count() == 72
    # and the public map pools every finding, on both kinds of measure, in strands of three or more
    strands = evidence_map()["strands"]
    assert evidence_map()["findings"] == 72
    assert sum(strand["findings"] for strand in strands) == 72 * 2
    assert {strand["measure_kind"] for strand in strands} == {"attainment", "well-being"}
    # and a hub pools its own alliances' published projects: half of them, each kind once per project
    hub = Hub.objects.get(slug="national-hub-0")
    groups = hub_synthesis(hub=hub, method="reml")["groups"]
    assert [(group["measure_kind"], group["k"], group["alliances"]) for group in groups] == [
        ("attainment", 36, 4), ("well-being", 36, 4)]
    assert EffectSummary.objects.filter(project__alliance__hubs=hub).count() == 72
    assert "Generated {'alliances': 8, 'schools': 48, 'hubs': 2, 'findings': 72}" in capsys.readouterr().out
