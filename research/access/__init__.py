"""Who may see and do what. Every queryset and permission in the product asks this module.

Roles, from least to most: anonymous; a user of another alliance; an alliance member (teacher);
a project member; the project lead; the alliance lead; staff.

- Published projects are visible to everyone. Anything else is visible only to members of its
  alliance (and staff); to everyone else it does not exist (the API answers 404, not 403).
- Evidence: `group` = project members, the alliance lead and staff; `alliance` = members of the
  alliance; `public` = anyone who can see the project.
- Raw pupil rows are for project members only (not even staff or the alliance lead).
- Every right that comes from a project (member, lead) also needs a current place in the project's
  alliance: a group row left behind by a membership ended some other way grants nothing. Ending a
  membership (research/services/memberships.py) removes those rows too.
- A project lead who leaves the alliance keeps their name on the project (its history) and loses
  every lead right; the alliance lead, who holds all of them, acts for the project.
"""
# Split by purpose; everything is read as `access.<rule>`, so the package exports every rule.
from .roles import *  # noqa: F401,F403
from .projects import *  # noqa: F401,F403
from .data import *  # noqa: F401,F403
from .network import *  # noqa: F401,F403
from .roles import _checked_for, _has_group_row, _in_project_alliance  # noqa: F401

