"""The alliance's library of measures (the common language)."""
from django.db import IntegrityError, transaction

from .. import access
from ..errors import Forbidden, InvalidInput
from ..models import Alliance, Measure


@transaction.atomic
def measure_create(*, actor, alliance: Alliance, name: str, kind: str, scale_min: float, scale_max: float,
                   higher_is_better: bool = True, unit: str = "", description: str = "") -> Measure:
    if not access.can_manage_measures(actor, alliance.id):
        raise Forbidden("Only the alliance lead can add measures to the library.")
    if scale_max <= scale_min:
        raise InvalidInput("The scale's maximum must be above its minimum.",
                           fields={"scale_max": [f"Must be above {scale_min:g}."]})
    try:
        with transaction.atomic():
            return Measure.objects.create(alliance=alliance, name=name, kind=kind, scale_min=scale_min,
                                          scale_max=scale_max, higher_is_better=higher_is_better, unit=unit,
                                          description=description)
    except IntegrityError:
        raise InvalidInput("This alliance already has a measure with that name.",
                           fields={"name": ["Already in the library."]}) from None
