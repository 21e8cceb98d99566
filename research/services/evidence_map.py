"""Storing a published finding's effects for the evidence map (one row per kind of measure)."""
from __future__ import annotations

from ..analysis.evidence_map import kind_effects
from ..models import Publication, PublicationEffect


def effect_rows(content: dict, project_id: int, title: str) -> list[dict]:
    """The frozen finding's headline effect per kind of measure, as stored (also used by migration 0015)."""
    schools = (content.get("context") or {}).get("schools")
    measures = (content.get("results") or {}).get("measures") or []
    return [{"measure_kind": kind, "measure_name": (effect["measure"] or "")[:200], "g": effect["g"],
             "variance": effect["variance"], "n": effect["n"], "padlocks": effect["padlocks"],
             "schools": schools if isinstance(schools, int) else None, "reason": (effect["reason"] or "")[:300]}
            for kind, effect in kind_effects(measures, project_id, title).items()]


def publication_effects_store(*, publication: Publication) -> list[PublicationEffect]:
    """Called by publication_create, in the publish transaction, once the content is frozen."""
    return PublicationEffect.objects.bulk_create(
        PublicationEffect(publication=publication, **row)
        for row in effect_rows(publication.content, publication.project_id, publication.title))
