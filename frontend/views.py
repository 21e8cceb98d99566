"""HTML shells. Each page is a template plus one ES module; every datum comes from the API.

Pages that only make sense signed in redirect to /login/ here, so nobody sees an empty shell.
The project page stays open to everyone: published projects are public, and the API decides
(answering 404 for anything the visitor may not see). The findings library, finding pages
and printable reports are public. URL arguments (project_id, slug) reach the template as
context, for the module to read from <main>'s data attributes.
"""
import unicodedata

from django.contrib.auth.decorators import login_required
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView


def page(template: str, signed_in: bool = False):
    view = TemplateView.as_view(template_name=f"frontend/{template}.html")
    return login_required(view) if signed_in else view


def safe_next(request) -> str:
    """Where to go after signing in: `next` if it stays on this site (same host, and https when the
    request is), else "/". Characters browsers drop or reinterpret (tabs, newlines, other control and
    format characters) are refused outright, whatever urlsplit makes of them."""
    target = request.GET.get("next", "")
    if not target or any(unicodedata.category(ch)[0] == "C" for ch in target):
        return "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return "/"
    return target


class LoginPage(TemplateView):
    """The sign-in shell; login.js signs in through the API, then goes to <main data-next>, which only
    ever holds a checked address (the script never reads `next` from the address bar itself)."""

    template_name = "frontend/login.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": safe_next(self.request)}


login_page = LoginPage.as_view()
dashboard_page = page("dashboard", signed_in=True)
landing_page = page("landing")


def home_page(request, *args, **kwargs):
    """The front door: visitors see what this is, the latest findings and a way to sign in;
    signed-in people go on to their dashboard, at the same address."""
    view = dashboard_page if request.user.is_authenticated else landing_page
    return view(request, *args, **kwargs)


propose_page = page("propose", signed_in=True)
alliance_page = page("alliance", signed_in=True)
inbox_page = page("inbox", signed_in=True)
project_page = page("project")
findings_page = page("findings")
finding_page = page("finding")
report_page = page("report")
evidence_map_page = page("evidence_map")
evidence_strand_page = page("evidence_strand")
