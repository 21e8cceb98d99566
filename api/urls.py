from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from . import converters  # noqa: F401  (registers <id:>, <chartname:>, <chartfmt:>, <tablefmt:>)
from . import audit, auth, catalog, charts, findings, follows, evidence, jobs, members, outcomes, results, stages, synthesis
from . import alliance_schools, import_aliases, publication_preview
from . import evidence_map, hubs, partnerships
from .projects import views as projects
from . import invitations, notifications

class IdRouter(SimpleRouter):
    """Detail routes take ids of at most 18 digits; longer ones fall through to the JSON 404."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        return f"(?P<{lookup_prefix}{getattr(viewset, 'lookup_field', 'pk')}>[0-9]{{1,18}})"


router = IdRouter()
router.register("alliances", catalog.AllianceViewSet, basename="alliance")
router.register("schools", catalog.SchoolViewSet, basename="school")
router.register("themes", catalog.ThemeViewSet, basename="theme")
router.register("measures", catalog.MeasureViewSet, basename="measure")
router.register("projects", projects.ProjectViewSet, basename="project")

P = "projects/<id:project_id>/"
urlpatterns = [
    path("auth/token/", auth.TokenView.as_view(), name="auth-token"),
    path("auth/session/", auth.SessionView.as_view(), name="auth-session"),
    path("me/", auth.MeView.as_view(), name="me"),
    path("taxonomy/", catalog.TaxonomyView.as_view(), name="taxonomy"),
    path(P + "transitions/", projects.TransitionsView.as_view(), name="project-transitions"),
    path(P + "plan-snapshots/", projects.PlanSnapshotsView.as_view(), name="project-plan-snapshots"),
    path(P + "publication-preview/", publication_preview.PublicationPreviewView.as_view(),
         name="project-publication-preview"),
    path(P + "stages/", stages.StageListView.as_view(), name="project-stages"),
    path(P + "stages/<str:kind>/", stages.StageDetailView.as_view(), name="project-stage"),
    path(P + "members/", members.MembersView.as_view(), name="project-members"),
    path(P + "members/<id:user_id>/", members.MemberDetailView.as_view(), name="project-member"),
    path(P + "join-requests/", members.JoinRequestsView.as_view(), name="project-join-requests"),
    path(P + "join-requests/<id:request_id>/approve/",
         members.JoinRequestDecisionView.as_view(approve=True), name="project-join-approve"),
    path(P + "join-requests/<id:request_id>/decline/",
         members.JoinRequestDecisionView.as_view(approve=False), name="project-join-decline"),
    path(P + "evidence/", evidence.EvidenceListView.as_view(), name="project-evidence"),
    path(P + "evidence/<id:evidence_id>/", evidence.EvidenceDetailView.as_view(), name="project-evidence-detail"),
    path(P + "evidence/<id:evidence_id>/download/", evidence.EvidenceDownloadView.as_view(),
         name="project-evidence-download"),
    path(P + "outcome-uploads/", outcomes.OutcomeUploadsView.as_view(), name="project-outcome-uploads"),
    path(P + "outcome-uploads/<id:upload_id>/", outcomes.OutcomeUploadDetailView.as_view(),
         name="project-outcome-upload"),
    path(P + "outcomes/", outcomes.OutcomesView.as_view(), name="project-outcomes"),
    path(P + "pupil-row-reads/", audit.PupilRowReadsView.as_view(), name="project-pupil-row-reads"),
    path(P + "results/", results.ResultsView.as_view(), name="project-results"),
    path(P + "charts/<chartname:name>.<chartfmt:fmt>", charts.ProjectChartView.as_view(), name="project-chart"),
    path("alliances/<id:alliance_id>/charts/<chartname:name>.<chartfmt:fmt>", charts.AllianceChartView.as_view(),
         name="alliance-chart"),
    path("findings/", findings.FindingListView.as_view(), name="findings"),
    path("findings/<slug:slug>/", findings.FindingDetailView.as_view(), name="finding"),
    path("findings/<slug:slug>/results.<tablefmt:fmt>", findings.FindingResultsView.as_view(),
         name="finding-results"),
    path("findings/<slug:slug>/charts/<chartname:name>.<chartfmt:fmt>", findings.FindingChartView.as_view(),
         name="finding-chart"),
    path("findings/<slug:slug>/files/<id:file_id>/", findings.FindingFileView.as_view(), name="finding-file"),
    path("evidence-map/", evidence_map.EvidenceMapView.as_view(), name="evidence-map"),
    path("evidence-map/<slug:strand>/", evidence_map.EvidenceStrandView.as_view(), name="evidence-strand"),
    path("evidence-map/<slug:strand>/charts/<chartname:name>.<chartfmt:fmt>",
         evidence_map.EvidenceStrandChartView.as_view(), name="evidence-strand-chart"),
    path("partnerships/", partnerships.PartnershipListView.as_view(), name="partnerships"),
    path("partnerships/<id:partnership_id>/", partnerships.PartnershipDetailView.as_view(), name="partnership"),
    path("partnerships/<id:partnership_id>/accept/", partnerships.PartnershipAnswerView.as_view(accept=True),
         name="partnership-accept"),
    path("partnerships/<id:partnership_id>/decline/", partnerships.PartnershipAnswerView.as_view(accept=False),
         name="partnership-decline"),
    path("partnerships/<id:partnership_id>/end/", partnerships.PartnershipEndView.as_view(), name="partnership-end"),
    path(P + "shares/", partnerships.ProjectSharesView.as_view(), name="project-shares"),
    path(P + "shares/<id:alliance_id>/", partnerships.ProjectShareDetailView.as_view(), name="project-share"),
    path("hubs/", hubs.HubListView.as_view(), name="hubs"),
    path("hubs/<id:hub_id>/pipeline/", hubs.HubPipelineView.as_view(), name="hub-pipeline"),
    path("hubs/<id:hub_id>/synthesis/", hubs.HubSynthesisView.as_view(), name="hub-synthesis"),
    path("jobs/<id:job_id>/", jobs.JobView.as_view(), name="job"),
    path("follows/", follows.FollowsView.as_view(), name="follows"),
    path("follows/<id:follow_id>/", follows.FollowDetailView.as_view(), name="follow"),
    path("feed/", follows.FeedView.as_view(), name="feed"),
    path("notifications/", notifications.NotificationListView.as_view(), name="notifications"),
    path("notifications/unread-count/", notifications.UnreadCountView.as_view(), name="notifications-unread-count"),
    path("notifications/read-all/", notifications.NotificationsReadAllView.as_view(), name="notifications-read-all"),
    path("notifications/settings/", notifications.NotificationSettingsView.as_view(), name="notification-settings"),
    path("notifications/<id:notification_id>/read/", notifications.NotificationReadView.as_view(),
         name="notification-read"),
    path(P + "invitations/", invitations.ProjectInvitationsView.as_view(), name="project-invitations"),
    path(P + "invitable-members/", invitations.InvitableMembersView.as_view(), name="project-invitable-members"),
    path("invitations/", invitations.MyInvitationsView.as_view(), name="invitations"),
    path("invitations/<id:invitation_id>/accept/", invitations.InvitationAnswerView.as_view(accept=True),
         name="invitation-accept"),
    path("invitations/<id:invitation_id>/decline/", invitations.InvitationAnswerView.as_view(accept=False),
         name="invitation-decline"),
    path("alliances/<id:alliance_id>/synthesis/", synthesis.SynthesisView.as_view(), name="alliance-synthesis"),
    path("alliances/<id:alliance_id>/pipeline/", synthesis.PipelineView.as_view(), name="alliance-pipeline"),
    path("alliances/<id:alliance_id>/schools/", alliance_schools.AllianceSchoolsView.as_view(),
         name="alliance-schools"),
    path("alliances/<id:alliance_id>/schools/import/", alliance_schools.AllianceSchoolsImportView.as_view(),
         name="alliance-schools-import"),
    path("alliances/<id:alliance_id>/import-aliases/", import_aliases.ImportAliasesView.as_view(),
         name="alliance-import-aliases"),
    path("alliances/<id:alliance_id>/import-aliases/<id:alias_id>/", import_aliases.ImportAliasDetailView.as_view(),
         name="alliance-import-alias"),
    path("alliances/<id:alliance_id>/import-settings/", import_aliases.ImportSettingsView.as_view(),
         name="alliance-import-settings"),
    *router.urls,
    # Anything else under /api/ answers JSON, never Django's HTML 404 page.
    re_path(r"^[\s\S]*$", auth.api_not_found),  # [\s\S]: even a path holding a newline
]
