"""Partnerships between alliances (issue 15): proposed by one lead, accepted by the other, ended by either."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import access
from ..errors import Conflict, Forbidden, InvalidInput
from ..models import Alliance, Invitation, JoinRequest, Membership, Partnership, Project, ProjectMember, SharedProject
from ..models.choices import JoinRequestStatus
from ..models.invitations import InvitationStatus
from ..models.network import LIVE_PARTNERSHIP, PartnershipStatus
from .summaries import effect_summaries_refresh


@transaction.atomic
def partnership_propose(*, actor, alliance: Alliance, partner: Alliance) -> Partnership:
    """`alliance`'s lead asks `partner` to work together; one live (proposed or active) partnership per pair."""
    if not access.can_propose_partnership(actor, alliance.pk):
        raise Forbidden("Only the alliance's lead can propose a partnership for it.")
    if alliance.pk == partner.pk:
        raise InvalidInput("An alliance cannot partner itself.", fields={"partner": ["Choose another alliance."]})
    # Lock both alliances in id order, so two leads proposing to each other at once cannot both succeed.
    list(Alliance.objects.select_for_update().filter(pk__in=[alliance.pk, partner.pk]).order_by("pk"))
    pair = Q(proposer=alliance, partner=partner) | Q(proposer=partner, partner=alliance)
    existing = Partnership.objects.filter(pair, status__in=LIVE_PARTNERSHIP).first()
    if existing is not None:
        raise Conflict(f"{alliance.name} and {partner.name} already have a {existing.get_status_display().lower()} "
                       "partnership.", code="partnership_exists")
    return Partnership.objects.create(proposer=alliance, partner=partner, proposed_by=actor)


def _locked(partnership: Partnership) -> Partnership:
    return Partnership.objects.select_for_update().get(pk=partnership.pk)


@transaction.atomic
def partnership_answer(*, actor, partnership: Partnership, accept: bool) -> Partnership:
    """The partner's lead accepts (the partnership becomes active) or declines a proposal."""
    partnership = _locked(partnership)
    if not access.can_answer_partnership(actor, partnership):
        raise Forbidden("Only the lead of the alliance asked can accept or decline this partnership.")
    if partnership.status != PartnershipStatus.PROPOSED:
        raise Conflict(f"This partnership is {partnership.get_status_display().lower()}, not awaiting an answer.",
                       code="partnership_not_proposed")
    partnership.status = PartnershipStatus.ACTIVE if accept else PartnershipStatus.DECLINED
    partnership.answered_by, partnership.answered_at = actor, timezone.now()
    partnership.save(update_fields=["status", "answered_by", "answered_at"])
    return partnership


@transaction.atomic
def partnership_end(*, actor, partnership: Partnership, reason: str = "") -> Partnership:
    """Either lead ends an active partnership or withdraws a proposal; the record stays."""
    partnership = _locked(partnership)
    if not access.can_end_partnership(actor, partnership):
        raise Forbidden("Only the lead of one of the two alliances can end this partnership.")
    if partnership.status not in LIVE_PARTNERSHIP:
        raise Conflict(f"This partnership is already {partnership.get_status_display().lower()}.",
                       code="partnership_not_live")
    partnership.status = PartnershipStatus.ENDED
    partnership.ended_by, partnership.ended_at, partnership.end_reason = actor, timezone.now(), reason
    partnership.save(update_fields=["status", "ended_by", "ended_at", "end_reason"])
    # Ending it ends the access it gave: projects of either alliance opened to the other are closed again.
    a, b = partnership.proposer_id, partnership.partner_id
    _close(SharedProject.objects.filter(Q(project__alliance_id=a, alliance_id=b) | Q(project__alliance_id=b,
                                                                                       alliance_id=a)))
    return partnership


def _active_between(first_id: int, second_id: int) -> bool:
    pair = Q(proposer_id=first_id, partner_id=second_id) | Q(proposer_id=second_id, partner_id=first_id)
    return Partnership.objects.filter(pair, status=PartnershipStatus.ACTIVE).exists()


@transaction.atomic
def project_share(*, actor, project: Project, alliance: Alliance) -> SharedProject:
    """Open the project to a partner alliance: its teachers see and join it as if it were their own
    alliance's. Needs an active partnership and a group that still takes members."""
    if not access.can_share_project(actor, project):
        raise Forbidden("Only the project lead or the alliance lead can open this project to a partner.")
    if not _active_between(project.alliance_id, alliance.pk):
        raise Conflict(f"{alliance.name} is not an active partner of this project's alliance.",
                       code="not_a_partner")
    if not access.is_joinable(project):
        raise Conflict("A project can be opened to a partner only while its group takes members.",
                       code="not_joinable")
    share, _ = SharedProject.objects.get_or_create(project=project, alliance=alliance,
                                                    defaults={"shared_by": actor})
    _minimum_changed(project.pk)
    return share


def _minimum_changed(project_id: int) -> None:
    """The stricter of the two minimum cell sizes applies: pooled effects follow the project's (new) one."""
    effect_summaries_refresh(project=Project.objects.select_related("alliance").get(pk=project_id))


def _close(shares) -> int:
    """Delete the shares and the group places they gave (members with no place in the project's own
    alliance); uploads and published findings stay. The number of places ended."""
    ended = 0
    for share in shares.select_related("project"):
        own = Membership.objects.filter(alliance_id=share.project.alliance_id).values("user_id")
        partner = Membership.objects.filter(alliance_id=share.alliance_id).values("user_id")
        places = ProjectMember.objects.filter(project_id=share.project_id, user_id__in=partner).exclude(
            user_id__in=own).exclude(user_id=share.project.lead_id)
        ended += places.delete()[0]
        # Their waiting invitations and requests lapse with the access, as when a place in an alliance ends:
        # a pending one would otherwise keep serving the closed draft's current title and question.
        outsiders = Membership.objects.filter(user_id__in=partner).exclude(user_id__in=own).values("user_id")
        Invitation.objects.filter(project_id=share.project_id, invitee_id__in=outsiders,
                                  status=InvitationStatus.PENDING).update(status=InvitationStatus.DECLINED,
                                                                          decided_at=timezone.now())
        JoinRequest.objects.filter(project_id=share.project_id, user_id__in=outsiders,
                                   status=JoinRequestStatus.PENDING).update(status=JoinRequestStatus.DECLINED,
                                                                            decided_at=timezone.now())
        share.delete()
        _minimum_changed(share.project_id)
    return ended


@transaction.atomic
def project_unshare(*, actor, project: Project, alliance: Alliance) -> int:
    if not access.can_share_project(actor, project):
        raise Forbidden("Only the project lead or the alliance lead can close this project to a partner.")
    return _close(SharedProject.objects.filter(project=project, alliance=alliance))
