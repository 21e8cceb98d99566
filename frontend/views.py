"""HTML shells. Each page is a template plus one ES module; every datum comes from the API.

Pages that only make sense signed in redirect to /login/ here, so nobody sees an empty shell.
The project page stays open to everyone: published projects are public, and the API decides
(answering 404 for anything the visitor may not see). The findings library, finding pages
and printable reports are public. URL arguments (project_id, slug) reach the template as
context, for the module to read from <main>'s data attributes.
"""
from django.contrib.auth.decorators import login_required
from django.views.generic import TemplateView


def page(template: str, signed_in: bool = False):
    view = TemplateView.as_view(template_name=f"frontend/{template}.html")
    return login_required(view) if signed_in else view


login_page = page("login")
dashboard_page = page("dashboard", signed_in=True)
propose_page = page("propose", signed_in=True)
alliance_page = page("alliance", signed_in=True)
project_page = page("project")
findings_page = page("findings")
finding_page = page("finding")
report_page = page("report")
