"""Attacks (issues 14 and 15) on what people outside a project can read, each written to fail if the
protection it tries is missing: the publication preview (who reads it; whether two previews subtract),
partner alliances (a partner's teacher sees the shared project and nothing else; ending a partnership
ends access at once, cached answers too; stale notifications), hubs (a hub lead sees no more of a
project than anyone outside its alliance), the evidence map (a finding suppressed below the minimum cell
size adds no pupils; a withdrawn one leaves the strand's chart data, cached or not) and the read-only rule.

Every pupil id and score here is synthetic.
"""
import pytest
from django.core.cache import cache

from research.models import Hub, Notification, ProjectMember
from research.models.choices import StageKind

from ..factories import UserFactory
from .findings_support import (POSITIVE, project_in_dissemination, publish, published_finding, spread, theme,
                               transition, unpublish, upload_scores, write_dissemination)

pytestmark = pytest.mark.django_db

FINAL_INTERVENTION = "desc:dissemination:intervention"
BASELINE_INTERVENTION = "desc:theory:intervention"


def preview_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/publication-preview/"


def cell(body: dict, name: str) -> dict:
    """A descriptive cell of the first measure, from results, a finding, or a preview."""
    body = body.get("finding", body)
    results = body.get("results", body)
    return next(c for c in results["measures"][0]["descriptives"] if c["cell"] == name)


@pytest.fixture
def scored(world, api):
    """A project in dissemination with scores (not a qualitative enquiry): baselines of 8 + 8 pupils,
    finals of 7 intervention pupils (the 8th has not sat the final test yet) and 8 comparison pupils."""
    project = project_in_dissemination(api, world, title="Worked examples")
    response = api(world.user("project_lead")).patch(f"/api/v1/projects/{project.pk}/", {"qualitative_enquiry": False},
                                                     format="json")
    assert response.status_code == 200, response.content
    upload_scores(api, world, project, world.measure, {"intervention": spread(40, 8, 10),
                                                       "comparison": spread(41, 8, 10)}, stage="theory")
    upload_scores(api, world, project, world.measure, {"intervention": spread(60, 7, 10),
                                                       "comparison": spread(50, 8, 10)})
    write_dissemination(api, world, project, findings="Secret-free findings.", conclusions="Concluded.")
    return project


# --- the publication preview ---------------------------------------------------------------------------------

def test_two_previews_either_side_of_an_upload_do_not_subtract_to_a_pupil(scored, world, api):
    lead = api(world.user("alliance_lead"))
    # given the alliance lead (outside the group: aggregates only) reads the preview
    first = lead.get(preview_url(scored))
    assert first.status_code == 200, first.content
    before = cell(first.json(), FINAL_INTERVENTION)
    assert before["n"] == 7
    # when the 8th intervention pupil's final score (73.25) is uploaded and the lead previews again
    upload_scores(api, world, scored, world.measure, {"intervention": [73.25]}, start=7)
    second = lead.get(preview_url(scored))
    assert second.status_code == 200, second.content
    after = cell(second.json(), FINAL_INTERVENTION)
    # then the two previews cannot be subtracted to give that pupil's score
    exposed = (isinstance(after["mean"], float) and isinstance(before["mean"], float)
               and after["n"] == 8 and abs(8 * after["mean"] - 7 * before["mean"] - 73.25) < 0.01)
    assert not exposed, "the second preview minus the first gives the new pupil's final score"


def test_only_whoever_may_publish_reads_the_preview(scored, world, api):
    # given a project in dissemination whose group-only data the preview draws on
    url = preview_url(scored)
    # then the other alliance's lead does not know it is there, and the group and teachers may not read it
    other = api(world.user("other")).get(url)
    assert other.status_code == 404 and "Worked examples" not in other.content.decode()
    for role in ("teacher", "member", "project_lead"):
        refused = api(world.user(role)).get(url)
        assert refused.status_code == 403, (role, refused.status_code)
        assert "desc:" not in refused.content.decode() and "Secret-free findings" not in refused.content.decode()
    assert api(None).get(url).status_code in (401, 403)
    # and the alliance lead and staff may
    assert api(world.user("alliance_lead")).get(url).status_code == 200
    assert api(world.user("staff")).get(url).status_code == 200


