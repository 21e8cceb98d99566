from django.urls import path

from . import views

urlpatterns = [
    path("", views.home_page, name="dashboard"),
    path("login/", views.login_page, name="login"),
    path("projects/new/", views.propose_page, name="propose"),
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("alliance/", views.alliance_page, name="alliance"),
    path("inbox/", views.inbox_page, name="inbox"),
    path("findings/", views.findings_page, name="findings"),
    path("findings/<slug:slug>/", views.finding_page, name="finding"),
    path("findings/<slug:slug>/report", views.report_page, name="finding-report"),
    path("evidence/", views.evidence_map_page, name="evidence-map"),
    path("evidence/<slug:strand>/", views.evidence_strand_page, name="evidence-strand"),
]
