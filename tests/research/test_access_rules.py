"""The rules research/access/ now owns for pupil data and the group, and the status sets they read."""
import pytest
from django.contrib.auth.models import AnonymousUser

from research import access, lifecycle, statuses
from research.errors import NotFound
from research.models import OutcomeUpload
from research.models.choices import Status

from ..world import ROLES

pytestmark = pytest.mark.django_db


def test_the_status_sets_are_the_lifecycles():
    # given the transitions table
    withdrawable = {t.source for t in lifecycle.TRANSITIONS if t.action == "withdraw"}
    # then the active statuses are exactly those a project can be withdrawn from
    assert set(statuses.ACTIVE_STATUSES) == withdrawable
    # and every other set is made of statuses the lifecycle knows, published or active
    for name in ("EDITABLE_STATUSES", "JOINABLE_STATUSES", "UPLOADABLE_STATUSES", "POOLED_STATUSES"):
        assert set(getattr(statuses, name)) <= {*statuses.ACTIVE_STATUSES, Status.PUBLISHED}, name
    # and access reads the same objects, not copies
    assert access.EDITABLE_STATUSES is statuses.EDITABLE_STATUSES
    assert access.JOINABLE_STATUSES is statuses.JOINABLE_STATUSES


def user_of(world, role):
    return world.user(role) or AnonymousUser()


def test_only_the_group_reaches_pupil_rows(world):
    # given the progress project
    project = world.projects["progress"]
    for role in ROLES:
        user = user_of(world, role)
        if role in ("member", "project_lead"):
            # then the group passes
            access.require_raw_rows(user, project)
        else:
            # and everyone else, staff and the alliance lead included, finds nothing there
            with pytest.raises(NotFound):
                access.require_raw_rows(user, project, "No such upload.")


def test_an_upload_is_removed_by_its_uploader_or_the_project_lead(world):
    # given an upload by the member, and one whose uploader's account has gone
    project = world.projects["progress"]
    stage = project.stages.get(kind="theory")
    mine = OutcomeUpload(project=project, stage=stage, uploaded_by=world.user("member"))
    orphan = OutcomeUpload(project=project, stage=stage, uploaded_by=None)
    # then the uploader and the project lead may remove it; nobody outside the group may
    allowed = {role for role in ROLES if access.can_delete_outcome_upload(user_of(world, role), mine, project)}
    assert allowed == {"member", "project_lead"}
    # and an upload with no uploader is the project lead's alone (anonymous never matches a missing id)
    allowed = {role for role in ROLES if access.can_delete_outcome_upload(user_of(world, role), orphan, project)}
    assert allowed == {"project_lead"}


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_what_each_status_allows(world, status):
    project = world.projects[status]
    # then data goes in only between the theory session and dissemination, is locked once published,
    assert access.accepts_outcome_data(project) == (status in ("theory", "progress", "dissemination"))
    assert access.outcome_data_locked(project) == (status == "published")
    # and the group takes members only while proposed or at the theory stage
    assert access.is_joinable(project) == (status in ("proposed", "theory"))


def test_members_leave_and_those_who_manage_remove(world):
    project = world.projects["theory"]
    member = world.user("member")
    # then a member may remove themselves, and those who manage members may remove them
    allowed = {role for role in ROLES if access.can_remove_member(user_of(world, role), project, member.pk)}
    assert allowed == {"member", "project_lead", "alliance_lead", "staff"}
