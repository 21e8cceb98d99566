"""Pinned query counts on every list and detail endpoint, and no N+1 (counts do not grow with rows).

Each request is made with a freshly loaded user, as a real request would be, so nothing cached
on a user object from an earlier request hides a query. Numbers are for a member of the
alliance (most reads) unless said otherwise; the comment beside each says what the queries are.
If a number changes, read the SQL printed by the failing assertion before updating it.
"""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from rest_framework.test import APIClient

from research.models import Evidence, JoinRequest, Project, ProjectMember, StageTransition, Theme
from research.services.projects import project_propose, project_update

from ..factories import AllianceFactory, MeasureFactory, SchoolFactory, ThemeFactory, UserFactory, member_of

# A list page's alliances, leads, themes, measures and schools: one statement on PostgreSQL, where a
# round trip costs more than the aggregation; five small queries elsewhere (research.selectors.projects).
PAGE_LOOKUPS = 1 if connection.vendor == "postgresql" else 5
pytestmark = pytest.mark.django_db

# Every project-scoped read starts with: the user's alliance roles (1, not for staff or
# anonymous) + the project with alliance and lead joined (1) + its themes, measures and members
# prefetched (3). PROJECT is that prefix for a signed-in non-staff user.
PROJECT = 1 + 1 + 3


