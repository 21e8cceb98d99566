"""Hubs (issue 15): a hub's lead sees its alliances' pipeline and pooled effects, aggregates only."""
import pytest

from research.models import EffectSummary, Hub

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(world):
    """A hub of alliances A and B, led by a person who belongs to neither."""
    made = Hub.objects.create(name="North hub", slug="north")
    made.alliances.set([world.alliance, world.other_alliance])
    made.leads.add(UserFactory(username="hub.lead"))
    return made


def test_the_hub_lead_sees_the_pipeline_of_every_member_alliance(world, api, hub):
    lead = hub.leads.get()
    assert [h["name"] for h in api(lead).get("/api/v1/hubs/").json()] == ["North hub"]
    pipeline = api(lead).get(f"/api/v1/hubs/{hub.id}/pipeline/").json()
    # then the counts cover both alliances' projects, per alliance and in all
    assert {a["name"] for a in pipeline["alliances"]} == {world.alliance.name, world.other_alliance.name}
    expected = sum(len(p) for p in (world.projects, world.other_projects))
    assert sum(pipeline["statuses"].values()) == expected
    assert pipeline["statuses"]["published"] == 2


def test_the_hub_synthesis_pools_across_alliances_and_shows_aggregates_only(world, api, hub):
    # given usable effects in a project of each alliance
    for project, g in ((world.projects["published"], 0.3), (world.other_projects["published"], 0.1)):
        EffectSummary.objects.update_or_create(
            project=project, measure=project.measures.first(),
            defaults={"measure_kind": "attainment", "g": g, "variance": 0.02, "n": 60, "usable": True,
                      "min_cell_size": project.alliance.min_cell_size})
    body = api(hub.leads.get()).get(f"/api/v1/hubs/{hub.id}/synthesis/", {"method": "reml"}).json()
    group = next(g for g in body["groups"] if g["measure_kind"] == "attainment")
    # then the pool holds both, from two alliances, with no project's own figures or title
    assert group["k"] == 2 and group["alliances"] == 2 and group["pupils"] == 120
    assert group["g"] == pytest.approx(0.2) and group["method_code"] == "reml"
    assert "projects" not in group and "excluded" not in group
    assert world.projects["published"].title not in str(body)


def test_a_pool_of_one_project_is_not_shown(world, api, hub):
    project = world.projects["published"]
    EffectSummary.objects.update_or_create(
        project=project, measure=project.measures.first(),
        defaults={"measure_kind": "attainment", "g": 0.3, "variance": 0.02, "n": 60, "usable": True,
                  "min_cell_size": project.alliance.min_cell_size})
    group = next(g for g in api(hub.leads.get()).get(f"/api/v1/hubs/{hub.id}/synthesis/").json()["groups"]
                 if g["measure_kind"] == "attainment")
    assert group["k"] == 1 and group["g"] is None and "never one project's figures" in group["reason"]


def test_only_the_hub_lead_and_staff_see_a_hub(world, api, hub):
    for role in ("alliance_lead", "other", "member"):
        assert api(world.user(role)).get("/api/v1/hubs/").json() == []
        assert api(world.user(role)).get(f"/api/v1/hubs/{hub.id}/synthesis/").status_code == 404
    assert api(None).get(f"/api/v1/hubs/{hub.id}/pipeline/").status_code == 401
    assert api(world.user("staff")).get(f"/api/v1/hubs/{hub.id}/pipeline/").status_code == 200
