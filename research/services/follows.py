"""Following a project, a theme or an alliance, to see its news in the feed."""
from django.db import IntegrityError, transaction

from .. import access
from ..errors import Conflict, InvalidInput, NotFound
from ..models import Alliance, Follow, Project, Theme
from ..models.publication import FollowKind

TARGETS = {FollowKind.PROJECT: Project, FollowKind.THEME: Theme, FollowKind.ALLIANCE: Alliance}


@transaction.atomic
def follow_create(*, actor, kind: str, target_id: int) -> Follow:
    model = TARGETS.get(kind)
    if model is None:
        raise InvalidInput("You can follow a project, a theme or an alliance.",
                           fields={"kind": ["Choose project, theme or alliance."]})
    target = model.objects.filter(pk=target_id).first()
    # A project you may not see does not exist, as everywhere else.
    if target is None or (kind == FollowKind.PROJECT and not access.can_view_project(actor, target)):
        raise NotFound(f"No such {kind}.")
    try:
        with transaction.atomic():
            return Follow.objects.create(user=actor, kind=kind, target_id=target_id)
    except IntegrityError:
        raise Conflict(f"You already follow this {kind}.", code="already_following") from None


def follow_delete(*, actor, follow_id: int) -> None:
    deleted, _ = Follow.objects.filter(pk=follow_id, user=actor).delete()
    if not deleted:
        raise NotFound("You do not follow that.")
