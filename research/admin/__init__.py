"""The Django admin: staff look at everything here, and fix what has no screen of its own.

Nothing here opens pupil rows outside the product's rules (issue 11). Even staff may not see pupil
rows (research/access.py); if the admin could edit who is in a project group, a member of staff
could add themselves and read them. So:
- Project groups (ProjectMember) are read-only, on their own page and inline on a project: people
  join through a join request that the project lead approves and leave through member removal
  (research/services/members.py, the API's rules), where nobody approves their own request.
- Alliance places (Membership) are added, changed and deleted through
  research/services/memberships.py: nobody gives themselves a place or a role; the person and the
  alliance of an existing place never change; deleting a place (one or in bulk) ends the person's
  project places in that alliance in the same transaction. Inline on an alliance they are read-only,
  with a link to the place's own page.
The admin reads freely; a write with domain effects goes through the service the API uses, or is
read-only here (issue 16), because an edit here would otherwise skip what the product does around it:
- Projects change through research.services.projects.project_update: the same checks of measures,
  success criteria (shown checked, with each criterion in words, never accepted as unchecked JSON)
  and planned numbers, shown as form errors; after the freeze a change to the plan records a plan
  revision (with the reason given on the form) and a change of measures refreshes the stored effect
  summaries. Status moves only through research.lifecycle; the lead and the alliance are read-only
  (the lead's rights and the alliance's pupil data follow them). Projects are proposed in the
  product (project_propose creates the stages and the lead's place), never added here; and they are
  withdrawn (research.lifecycle), never deleted here: deleting one would take its audit trail of
  pupil-row reads, its status history and its frozen plans with it.
- Stages change through research.services.stages.stage_update (a change to the agreed question or
  rationale after the freeze is a plan revision); on a project's page they are read-only, with a
  link. Only a stage the project has reached, in a status that allows writing, can be changed.
- Join requests are read-only: the project lead answers them in the product
  (research.services.members.join_request_decide), where nobody answers their own.
- Evidence is never added here (the upload checks the file's content); its file, link, text and
  place are read-only; deleting goes through research.services.evidence.evidence_delete (the
  file goes with the row, and published projects' evidence stays).
- A measure's kind, scale and direction are read-only once a project uses it: the analysis, the
  stored effect summaries and the alliance synthesis read them.
A superuser can still do what Django's own user admin allows (reset someone's password...): the
admin is for trusted staff; these rules close the routes that look like ordinary record editing.
"""
# Split by purpose; importing the modules registers their pages.
from . import alliances, projects  # noqa: F401