def test_a_partner_alliances_lead_cannot_preview_a_shared_project(world, api, partners):
    from research.services.projects import project_update

    from ..world import write_progress, write_theory

    # given A's theory project opened to alliance B (B's lead then sees it), then taken to dissemination
    project, lead = world.projects["theory"], world.user("project_lead")
    shared = api(lead).post(f"/api/v1/projects/{project.pk}/shares/", {"alliance": world.other_alliance.id},
                            format="json")
    assert shared.status_code == 201, shared.content
    write_theory(project, lead)
    assert transition(api, lead, project, "advance").status_code == 200
    project.refresh_from_db()
    project_update(actor=lead, project=project, qualitative_enquiry=True)
    write_progress(project, lead)
    assert transition(api, lead, project, "advance").status_code == 200
    assert api(world.user("other")).get(f"/api/v1/projects/{project.pk}/").status_code == 200
    # then B's lead may neither preview nor publish it (the owning alliance's lead publishes)
    refused = api(world.user("other")).get(preview_url(project))
    assert refused.status_code == 403 and "finding" not in refused.json()
    assert transition(api, world.user("other"), project, "publish").status_code in (403, 404)
    assert api(world.user("alliance_lead")).get(preview_url(project)).status_code == 200


def test_the_preview_shows_no_field_the_published_finding_does_not(scored, world, api):
    preview = api(world.user("alliance_lead")).get(preview_url(scored)).json()["finding"]
    publication = publish(api, world, scored)
    public = api(None).get(f"/api/v1/findings/{publication.slug}/").json()

    def paths(value, prefix=""):
        if isinstance(value, dict):
            return {p for k, v in value.items() for p in paths(v, f"{prefix}/{k}")} | {prefix}
        if isinstance(value, list):
            return {p for v in value for p in paths(v, f"{prefix}[]")} | {prefix}
        return {prefix}

    assert paths(preview) <= paths(public), sorted(paths(preview) - paths(public))
    assert cell(preview, FINAL_INTERVENTION) == cell(public, FINAL_INTERVENTION)


# --- partnerships and shared projects ---------------------------------------------------------------------

@pytest.fixture
def partners(world, api):
    proposal = api(world.user("alliance_lead")).post("/api/v1/partnerships/", {
        "alliance": world.alliance.id, "partner": world.other_alliance.id}, format="json").json()
    assert api(world.user("other")).post(f"/api/v1/partnerships/{proposal['id']}/accept/").status_code == 200
    return proposal["id"]


def partner_teacher(world):
    return world.other_projects["published"].memberships.exclude(user=world.user("other")).first().user


def alliance_a_routes(world) -> list[str]:
    """Every list and detail route about alliance A and its projects (other than a shared one)."""
    a = world.alliance.id
    routes = [f"/api/v1/alliances/{a}/{suffix}" for suffix in (
        "", "synthesis/", "pipeline/", "schools/", "import-aliases/", "import-settings/",
        "charts/forest.svg", "charts/forest.csv", "charts/pipeline.json", "charts/collaboration.csv")]
    routes += ["/api/v1/projects/?page_size=100", "/api/v1/feed/", "/api/v1/findings/", "/api/v1/notifications/",
               "/api/v1/invitations/", "/api/v1/hubs/"]
    for status, project in world.projects.items():
        base = f"/api/v1/projects/{project.pk}/"
        routes += [base + suffix for suffix in (
            "", "transitions/", "plan-snapshots/", "stages/", "stages/theory/", "members/", "join-requests/",
            "evidence/", "outcome-uploads/", "outcomes/", "outcomes/?format=csv", "pupil-row-reads/", "results/",
            "charts/trajectory.svg", "charts/trajectory.csv", "invitations/", "invitable-members/", "shares/",
            "publication-preview/")]
    return routes


