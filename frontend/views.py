"""HTML shells. Each page is a template plus one ES module; every datum comes from the API.

Pages that only make sense signed in redirect to /login/ here, so nobody sees an empty shell.
The project page stays open to everyone: published projects are public, and the API decides
(answering 404 for anything the visitor may not see).
"""
from django.contrib.auth.decorators import login_required
from django.views.generic import TemplateView


class PageView(TemplateView):
    """A shell: the template names its page module; the module fetches everything else."""


class ProjectPageView(PageView):
    template_name = "frontend/project.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["project_id"] = self.kwargs["project_id"]
        return context


login_page = PageView.as_view(template_name="frontend/login.html")
dashboard_page = login_required(PageView.as_view(template_name="frontend/dashboard.html"))
propose_page = login_required(PageView.as_view(template_name="frontend/propose.html"))
alliance_page = login_required(PageView.as_view(template_name="frontend/alliance.html"))
project_page = ProjectPageView.as_view()
