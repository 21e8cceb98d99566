"""Telling people what needs them (issue 14): one call where each event happens, in its transaction.

Each `*_notify` function below is that call. It works out who is told (never the person who acted),
writes their Notification rows, and, once the transaction commits, queues one email task per item for
those whose choice is "immediately" (research.services.notification_emails). A rolled-back event tells
nobody. Texts are made from project titles and people's names only: never pupil data, never a score.

Reading and marking read: research.selectors.notifications and the functions at the end.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import access
from ..errors import NotFound
from ..models import Follow, ImportJob, Invitation, JoinRequest, Membership, Notification, NotificationSettings, Project
from ..models.choices import Role, Status
from ..models.notifications import Delivery, NotificationKind
from ..models.publication import FollowKind

logger = logging.getLogger(__name__)
Kind = NotificationKind


# --- who is told ---------------------------------------------------------------------------------

def _alliance_leads(alliance_id: int) -> set[int]:
    return set(Membership.objects.filter(alliance_id=alliance_id, role=Role.LEAD).values_list("user_id", flat=True))


def _taking_part(project: Project) -> list[int]:
    """The project's alliance and any partner alliance it is shared with (research.access)."""
    return [project.alliance_id, *sorted(access.shared_alliance_ids(project))]


def _group(project: Project) -> set[int]:
    """The project's lead and members, while they keep their place in an alliance taking part (research.access)."""
    in_alliance = Membership.objects.filter(alliance_id__in=_taking_part(project)).values("user_id")
    ids = set(project.memberships.filter(user_id__in=in_alliance).values_list("user_id", flat=True))
    if Membership.objects.filter(alliance_id=project.alliance_id, user_id=project.lead_id).exists():
        ids.add(project.lead_id)
    return ids


def _followers(project: Project) -> set[int]:
    """People following the project, one of its themes or its alliance, who may see the project."""
    theme_ids = list(project.themes.values_list("pk", flat=True))
    follows = Follow.objects.filter(
        Q(kind=FollowKind.PROJECT, target_id=project.pk) | Q(kind=FollowKind.ALLIANCE, target_id=project.alliance_id)
        | Q(kind=FollowKind.THEME, target_id__in=theme_ids))
    users = get_user_model().objects.filter(pk__in=follows.values("user_id"), is_active=True)
    if project.status != Status.PUBLISHED:  # a draft exists only for its alliance (and staff)
        users = users.filter(Q(memberships__alliance_id__in=_taking_part(project)) | Q(is_staff=True))
    return set(users.values_list("pk", flat=True))


def _group_and_followers(project: Project) -> set[int]:
    return _group(project) | _followers(project)


# --- writing them --------------------------------------------------------------------------------

def notify(*, kind: str, recipients: Iterable[int], text: str, link: str, project: Project | None = None,
           alliance_id: int | None = None, actor=None) -> list[Notification]:
    """One notification per recipient (the actor excluded), and their immediate emails once committed."""
    actor_id = getattr(actor, "pk", None)
    ids = sorted({user_id for user_id in recipients if user_id and user_id != actor_id})
    if not ids:
        return []
    if project is not None and alliance_id is None:
        alliance_id = project.alliance_id
    rows = Notification.objects.bulk_create([
        Notification(recipient_id=user_id, kind=kind, project=project, alliance_id=alliance_id, text=text[:300],
                     link=link[:300]) for user_id in ids])
    # Who has an email address, and their choice (no row: the default, immediately): one query.
    chosen = dict(get_user_model().objects.filter(pk__in=ids).exclude(email="")
                  .values_list("pk", "notification_settings__delivery"))
    immediate = [row.pk for row in rows if row.recipient_id in chosen
                 and (chosen[row.recipient_id] or Delivery.IMMEDIATELY) == Delivery.IMMEDIATELY]
    if immediate:
        transaction.on_commit(lambda: _queue_emails(immediate))
    return rows


def _queue_emails(notification_ids: list[int]) -> None:
    from .notification_emails import send_notification_email

    for notification_id in notification_ids:
        try:
            send_notification_email.enqueue(notification_id)
        except Exception as error:  # the inbox has it; an email that cannot be queued must not fail the event
            logger.error("notification %s: email not queued (%s)", notification_id, type(error).__name__)


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "Someone"


def _project_link(project: Project, anchor: str = "") -> str:
    return f"/projects/{project.pk}/" + (f"#{anchor}" if anchor else "")


# --- the events ----------------------------------------------------------------------------------