def snapshot(client, routes) -> dict:
    out = {}
    for route in routes:
        response = client.get(route)
        body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
        out[route] = (response.status_code, body if response.status_code == 200 else b"")
    return out


def test_a_partner_teacher_sees_the_shared_project_and_nothing_else_of_the_other_alliance(world, api):
    teacher, theory = partner_teacher(world), world.projects["theory"]
    routes = [r for r in alliance_a_routes(world) if f"/projects/{theory.pk}/" not in r
              and r not in ("/api/v1/projects/?page_size=100", "/api/v1/notifications/", "/api/v1/feed/")]
    # given what B's teacher gets from every route of alliance A with no partnership
    cache.clear()
    alone = snapshot(api(teacher), routes)
    # when A and B become partners and A's theory project is opened to B, and the teacher joins it
    proposal = api(world.user("alliance_lead")).post("/api/v1/partnerships/", {
        "alliance": world.alliance.id, "partner": world.other_alliance.id}, format="json").json()
    assert api(world.user("other")).post(f"/api/v1/partnerships/{proposal['id']}/accept/").status_code == 200
    assert api(world.user("project_lead")).post(f"/api/v1/projects/{theory.pk}/shares/",
                                                {"alliance": world.other_alliance.id}, format="json").status_code == 201
    ProjectMember.objects.create(project=theory, user=teacher,
                                 school=teacher.memberships.get(alliance=world.other_alliance).school)
    cache.clear()
    partnered = snapshot(api(teacher), routes)
    # then every other route answers exactly as before, status and body, but for the alliance's pipeline and
    # collaboration charts, which now count the shared project (and its schools) and nothing more
    counting = {f"/api/v1/alliances/{world.alliance.id}/{s}" for s in (
        "pipeline/", "charts/pipeline.json", "charts/collaboration.csv")}
    changed = {r: (alone[r][0], partnered[r][0]) for r in routes if alone[r] != partnered[r] and r not in counting}
    assert changed == {}
    pipeline = api(teacher).get(f"/api/v1/alliances/{world.alliance.id}/pipeline/").json()["statuses"]
    assert {k: v for k, v in pipeline.items() if v} == {"theory": 1, "published": 1}
    schools = api(teacher).get(f"/api/v1/alliances/{world.alliance.id}/charts/collaboration.csv").content.decode()
    for school in ("A school 0",):  # the alliance lead's and teacher's school: in no shared project's group
        assert school not in schools
    # and the project list adds the shared project only
    listed = {p["id"] for p in api(teacher).get("/api/v1/projects/", {"page_size": 100}).json()["results"]}
    a_projects = {p.pk for p in world.projects.values()}
    assert listed & a_projects == {theory.pk, world.projects["published"].pk}


def test_a_partner_alliances_lead_gets_no_lead_rights_over_the_shared_project(world, api, partners):
    theory = world.projects["theory"]
    lead_b = api(world.user("other"))
    assert api(world.user("project_lead")).post(f"/api/v1/projects/{theory.pk}/shares/",
                                                {"alliance": world.other_alliance.id}, format="json").status_code == 201
    base = f"/api/v1/projects/{theory.pk}/"
    # B's lead reads it as a teacher would, but not the pupil-row audit, the group's rows, nor lead actions
    assert lead_b.get(base).status_code == 200
    assert lead_b.get(base + "pupil-row-reads/").status_code in (403, 404)
    assert lead_b.get(base + "outcomes/").status_code == 404
    asked = api(partner_teacher(world)).post(base + "join-requests/", {"message": "Me too."}, format="json")
    assert asked.status_code == 201, asked.content
    requests = lead_b.get(base + "join-requests/")
    assert requests.status_code in (200, 403, 404) and "Me too." not in requests.content.decode()
    assert lead_b.post(base + f"join-requests/{asked.json()['id']}/approve/").status_code in (403, 404)
    assert lead_b.patch(base, {"title": "Taken over"}, format="json").status_code in (403, 404)
    assert transition(api, world.user("other"), theory, "withdraw").status_code in (403, 404)
    assert lead_b.post(base + "invitations/", {"user": world.user("teacher").pk}, format="json").status_code in (
        403, 404)
    theory.refresh_from_db()
    assert theory.title != "Taken over" and theory.status == "theory"


