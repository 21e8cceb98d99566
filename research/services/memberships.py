"""Places in an alliance (Membership): added, changed and ended by staff, in the admin.

A place opens the alliance's drafts and, through its project groups, pupil rows; so:
- nobody gives themselves a place or a role, or changes their own (research.access.membership_grant_refusal);
- a place never moves to another person or alliance: that is ending one and adding another;
- ending a place ends everything it opened, in one transaction: the person's places in the
  alliance's project groups are removed and their pending requests to join (and invitations) are declined. Projects
  they lead keep them as lead (the record of who led it); the lead rights lapse with the place, and
  the alliance lead acts for those projects (research/access.py).
"""
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import access
from ..errors import Conflict, Forbidden, NotFound
from ..models import Alliance, Invitation, JoinRequest, Membership, Project, ProjectMember, School
from ..models.choices import JoinRequestStatus, Role
from ..models.invitations import InvitationStatus
from .common import model_update


@dataclass(frozen=True)
class MembershipEnded:
    projects_left: list[int]  # project groups the person was removed from
    requests_declined: int  # their pending requests to join, declined
    projects_led: list[int]  # projects they lead: the alliance lead now acts for them


def _check_grant(actor, user_id: int) -> None:
    refusal = access.membership_grant_refusal(actor, user_id)
    if refusal:
        raise Forbidden(refusal)


@transaction.atomic
def membership_create(*, actor, user, alliance: Alliance, school: School, role: str = Role.MEMBER) -> Membership:
    _check_grant(actor, user.pk)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, alliance=alliance, school=school, role=role)
    except IntegrityError:
        raise Conflict(f"{user} already has a place in {alliance}.", code="already_member") from None
    access.forget_alliance_roles(user)
    return membership


@transaction.atomic
def membership_update(*, actor, membership: Membership, school: School, role: str) -> Membership:
    """Change the school or role of a place (never whose or which alliance's it is)."""
    _check_grant(actor, membership.user_id)
    membership = _locked(membership)
    membership, _ = model_update(instance=membership, fields=("school", "role"), data={"school": school, "role": role})
    return membership


@transaction.atomic
def membership_end(*, actor, membership: Membership) -> MembershipEnded:
    """End a place in an alliance, and with it the person's project places there (see the module docstring)."""
    if not access.can_manage_alliance_memberships(actor):
        raise Forbidden("Only staff can end a place in an alliance.")
    membership = _locked(membership)
    user_id, alliance_id = membership.user_id, membership.alliance_id
    places = ProjectMember.objects.filter(user_id=user_id, project__alliance_id=alliance_id)
    projects_left = sorted(places.values_list("project_id", flat=True))
    places.delete()
    declined = JoinRequest.objects.filter(
        user_id=user_id, project__alliance_id=alliance_id, status=JoinRequestStatus.PENDING,
    ).update(status=JoinRequestStatus.DECLINED, decided_by=actor, decided_at=timezone.now())
    # Invitations waiting for them there lapse with the place, as their requests do.
    Invitation.objects.filter(invitee_id=user_id, project__alliance_id=alliance_id, status=InvitationStatus.PENDING
                              ).update(status=InvitationStatus.DECLINED, decided_at=timezone.now())
    projects_led = sorted(Project.objects.filter(alliance_id=alliance_id, lead_id=user_id).values_list("pk", flat=True))
    membership.delete()
    if getattr(actor, "pk", None) == user_id:
        access.forget_alliance_roles(actor)
    return MembershipEnded(projects_left=projects_left, requests_declined=declined, projects_led=projects_led)


def _locked(membership: Membership) -> Membership:
    try:
        return Membership.objects.select_for_update().get(pk=membership.pk)
    except Membership.DoesNotExist:
        raise NotFound("That place in the alliance no longer exists.") from None