def get_counted(user, url):
    """GET `url` as a freshly loaded `user`; the response and the SQL it ran."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, [query["sql"] for query in context.captured_queries]


def assert_queries(user, url, expected):
    response, queries = get_counted(user, url)
    assert len(queries) == expected, f"{url}: {len(queries)} queries, expected {expected}\n" + "\n".join(queries)
    return response


# --- pinned counts ------------------------------------------------------------------------------

def p(status, suffix=""):
    return lambda w: f"/api/v1/projects/{w.projects[status].id}/{suffix}"


PINNED = [
    # role, url, queries
    ("member", lambda w: "/api/v1/projects/", 1 + 2 + PAGE_LOOKUPS),  # roles, count + page, the page's lookups
    ("anonymous", lambda w: "/api/v1/projects/", 2 + PAGE_LOOKUPS),  # no roles to read
    ("staff", lambda w: "/api/v1/projects/", 2 + PAGE_LOOKUPS),  # staff sees all without reading roles
    # detail: + whatever the next step's guard reads (member ids come from the prefetched group)
    ("member", p("proposed"), PROJECT),  # accept has no guard
    ("member", p("declined"), PROJECT),  # no next step
    ("member", p("theory"), PROJECT + 2),  # theory stage, distinct schools (measures prefetched)
    ("member", p("progress"), PROJECT + 1),  # progress stage
    ("member", p("dissemination"), PROJECT + 1),  # dissemination stage
    ("member", p("published"), PROJECT),
    ("member", p("withdrawn"), PROJECT),
    ("anonymous", p("published"), 1 + 3),  # the project and its prefetches only
    ("member", p("published", "transitions/"), PROJECT + 1),  # transitions with actors
    ("member", p("progress", "stages/"), PROJECT + 1),
    ("member", p("progress", "stages/theory/"), PROJECT + 1),
    ("member", p("progress", "members/"), PROJECT),  # members come from the prefetch
    ("project_lead", p("theory", "join-requests/"), PROJECT + 1),  # requests with user and school
    ("teacher", p("theory", "join-requests/"), PROJECT + 1),  # only their own
    ("member", p("published", "evidence/"), PROJECT + 1),  # the evidence (visibility from the prefetch)
    ("teacher", p("published", "evidence/"), PROJECT + 1),
    ("anonymous", p("published", "evidence/"), 1 + 3 + 1),
    ("member", lambda w: f"/api/v1/projects/{w.projects['published'].id}/evidence/{w.evidence.id}/", PROJECT + 1),
    ("member", lambda w: f"/api/v1/projects/{w.projects['published'].id}/evidence/{w.evidence.id}/download/",
     PROJECT + 1),  # the evidence row; the file is read from storage, not the database
    ("member", p("progress", "plan-snapshots/"), PROJECT + 1),  # snapshots with their author
    ("anonymous", lambda w: "/api/v1/alliances/", 2),  # count + page
    ("anonymous", lambda w: f"/api/v1/alliances/{w.alliance.id}/", 1),
    ("anonymous", lambda w: "/api/v1/schools/", 2),
    ("anonymous", lambda w: f"/api/v1/schools/?alliance={w.alliance.id}", 2),
    ("anonymous", lambda w: f"/api/v1/schools/{w.alliance.schools.first().id}/", 1),
    ("anonymous", lambda w: "/api/v1/measures/", 2),
    ("anonymous", lambda w: f"/api/v1/measures/{w.measure.id}/", 1),
    ("anonymous", lambda w: "/api/v1/themes/", 1),  # not paginated
    ("anonymous", lambda w: f"/api/v1/themes/{Theme.objects.get(slug='feedback').id}/", 1),
    ("member", lambda w: "/api/v1/me/", 1),  # memberships with alliance and school
    ("anonymous", lambda w: "/api/v1/taxonomy/", 1),  # themes; the rest is fixed choices
]


@pytest.fixture
def pinned_world(world):
    """The world, with one piece of evidence of each visibility (one with a file) on the published project."""
    project = world.projects["published"]
    stage = project.stages.get(kind="theory")
    for visibility in ("group", "alliance"):
        Evidence.objects.create(stage=stage, kind="reading", title=visibility, link="https://example.org/",
                                uploader=world.user("member"), visibility=visibility)
    # Put in as it stood before publishing (a published project takes no new evidence).
    world.evidence = Evidence.objects.create(stage=stage, kind="pupil_work", title="public", visibility="public",
                                             uploader=world.user("member"), filename="work.txt", size=20,
                                             content_type="text/plain",
                                             file=SimpleUploadedFile("work.txt", b"A sample of writing."))
    return world


@pytest.mark.parametrize("role, url, expected", PINNED,
                         ids=[f"{role} {i}" for i, (role, _, _) in enumerate(PINNED)])
def test_pinned_query_count(pinned_world, role, url, expected):
    # given the world, when `role` reads the endpoint, then exactly `expected` queries run
    assert_queries(pinned_world.user(role), url(pinned_world), expected)


# The Foundation's read routes (issue 2). Later issues' routes (outcomes, results, synthesis...)
# are pinned by their own tests.
FOUNDATION_READS = {
    "api/v1/me/", "api/v1/taxonomy/",
    "api/v1/alliances/$", "api/v1/alliances/(?P<pk>[0-9]{1,18})/$",
    "api/v1/schools/$", "api/v1/schools/(?P<pk>[0-9]{1,18})/$",
    "api/v1/themes/$", "api/v1/themes/(?P<pk>[0-9]{1,18})/$",
    "api/v1/measures/$", "api/v1/measures/(?P<pk>[0-9]{1,18})/$",
    "api/v1/projects/$", "api/v1/projects/(?P<pk>[0-9]{1,18})/$",
    *(f"api/v1/projects/<id:project_id>/{suffix}" for suffix in (
        "transitions/", "plan-snapshots/", "stages/", "stages/<str:kind>/", "members/", "join-requests/",
        "evidence/", "evidence/<id:evidence_id>/", "evidence/<id:evidence_id>/download/")),
}


def read_routes() -> set[str]:
    """Every route of api/urls.py that answers GET."""
    from api import urls

    routes = set()
    for pattern in urls.urlpatterns:
        actions = getattr(pattern.callback, "actions", None)
        view_class = getattr(pattern.callback, "view_class", None)
        if (actions is not None and "get" in actions) or (view_class is not None and hasattr(view_class, "get")):
            routes.add("api/v1/" + str(pattern.pattern).lstrip("^"))
    return routes


def test_every_foundation_read_route_is_pinned(pinned_world):
    # given the Foundation's read routes, which the API still serves
    assert FOUNDATION_READS <= read_routes()
    # when each pinned URL is resolved to its route
    pinned = {resolve(url(pinned_world).split("?")[0]).route for _, url, _ in PINNED}
    # then every one of them has its count pinned above
    assert pinned == FOUNDATION_READS


# --- no N+1: counts do not grow with rows -------------------------------------------------------

def add_people(world, project, n=3):
    """n more members from n more schools, and n pending join requests."""
    for _ in range(n):
        user = member_of(world.alliance, UserFactory(), SchoolFactory())
        ProjectMember.objects.create(project=project, user=user, school=user.memberships.get().school)
        asker = member_of(world.alliance, UserFactory(), SchoolFactory())
        JoinRequest.objects.create(project=project, user=asker, school=asker.memberships.get().school)


def add_material(world, project, n=3):
    """n more themes, measures (each a plan revision once frozen), evidence rows and audit rows."""
    for i in range(n):
        project.themes.add(ThemeFactory())
        measure = MeasureFactory(alliance=world.alliance)
        project_update(actor=member_of(world.alliance, UserFactory(), SchoolFactory(), role="lead"),
                       project=project, measures=[*project.measures.all(), measure], revision_reason=f"r{i}")
        uploader = member_of(world.alliance, UserFactory(), SchoolFactory())
        for visibility in ("group", "alliance", "public"):
            Evidence.objects.create(stage=project.stages.get(kind="theory"), kind="observation", title=f"e{i}",
                                    text="Seen.", uploader=uploader, visibility=visibility)
        StageTransition.objects.create(project=project, action="note", from_status=project.status,
                                       to_status=project.status, actor=UserFactory(), comment="Audit row.")


PER_PROJECT = ["", "transitions/", "stages/", "stages/theory/", "members/", "join-requests/", "evidence/",
               "plan-snapshots/"]


@pytest.mark.parametrize("role", ["member", "project_lead", "teacher", "staff"])
def test_project_reads_do_not_grow_with_rows(world, role):
    # given the progress project (frozen plan) and a count of every read on it
    project = world.projects["progress"]
    urls = [f"/api/v1/projects/{project.id}/{suffix}" for suffix in PER_PROJECT]
    before = {url: len(get_counted(world.user(role), url)[1]) for url in urls}
    # when it gains members, schools, join requests, themes, measures, revisions, evidence, history
    add_people(world, project)
    add_material(world, project)
    after = {url: len(get_counted(world.user(role), url)[1]) for url in urls}
    # then every read runs the same number of queries
    assert after == before
    # and the rows really were there to be read
    response, _ = get_counted(world.user("member"), f"/api/v1/projects/{project.id}/evidence/")
    assert len(response.json()) == 9


def test_catalog_reads_do_not_grow_with_rows(world):
    # given a count of the catalogue reads
    member = world.user("member")
    urls = ["/api/v1/alliances/", "/api/v1/schools/", "/api/v1/measures/", "/api/v1/themes/", "/api/v1/me/",
            "/api/v1/taxonomy/"]
    before = {url: len(get_counted(member, url)[1]) for url in urls}
    # when there are more alliances (the member in each), schools, measures and themes
    for _ in range(4):
        alliance = AllianceFactory()
        member_of(alliance, member, SchoolFactory())
        MeasureFactory(alliance=alliance)
        ThemeFactory()
    after = {url: len(get_counted(member, url)[1]) for url in urls}
    # then the counts are the same, and /me/ lists all five memberships
    assert after == before
    assert len(get_counted(member, "/api/v1/me/")[0].json()["memberships"]) == 5


# --- the project list and its page size ---------------------------------------------------------

@pytest.fixture
def thirty_projects(world):
    """30 more proposals in alliance A, each with its own extra member, school, theme and measure."""
    teacher = world.user("teacher")
    made = []
    for i in range(30):
        theme = ThemeFactory()
        measure = MeasureFactory(alliance=world.alliance)
        project = project_propose(actor=teacher, alliance=world.alliance, title=f"Bulk {i:02d}",
                                  research_question="Does it help?", subject="maths", phase="ks2",
                                  academic_year="2025/26", themes=[theme], measures=[measure])
        colleague = member_of(world.alliance, UserFactory(), SchoolFactory())
        ProjectMember.objects.create(project=project, user=colleague, school=colleague.memberships.get().school)
        made.append(project)
    # distinct creation times, oldest first, so the order newest-first is known
    base = made[0].created_at
    for i, project in enumerate(made):
        Project.objects.filter(pk=project.pk).update(created_at=base + timedelta(minutes=i))
    return made


def test_the_list_count_does_not_grow_with_the_page_size(world, thirty_projects):
    # given 30 projects beyond the world's
    member = world.user("member")
    # when the list is read 5 and 30 at a time
    small, small_queries = get_counted(member, "/api/v1/projects/?page_size=5")
    large, large_queries = get_counted(member, "/api/v1/projects/?page_size=30")
    # then both pages are full and cost the same (pinned) number of queries
    assert (len(small.json()["results"]), len(large.json()["results"])) == (5, 30)
    assert len(small_queries) == len(large_queries) == 1 + 2 + PAGE_LOOKUPS
    # and each row carries its alliance, lead, schools, themes and measures without further queries
    row = next(r for r in large.json()["results"] if r["title"] == "Bulk 29")
    assert (len(row["schools"]), len(row["themes"]), len(row["measures"])) == (2, 1, 1)


def test_pages_are_newest_first_without_overlap_or_gaps(world, thirty_projects, api):
    # given 30 projects created one minute apart, when the list is read 5 at a time
    client = api(world.user("member"))
    seen, url = [], "/api/v1/projects/?page_size=5&search=Bulk"
    while url:
        page = client.get(url).json()
        seen += [row["title"] for row in page["results"]]
        url = page["next"]
    # then every project appears once, newest first
    assert seen == [f"Bulk {i:02d}" for i in reversed(range(30))]


def test_filters_and_search_do_not_add_queries_per_row(world, thirty_projects):
    # given 30 more projects, when the list is filtered by school, theme and status and searched
    member = world.user("member")
    school = thirty_projects[0].memberships.exclude(user=world.user("teacher")).get().school_id
    theme = thirty_projects[0].themes.get().slug
    for query in (f"school={school}", f"theme={theme}", "status=proposed&status=theory", "search=Bulk",
                  "ordering=title", "subject=maths&phase=ks2&academic_year=2025/26"):
        response, queries = get_counted(member, f"/api/v1/projects/?page_size=30&{query}")
        # then it is still roles + count + page + the per-page lookups (theme filter: +1 to look up the slug)
        expected = 1 + 2 + PAGE_LOOKUPS + (1 if query.startswith("theme=") else 0)
        assert len(queries) == expected, query + "\n" + "\n".join(queries)
        assert response.json()["count"] >= 1, query