def test_ending_a_partnership_ends_access_at_once_cached_answers_and_etags_too(world, api, partners):
    teacher, theory = partner_teacher(world), world.projects["theory"]
    assert api(world.user("project_lead")).post(f"/api/v1/projects/{theory.pk}/shares/",
                                                {"alliance": world.other_alliance.id}, format="json").status_code == 201
    client = api(teacher)
    urls = [f"/api/v1/projects/{theory.pk}/{s}" for s in ("", "results/", "charts/trajectory.csv", "stages/")]
    # given the partner teacher has read (and the server cached) the shared project's answers, with ETags
    tags = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        tags[url] = response.get("ETag")
    # when the partnership ends
    assert api(world.user("alliance_lead")).post(f"/api/v1/partnerships/{partners}/end/").status_code == 200
    # then nothing answers from a cache or with 304: every route is a 404
    for url in urls:
        again = client.get(url, HTTP_IF_NONE_MATCH=tags[url] or '"x"')
        assert again.status_code == 404, (url, again.status_code)
        assert theory.title not in again.content.decode()


def test_after_a_partnership_ends_the_partner_is_told_nothing_more(world, api, partners):
    teacher, theory = partner_teacher(world), world.projects["theory"]
    assert api(world.user("project_lead")).post(f"/api/v1/projects/{theory.pk}/shares/",
                                                {"alliance": world.other_alliance.id}, format="json").status_code == 201
    followed = api(teacher).post("/api/v1/follows/", {"kind": "project", "target_id": theory.pk}, format="json")
    assert followed.status_code == 201, followed.content
    assert api(world.user("other")).post(f"/api/v1/partnerships/{partners}/end/").status_code == 200
    # when the project moves on
    before = Notification.objects.filter(recipient=teacher).count()
    from ..world import write_theory
    write_theory(theory, world.user("project_lead"))
    moved = transition(api, world.user("project_lead"), theory, "advance")
    assert moved.status_code == 200, moved.content
    # then the former partner's teacher hears nothing of it, and their feed no longer shows it
    assert Notification.objects.filter(recipient=teacher).count() == before
    feed = api(teacher).get("/api/v1/feed/")
    assert feed.status_code == 200 and theory.title not in feed.content.decode()


