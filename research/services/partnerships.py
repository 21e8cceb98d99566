"""Partnerships between alliances (issue 15): proposed by one lead, accepted by the other, ended by either."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import access
from ..errors import Conflict, Forbidden, InvalidInput
from ..models import Alliance, Partnership
from ..models.network import LIVE_PARTNERSHIP, PartnershipStatus


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
    return partnership
