"""Joining a project group: a teacher asks, the project lead approves or declines."""
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import access
from ..errors import Conflict, Forbidden, NotFound
from ..models import JoinRequest, Membership, Project, ProjectMember
from ..models.choices import JoinRequestStatus
from .common import model_update
from .notifications import join_decided_notify, join_requested_notify


@transaction.atomic
def join_request_create(*, actor, project: Project, message: str = "") -> JoinRequest:
    refusal = access.join_refusal(actor, project)
    if refusal:
        code, why = refusal
        raise Conflict(why, code=code)
    # Their own alliance's membership, or the partner alliance's the project is open to (issue 15).
    membership = Membership.objects.get(user=actor, alliance_id=access.taking_part_alliance_id(actor, project))
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(project=project, user=actor, school=membership.school,
                                                      message=message)
    except IntegrityError:
        raise Conflict("You have already asked to join this project; the project lead will answer.",
                       code="already_requested") from None
    join_requested_notify(join_request=join_request)
    return join_request


def member_add(*, project: Project, user_id: int, school_id: int) -> ProjectMember:
    """Into the group with their school (an approved request, an accepted invitation); the callers check
    who may and that the project takes members (research.access.is_joinable)."""
    member, _ = ProjectMember.objects.get_or_create(project=project, user_id=user_id, defaults={"school_id": school_id})
    return member


def _pending_request(project: Project, request_id: int) -> JoinRequest:
    try:
        return JoinRequest.objects.select_for_update().get(pk=request_id, project=project)
    except JoinRequest.DoesNotExist:
        raise NotFound("No such join request.") from None


@transaction.atomic
def join_request_decide(*, actor, project: Project, request_id: int, approve: bool) -> JoinRequest:
    if not access.can_manage_members(actor, project):
        raise Forbidden("Only the project lead can answer join requests.")
    join_request = _pending_request(project, request_id)
    if not access.can_decide_join_request(actor, project, join_request.user_id):
        raise Forbidden("Nobody can answer their own request to join: the project lead or the alliance lead does.")
    if join_request.status != JoinRequestStatus.PENDING:
        raise Conflict(f"This request has already been {join_request.status}.", code="already_decided")
    if approve:
        if not access.is_joinable(project):
            raise Conflict("Projects can be joined only while proposed or at the theory stage.", code="cannot_join")
        member_add(project=project, user_id=join_request.user_id, school_id=join_request.school_id)
    join_request, _ = model_update(instance=join_request, fields=("status", "decided_by", "decided_at"), data={
        "status": JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED,
        "decided_by": actor, "decided_at": timezone.now(),
    })
    join_decided_notify(join_request=join_request, actor=actor)
    return join_request


@transaction.atomic
def member_remove(*, actor, project: Project, user_id: int) -> None:
    """The lead (or alliance lead) removes a member; any member may leave. The lead cannot leave."""
    if not access.can_remove_member(actor, project, user_id):
        raise Forbidden("Only the project lead can remove other members.")
    if user_id == project.lead_id:
        raise Conflict("The project lead cannot leave the project; withdraw it or hand it over first.",
                       code="lead_cannot_leave")
    deleted, _ = ProjectMember.objects.filter(project=project, user_id=user_id).delete()
    if not deleted:
        raise NotFound("That person is not a member of this project.")