def test_after_leaving_the_alliance_old_notifications_and_invitations_open_nothing(world, api):
    from research.models import Membership
    from research.services.memberships import membership_end

    member, theory, lead = world.user("member"), world.projects["theory"], world.user("project_lead")
    proposed = world.projects["proposed"]
    assert api(lead).post(f"/api/v1/projects/{proposed.pk}/invitations/", {"user": world.user("teacher").pk},
                          format="json").status_code == 201
    # given the member was told of their projects (a stage moved on) and may read their pupil rows
    from ..world import write_theory
    write_theory(theory, lead)
    assert transition(api, lead, theory, "advance").status_code == 200
    links = list(Notification.objects.filter(recipient=member).values_list("link", flat=True))
    assert any(f"/projects/{theory.pk}/" in link for link in links)
    assert api(member).get(f"/api/v1/projects/{theory.pk}/outcomes/").status_code == 200
    # when their place in the alliance ends (and the invited teacher's too)
    membership_end(actor=world.user("staff"), membership=Membership.objects.get(user=member, alliance=world.alliance))
    membership_end(actor=world.user("staff"),
                   membership=Membership.objects.get(user=world.user("teacher"), alliance=world.alliance))
    # then (as they sign in again: a fresh user object, as every request loads) every project their old
    # notifications link to is closed to them, rows and all
    member = type(member).objects.get(pk=member.pk)
    for project in (theory, world.projects["progress"], world.projects["dissemination"]):
        for suffix in ("", "outcomes/", "results/", "evidence/", "members/"):
            response = api(member).get(f"/api/v1/projects/{project.pk}/{suffix}")
            assert response.status_code == 404, (project.status, suffix, response.status_code)
    # and the invitation lists nothing and opens nothing
    teacher = api(type(member).objects.get(pk=world.user("teacher").pk))
    assert teacher.get("/api/v1/invitations/").json() == []
    assert not ProjectMember.objects.filter(project=proposed, user=world.user("teacher")).exists()


def test_the_stricter_minimum_cell_size_withholds_a_cell_of_a_shared_projects_results(world, api, partners):
    from research.models import Alliance

    # given alliance B's minimum of 9 (A's is 6), and A's theory project opened to B
    project = world.projects["theory"]
    Alliance.objects.filter(pk=world.other_alliance.pk).update(min_cell_size=9)
    assert api(world.user("project_lead")).post(f"/api/v1/projects/{project.pk}/shares/",
                                                {"alliance": world.other_alliance.id}, format="json").status_code == 201
    # when baselines of 7 + 7 pupils are uploaded (cells A's minimum would show) and a view is frozen
    upload_scores(api, world, project, world.measure, {"intervention": spread(40, 7, 10),
                                                       "comparison": spread(45, 7, 10)}, stage="theory")
    assert transition(api, world.user("project_lead"), project, "withdraw").status_code == 200
    # then A's teachers outside the group see neither cell (B's minimum applies)
    body = api(world.user("teacher")).get(f"/api/v1/projects/{project.pk}/results/").json()
    for name in (BASELINE_INTERVENTION, "desc:theory:comparison"):
        assert cell(body, name)["n"] == "c" and cell(body, name)["mean"] == "c", cell(body, name)


# --- hubs ---------------------------------------------------------------------------------------------------

def test_a_hub_lead_sees_no_more_of_any_project_than_someone_in_no_alliance(world, api):
    hub = Hub.objects.create(name="North hub", slug="north")
    hub.alliances.set([world.alliance, world.other_alliance])
    hub_lead, nobody = UserFactory(username="hub.lead"), UserFactory(username="nobody")
    hub.leads.add(hub_lead)
    routes = [r for r in alliance_a_routes(world) if r not in ("/api/v1/hubs/",)]
    cache.clear()
    as_lead = snapshot(api(hub_lead), routes)
    cache.clear()
    as_nobody = snapshot(api(nobody), routes)
    assert {r: (as_nobody[r][0], as_lead[r][0]) for r in routes if as_lead[r] != as_nobody[r]} == {}
    # (and pupil rows of the published project are as closed to the hub lead as to anyone)
    assert as_lead[f"/api/v1/projects/{world.projects['published'].pk}/outcomes/"][0] == 404