def proposal_submitted_notify(*, project: Project, actor) -> list[Notification]:
    return notify(kind=Kind.PROPOSAL_SUBMITTED, recipients=_alliance_leads(project.alliance_id), project=project,
                  actor=actor, text=f"{_name(actor)} proposed “{project.title}”: it waits for your decision.",
                  link=_project_link(project))


TRANSITION_TEXTS = {
    "accept": (Kind.PROPOSAL_ACCEPTED, "“{title}” was accepted: the theory stage has begun."),
    "decline": (Kind.PROPOSAL_DECLINED, "“{title}” was declined."),
    "advance": (Kind.STAGE_MOVED, "“{title}” moved on to {status}."),
    "publish": (Kind.FINDINGS_PUBLISHED, "The findings of “{title}” were published."),
    "unpublish": (Kind.FINDINGS_UNPUBLISHED, "The findings of “{title}” were unpublished: {comment}"),
    "withdraw": (Kind.PROJECT_WITHDRAWN, "“{title}” was withdrawn."),
}


def project_transition_notify(*, project: Project, action: str, actor, comment: str = "") -> list[Notification]:
    """After a status change (research.lifecycle): accepted or declined, the proposer and the group;
    any other move, the group and the project's followers."""
    kind, template = TRANSITION_TEXTS[action]
    text = template.format(title=project.title, status=project.get_status_display().lower(),
                           comment=comment.strip())
    recipients = _group(project) if action in ("accept", "decline") else _group_and_followers(project)
    link = _project_link(project)
    if action == "publish":
        slug = project.publications.order_by("-version").values_list("slug", flat=True).first()
        link = f"/findings/{slug}/" if slug else link
    return notify(kind=kind, recipients=recipients, project=project, actor=actor, text=text, link=link)


def join_requested_notify(*, join_request: JoinRequest) -> list[Notification]:
    project = join_request.project
    return notify(kind=Kind.JOIN_REQUESTED, recipients=[project.lead_id], project=project, actor=join_request.user,
                  text=f"{_name(join_request.user)} asks to join “{project.title}”.",
                  link=_project_link(project, "members"))


def join_decided_notify(*, join_request: JoinRequest, actor) -> list[Notification]:
    project = join_request.project
    approved = join_request.status == "approved"
    return notify(kind=Kind.JOIN_APPROVED if approved else Kind.JOIN_DECLINED, recipients=[join_request.user_id],
                  project=project, actor=actor, link=_project_link(project),
                  text=f"Your request to join “{project.title}” was {'approved' if approved else 'declined'}.")


def invited_notify(*, invitation: Invitation, actor) -> list[Notification]:
    project = invitation.project
    return notify(kind=Kind.INVITED, recipients=[invitation.invitee_id], project=project, actor=actor,
                  text=f"{_name(actor)} invites you to join “{project.title}”.", link="/inbox/#invitations")


def invitation_answered_notify(*, invitation: Invitation, actor) -> list[Notification]:
    project = invitation.project
    accepted = invitation.status == "accepted"
    return notify(kind=Kind.INVITATION_ACCEPTED if accepted else Kind.INVITATION_DECLINED,
                  recipients=[project.lead_id, invitation.invited_by_id], project=project, actor=actor,
                  text=f"{_name(actor)} {'accepted' if accepted else 'declined'} your invitation to “{project.title}”.",
                  link=_project_link(project, "members"))


def upload_finished_notify(*, job_id: int) -> list[Notification]:
    """A background import ended (done or failed): its uploader. The report stays on the job (it can
    quote cells of the file); the notification only says that it ended and where to look."""
    job = ImportJob.objects.select_related("project").filter(pk=job_id).first()
    if job is None:
        return []
    done = job.status == "done"
    project = job.project
    text = (f"Your outcome file for “{project.title}” has been imported." if done
            else f"Your outcome file for “{project.title}” could not be imported: see the report on the project page.")
    return notify(kind=Kind.UPLOAD_FINISHED if done else Kind.UPLOAD_FAILED, recipients=[job.created_by_id],
                  project=project, text=text, link=_project_link(project, "outcome-data"))


# --- reading them: marking read, the delivery choice ---------------------------------------------

def notification_mark_read(*, actor, notification_id: int) -> Notification:
    try:
        notification = Notification.objects.filter(access.notifications_visible_q(actor)).get(pk=notification_id)
    except Notification.DoesNotExist:
        raise NotFound("No such notification.") from None
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(access.notifications_visible_q(actor), read_at__isnull=True).update(
        read_at=timezone.now())


def notification_settings_update(*, actor, delivery: str) -> NotificationSettings:
    settings_row, _ = NotificationSettings.objects.update_or_create(user=actor, defaults={"delivery": delivery})
    return settings_row
