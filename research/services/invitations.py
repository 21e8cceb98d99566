"""A project lead invites a colleague from the alliance; the colleague accepts (joining the group) or declines."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import access
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..models import Invitation, JoinRequest, Membership, Notification, Project
from ..models.choices import JoinRequestStatus
from ..models.invitations import InvitationStatus
from ..models.notifications import NotificationKind
from .common import model_update
from .members import member_add
from .notifications import invitation_answered_notify, invited_notify


@transaction.atomic
def invitation_create(*, actor, project: Project, user_id: int) -> Invitation:
    """Only the project lead, while the group takes members; the invitee must be a teacher of the
    project's alliance, not already in the group nor already invited (each refused with why)."""
    if not access.is_project_lead(actor, project):
        raise Forbidden("Only the project lead can invite colleagues.")
    if not access.is_joinable(project):
        raise Conflict("Colleagues can be invited only while the project is proposed or at the theory stage.",
                       code="cannot_join")
    invitee = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    refusal = access.invitation_refusal(project, invitee)
    if refusal:
        raise InvalidInput(refusal, code="cannot_invite", fields={"user": [refusal]})
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(project=project, invitee=invitee, invited_by=actor)
    except IntegrityError:
        message = "This colleague has already been invited and has not answered yet."
        raise InvalidInput(message, code="cannot_invite", fields={"user": [message]}) from None
    invited_notify(invitation=invitation, actor=actor)
    return invitation


def _pending_for(actor, invitation_id: int) -> Invitation:
    invitation = (Invitation.objects.select_for_update(of=("self",)).select_related("project")
                  .filter(pk=invitation_id).first())
    # Someone else's invitation does not exist for this actor; nor does one to a project they can no longer take
    # part in (they left the alliance it came through): answering would hand back the project's title.
    if (invitation is None or not access.can_answer_invitation(actor, invitation)
            or access.taking_part_alliance_id(actor, invitation.project) is None):
        raise NotFound("No such invitation.")
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(f"This invitation has already been {invitation.status}.", code="already_decided")
    return invitation


@transaction.atomic
def invitation_accept(*, actor, invitation_id: int) -> Invitation:
    """Join the group with the school of the invitee's place in the alliance, as an approved request would."""
    invitation = _pending_for(actor, invitation_id)
    project = Project.objects.select_for_update().get(pk=invitation.project_id)
    if not access.is_joinable(project):
        raise Conflict("Projects can be joined only while proposed or at the theory stage.", code="cannot_join")
    # Their place in the project's alliance, or in a partner alliance the project is open to (issue 15).
    membership = Membership.objects.filter(user=actor,
                                           alliance_id=access.taking_part_alliance_id(actor, project)).first()
    if membership is None:
        raise Conflict("Only teachers in this project's alliance can join it.", code="cannot_join")
    member_add(project=project, user_id=actor.pk, school_id=membership.school_id)
    # A request of theirs to join, still waiting, is answered by this: approved by whoever invited them.
    JoinRequest.objects.filter(project=project, user=actor, status=JoinRequestStatus.PENDING).update(
        status=JoinRequestStatus.APPROVED, decided_by=invitation.invited_by, decided_at=timezone.now())
    return _decide(invitation, InvitationStatus.ACCEPTED, actor)


@transaction.atomic
def invitation_decline(*, actor, invitation_id: int) -> Invitation:
    return _decide(_pending_for(actor, invitation_id), InvitationStatus.DECLINED, actor)


def _decide(invitation: Invitation, status: str, actor) -> Invitation:
    invitation, _ = model_update(instance=invitation, fields=("status", "decided_at"),
                                 data={"status": status, "decided_at": timezone.now()}, auto_updated_at=False)
    # Answered: the invitation's notification has done its work.
    Notification.objects.filter(recipient=actor, kind=NotificationKind.INVITED, project_id=invitation.project_id,
                                read_at__isnull=True).update(read_at=timezone.now())
    invitation_answered_notify(invitation=invitation, actor=actor)
    return invitation