def test_a_hub_pool_minus_a_public_finding_does_not_give_an_unpublished_projects_figures(world, api):
    from research.models import EffectSummary

    hub = Hub.objects.create(name="North hub", slug="north")
    hub.alliances.set([world.alliance, world.other_alliance])
    hub_lead = UserFactory(username="hub.lead")
    hub.leads.add(hub_lead)
    # given B's published finding (its figures public) and A's project at the progress stage (figures not public)
    public, secret = world.other_projects["published"], world.projects["progress"]
    for project, g, variance, n in ((public, 0.10, 0.02, 60), (secret, 0.15, 0.03, 44)):
        EffectSummary.objects.update_or_create(
            project=project, measure=project.measures.first(),
            defaults={"measure_kind": "attainment", "g": g, "variance": variance, "n": n, "usable": True,
                      "min_cell_size": project.alliance.min_cell_size})
    body = api(hub_lead).get(f"/api/v1/hubs/{hub.id}/synthesis/", {"method": "dl"}).json()
    group = next(g for g in body["groups"] if g["measure_kind"] == "attainment")
    # when the hub lead subtracts the public finding from the pool (tau2 = 0: the pool is inverse-variance)
    recovered = {"n": group["pupils"] - 60}
    if group["g"] is not None and group["se"] and not group["tau2"]:
        v = 1 / (1 / group["se"] ** 2 - 1 / 0.02)
        recovered |= {"variance": round(v, 4), "g": round((group["g"] / group["se"] ** 2 - 0.10 / 0.02) * v, 4)}
    # then the unpublished project's own figures do not come out (it is not pooled: the hub pools published
    # findings only, so this pool is the public finding alone, and withheld as a pool of one)
    assert recovered != {"n": 44, "variance": 0.03, "g": 0.15}, recovered
    assert group["k"] == 1 and group["g"] is None and group["pupils"] == 60 and recovered["n"] != 44


# --- notifications and invitations --------------------------------------------------------------------------

def test_nobody_reads_or_answers_another_persons_inbox_or_invitation(world, api):
    theory = world.projects["theory"]
    invited = api(world.user("project_lead")).post(f"/api/v1/projects/{theory.pk}/invitations/",
                                                   {"user": world.user("teacher").pk}, format="json")
    assert invited.status_code == 201, invited.content
    invitation_id = invited.json()["id"]
    mine = Notification.objects.filter(recipient=world.user("teacher")).latest("pk")
    for role in ("member", "alliance_lead", "staff", "other"):
        client = api(world.user(role))
        assert client.post(f"/api/v1/notifications/{mine.pk}/read/").status_code == 404, role
        assert mine.pk not in {n["id"] for n in client.get("/api/v1/notifications/").json()["results"]}
        assert client.post(f"/api/v1/invitations/{invitation_id}/accept/").status_code in (403, 404), role
        assert invitation_id not in {i["id"] for i in client.get("/api/v1/invitations/").json()}
    mine.refresh_from_db()
    assert mine.read_at is None
    assert not ProjectMember.objects.filter(project=theory, user__in=[world.user(r) for r in ("alliance_lead", "staff",
                                                                                               "other")]).exists()


def test_no_notification_quotes_scores_or_pupil_ids(scored, world, api):
    publish(api, world, scored)
    for note in Notification.objects.all():
        text = f"{note.text} {note.link}"
        assert "I00000" not in text and "C00000" not in text and "60.0" not in text, text


# --- the evidence map ----------------------------------------------------------------------------------------

def test_a_finding_suppressed_below_the_minimum_cell_adds_no_pupils_or_effect_to_the_map(world, api):
    cache.clear()
    oracy = theme("oracy", "Oracy")
    published_finding(api, world, cells=POSITIVE, title="Talk big", themes=[oracy])
    # given a finding with groups of 4 and 5 pupils (below the minimum of 6)
    _, small = published_finding(api, world, cells={"intervention": spread(70, 4), "comparison": spread(50, 5)},
                                 title="Talk small", themes=[oracy])
    strand = api(None).get("/api/v1/evidence-map/oracy--attainment--ks2/").json()
    row = next(r for r in strand["rows"] if r["slug"] == small.slug)
    # then it is counted, but pools nothing and adds no pupils
    assert row["g"] is None and row["n"] is None and row["pooled"] is False
    assert strand["pupils"] == 40 and strand["findings"] == 2
    for fmt in ("csv", "json"):
        data = api(None).get(f"/api/v1/evidence-map/oracy--attainment--ks2/charts/forest.{fmt}").content.decode()
        assert ",9," not in data and '"n": 9' not in data


