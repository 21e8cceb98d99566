"""Partnerships a person may see (their alliances'; staff all), and each alliance's active partners."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from .. import access
from ..errors import NotFound
from ..models import Alliance, Partnership
from ..models.network import PartnershipStatus


def partnership_list(*, user) -> QuerySet[Partnership]:
    return (Partnership.objects.filter(access.partnerships_visible_q(user))
            .select_related("proposer", "partner", "proposed_by", "answered_by", "ended_by"))


def partnership_get(*, user, partnership_id: int) -> Partnership:
    try:
        return partnership_list(user=user).get(pk=partnership_id)
    except Partnership.DoesNotExist:
        raise NotFound("No partnership here, or not one of your alliances'.") from None


def alliance_for_partnership(*, alliance_id: int) -> Alliance:
    try:
        return Alliance.objects.get(pk=alliance_id)
    except Alliance.DoesNotExist:
        raise NotFound("No such alliance.") from None


def partner_alliance_ids(*, alliance_id: int) -> set[int]:
    """The alliances in an active partnership with this one (for access rules that extend to partners)."""
    rows = Partnership.objects.filter(Q(proposer_id=alliance_id) | Q(partner_id=alliance_id),
                                      status=PartnershipStatus.ACTIVE).values_list("proposer_id", "partner_id")
    return {other for pair in rows for other in pair if other != alliance_id}


def project_shares(*, project) -> QuerySet:
    """The partner alliances a project is open to."""
    from ..models import SharedProject

    return SharedProject.objects.filter(project=project).select_related("alliance", "shared_by").order_by("id")
