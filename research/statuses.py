"""Which statuses allow what: the status sets, defined once, beside the transitions table.

research/lifecycle.py moves a project between statuses; these sets say what a status allows.
research.access (who may do what, and when), research.lifecycle (what can be withdrawn), the
selectors and the services all read them from here.
"""
from .models.choices import Status

# Still under way: any of these can be withdrawn (research.lifecycle.TRANSITIONS).
ACTIVE_STATUSES = (Status.PROPOSED, Status.THEORY, Status.PROGRESS, Status.DISSEMINATION)
# The group may still write (published too: edits never change the publication).
EDITABLE_STATUSES = (*ACTIVE_STATUSES, Status.PUBLISHED)
# Teachers of the alliance may ask to join the group.
JOINABLE_STATUSES = (Status.PROPOSED, Status.THEORY)
# Pupil data may be uploaded (a published finding's data is locked until it is unpublished).
UPLOADABLE_STATUSES = (Status.THEORY, Status.PROGRESS, Status.DISSEMINATION)
# Alliance synthesis pools the effects of these projects.
POOLED_STATUSES = (*ACTIVE_STATUSES, Status.PUBLISHED)