def test_a_withdrawn_finding_leaves_the_strand_charts_data_even_with_the_old_etag(world, api):
    cache.clear()
    oracy = theme("oracy", "Oracy")
    project, first = published_finding(api, world, cells=POSITIVE, title="Talk first", themes=[oracy])
    published_finding(api, world, cells=POSITIVE, title="Talk second", themes=[oracy])
    url = "/api/v1/evidence-map/oracy--attainment--ks2/charts/forest.csv"
    before = api(None).get(url)
    assert before.status_code == 200 and "Talk first" in before.content.decode()
    unpublish(api, world, project)
    after = api(None).get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and "Talk first" not in after.content.decode()
    assert first.slug not in api(None).get("/api/v1/evidence-map/oracy--attainment--ks2/").content.decode()


# --- read-only after publication ----------------------------------------------------------------------------

def test_no_route_changes_a_published_findings_writing_or_data(scored, world, api):
    base = f"/api/v1/projects/{scored.pk}/"
    lead, member = api(world.user("project_lead")), api(world.user("member"))
    note = member.post(base + "evidence/", {"stage": "dissemination", "kind": "other", "title": "Public note",
                                            "visibility": "public", "text": "As written."}, format="json")
    assert note.status_code == 201, note.content
    publication = publish(api, world, scored)
    upload = scored.outcome_uploads.first()
    attempts = [
        (lead, "patch", base, {"title": "Rewritten", "revision_reason": "x"}),
        (lead, "patch", base, {"research_question": "Rewritten?", "revision_reason": "x"}),
        (lead, "patch", base, {"success_criteria": [], "revision_reason": "x"}),
        (lead, "patch", base, {"qualitative_enquiry": True}),
        (api(world.user("alliance_lead")), "patch", base, {"rationale": "Rewritten", "revision_reason": "x"}),
        (member, "patch", base + "stages/dissemination/", {"findings": "Rewritten"}),
        (member, "patch", base + "stages/theory/", {"agreed_question": "Rewritten"}),
        (member, "post", base + "evidence/", {"stage": "dissemination", "kind": "other", "title": "Rewritten",
                                               "visibility": "public", "text": "Rewritten"}),
        (member, "delete", base + f"outcome-uploads/{upload.pk}/", None),
        (member, "patch", base + f"evidence/{note.json()['id']}/", {"title": "Rewritten", "visibility": "group"}),
        (member, "delete", base + f"evidence/{note.json()['id']}/", None),
        (lead, "delete", base + f"evidence/{note.json()['id']}/", None),
        (lead, "patch", base, {"measures": [], "revision_reason": "x"}),
        (lead, "patch", base + "stages/progress/", {"key_learning": "Rewritten"}),
        (lead, "patch", base + "stages/theory/", {"session_date": "2025-10-01"}),
    ]
    for client, method, url, body in attempts:
        send = getattr(client, method)
        response = send(url, body, format="json") if body is not None else send(url)
        assert response.status_code in (403, 409), (url, body, response.status_code)
    public = api(None).get(f"/api/v1/findings/{publication.slug}/").content.decode()
    assert "Rewritten" not in public
    scored.refresh_from_db()
    assert scored.title == "Worked examples" and scored.stages.get(kind=StageKind.DISSEMINATION).findings != "Rewritten"
    assert scored.outcome_uploads.filter(pk=upload.pk).exists()
    assert [e["title"] for e in api(None).get(base + "evidence/").json()] == ["Public note"]


