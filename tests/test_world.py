"""The shared fixture itself: every status reached through the real lifecycle."""
from research.models import StageTransition
from research.models.choices import Status

from .world import ROUTE, STATUSES


def test_world_has_a_project_in_every_status(world):
    # given the world, when we read each project's status, then it is the one asked for
    assert {status: p.status for status, p in world.projects.items()} == {s: s for s in STATUSES}
    # and each got there with one audit row per step
    for status, project in world.projects.items():
        assert StageTransition.objects.filter(project=project).count() == len(ROUTE[Status(status)])