@pytest.mark.parametrize("how", ["partnership_ended", "share_closed", "left_own_alliance"])
def test_a_lapsed_partner_invitation_shows_nothing_of_the_project_it_no_longer_opens(world, api, partners, how):
    teacher, theory, lead = partner_teacher(world), world.projects["theory"], world.user("project_lead")
    assert api(lead).post(f"/api/v1/projects/{theory.pk}/shares/", {"alliance": world.other_alliance.id},
                          format="json").status_code == 201
    invited = api(lead).post(f"/api/v1/projects/{theory.pk}/invitations/", {"user": teacher.pk}, format="json")
    assert invited.status_code == 201, invited.content
    # when the project is no longer open to the teacher's alliance, and its lead then rewrites its draft question
    if how == "partnership_ended":
        assert api(world.user("other")).post(f"/api/v1/partnerships/{partners}/end/").status_code == 200
    elif how == "left_own_alliance":
        from research.models import Membership
        from research.services.memberships import membership_end

        membership_end(actor=world.user("staff"),
                       membership=Membership.objects.get(user=teacher, alliance=world.other_alliance))
    else:
        assert api(lead).delete(f"/api/v1/projects/{theory.pk}/shares/{world.other_alliance.id}/").status_code == 204
    assert api(lead).get(f"/api/v1/projects/{theory.pk}/").status_code == 200
    rewritten = api(lead).patch(f"/api/v1/projects/{theory.pk}/", {
        "title": "Secret new title", "research_question": "A secret new question?", "revision_reason": "x"},
        format="json")
    assert rewritten.status_code == 200, rewritten.content
    client = api(teacher)
    assert client.get(f"/api/v1/projects/{theory.pk}/").status_code == 404
    # then the invitation no longer lists it, and answering it neither joins nor tells the draft's new wording
    listed = client.get("/api/v1/invitations/")
    assert listed.status_code == 200 and invited.json()["id"] not in {i["id"] for i in listed.json()}
    assert "secret" not in listed.content.decode().lower()
    for action in ("decline", "accept"):
        answered = client.post(f"/api/v1/invitations/{invited.json()['id']}/{action}/")
        assert answered.status_code in (404, 409), (action, answered.status_code)
        assert "secret" not in answered.content.decode().lower()
    assert not ProjectMember.objects.filter(project=theory, user=teacher).exists()


def test_every_figure_of_a_strand_is_one_its_findings_publish(world, api):
    cache.clear()
    oracy = theme("oracy", "Oracy")
    made = [published_finding(api, world, cells=cells, title=f"Talk {i}", themes=[oracy])[1]
            for i, cells in enumerate((POSITIVE, {"intervention": spread(70, 9), "comparison": spread(50, 7)},
                                       {"intervention": spread(70, 4), "comparison": spread(50, 30)}))]
    strand = api(None).get("/api/v1/evidence-map/oracy--attainment--ks2/").json()
    assert {r["slug"] for r in strand["rows"]} == {p.slug for p in made}
    for row in strand["rows"]:
        finding = api(None).get(f"/api/v1/findings/{row['slug']}/")
        assert finding.status_code == 200
        published = [e for m in finding.json()["results"]["measures"] for e in (m["effects"] or {}).values()
                     if isinstance(e, dict)]
        if row["g"] is None:
            assert row["n"] is None and not row["pooled"]
        else:  # its g and n are the ones the finding publishes, as published
            assert any(e.get("g") == row["g"] and e.get("n") == row["n"] and e.get("public") is not False
                       for e in published), row
    # and the strand's pupils are the sum of those published n, nothing more
    assert strand["pupils"] == sum(r["n"] for r in strand["rows"] if r["pooled"])
    # a strand narrowed by a filter (phase, padlocks) is a subset of the same rows, never a new figure
    for query in ({"phase": "ks2"}, {"min_padlocks": 0}, {"theme": "oracy"}):
        narrowed = api(None).get("/api/v1/evidence-map/", query).json()["strands"]
        whole = {s["key"]: s for s in api(None).get("/api/v1/evidence-map/").json()["strands"]}
        assert all(s == whole[s["key"]] for s in narrowed), query
