"""Issue 5: anonymous readers see published findings only, on every public path.

Drafts (a project in every status but published), a withdrawn finding (unpublished with a
reason, its project back in dissemination) and never-published projects are absent from the
list, search, filters and facets; a never-published address is 404; a withdrawn finding's page
shows only its withdrawal notice and its results, charts and files answer 410 finding_withdrawn.
"""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify

from research.models import Publication
from research.models.choices import Status

from ..world import ROLES
from .findings_support import (FINDINGS, POSITIVE, chart_names, chart_url, facet, file_url, finding_url,
                               project_in_dissemination, publish, published_finding, results_url, slugs, theme,
                               unpublish, upload_scores, uploader)

pytestmark = pytest.mark.django_db

WITHDRAWN_FINDINGS = "Quokkas counted faster after the number-line sessions."
WITHDRAWN_REASON = "One school's scores were entered twice."
DRAFT_FINDINGS = "Marmalade sandwiches helped nobody."


def add_public_file(api, world, project, name="handout.txt", content=b"Synthetic handout.\n"):
    response = api(uploader(world, project)).post(
        f"/api/v1/projects/{project.pk}/evidence/",
        {"stage": "dissemination", "kind": "other", "title": "Handout", "visibility": "public",
         "file": SimpleUploadedFile(name, content)}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def library(world, api):
    """The world's findings (A published, B published), one live finding with data, a withdrawn one, drafts."""
    _, live = published_finding(api, world, cells=POSITIVE, title="Spaced practice", subject="maths")
    # a draft in dissemination with findings written (never published)
    draft = world.projects[Status.DISSEMINATION]
    response = api(world.user("member")).patch(f"/api/v1/projects/{draft.pk}/stages/dissemination/",
                                               {"findings": DRAFT_FINDINGS}, format="json")
    assert response.status_code == 200
    # a finding published with data, a public file and themes, its charts drawn, then unpublished
    project = project_in_dissemination(api, world, title="Quokka numbers", question="Do quokkas count?",
                                       subject="arts", phase="ks3", academic_year="2023/24",
                                       themes=[theme("quokka-theme")])
    upload_scores(api, world, project, world.measure, POSITIVE)
    add_public_file(api, world, project)
    withdrawn = publish(api, world, project, findings=WITHDRAWN_FINDINGS)
    drawn = api(None).get(chart_url(withdrawn.slug, "effects", "svg"))
    assert drawn.status_code == 200
    unpublish(api, world, project, WITHDRAWN_REASON)
    withdrawn.refresh_from_db()
    return {"live": live, "withdrawn": withdrawn, "etag": drawn["ETag"],
            "published": set(Publication.objects.filter(status="published").values_list("slug", flat=True))}


def test_the_library_is_what_the_tests_think(library, world):
    # given the fixture / then three findings are live and the withdrawn one is withdrawn, its project a draft again
    assert library["published"] == {library["live"].slug, *(p.slug for p in Publication.objects.filter(
        project__in=[world.projects["published"], world.other_projects["published"]]))}
    assert len(library["published"]) == 3
    assert library["withdrawn"].status == "withdrawn"
    assert library["withdrawn"].project.status == Status.DISSEMINATION


def test_the_list_holds_published_findings_only_whoever_asks(library, world, api):
    # given drafts in every status, a withdrawn finding and three live ones
    for role in ROLES:
        # when anyone (anonymous or signed in, staff included) lists the findings
        response = api(world.user(role)).get(FINDINGS)
        # then exactly the live ones are listed; no draft title and nothing of the withdrawn one appears
        assert set(slugs(response)) == library["published"], role
        assert response.json()["count"] == 3, role
        body = response.content.decode()
        for status in Status.values:
            if status != Status.PUBLISHED:
                assert f"A {status}" not in body, (role, status)
        assert "Quokka" not in body and WITHDRAWN_FINDINGS not in body, role


def test_facets_count_published_findings_only(library, api):
    # given the withdrawn finding was arts / ks3 / 2023/24 / quokka-theme, and every draft is maths ks2
    # when the list is fetched anonymously
    response = api(None).get(FINDINGS)
    # then no facet has a value of the withdrawn finding, and each facet's counts add up to the 3 live ones
    assert facet(response, "subject") == {"maths": 3}
    assert facet(response, "phase") == {"ks2": 3}
    assert facet(response, "academic_year") == {"2025/26": 3}
    assert facet(response, "theme") == {}
    assert facet(response, "direction") == {"positive": 1, "not_estimated": 2}
    assert facet(response, "measure_kind") == {"attainment": 3}
    alliances = {row["label"]: row["count"] for row in response.json()["facets"]["alliance"]}
    assert alliances == {"Alliance A": 2, "Alliance B": 1}


@pytest.mark.parametrize("query", [
    {"search": "quokkas"}, {"search": "marmalade"}, {"subject": "arts"}, {"phase": "ks3"},
    {"academic_year": "2023/24"}, {"theme": "quokka-theme"}, {"search": "counted"},
])
def test_search_and_filters_never_reach_a_draft_or_a_withdrawn_finding(library, api, query):
    # given words and facet values that only drafts or the withdrawn finding have
    # when anonymous readers search or filter for them
    response = api(None).get(FINDINGS, query)
    # then nothing is found, and the facets count nothing
    assert slugs(response) == []
    assert all(rows == [] for rows in response.json()["facets"].values())


def test_search_over_words_drafts_share_finds_only_the_published(library, world, api):
    # given every world project asks "Does <status> work?", drafts included
    # when anonymous readers search for "work"
    response = api(None).get(FINDINGS, {"search": "work"})
    # then only the two published world projects come back (counted as 2 in the facets too)
    expected = set(Publication.objects.filter(project__in=[world.projects["published"],
                                                           world.other_projects["published"]])
                   .values_list("slug", flat=True))
    assert set(slugs(response)) == expected
    assert facet(response, "subject") == {"maths": 2}


def never_published(world) -> list[tuple[str, str]]:
    """(address a draft would have if it had been published, its title)."""
    drafts = [p for status, p in world.projects.items() if status != Status.PUBLISHED]
    drafts += [world.other_projects[Status.THEORY]]
    return [(f"{slugify(p.title)}-{p.pk}", p.title) for p in drafts] + [("no-such-finding", "no such")]


def test_never_published_addresses_are_404_on_every_path(library, world, api):
    # given the slugs a draft in every status (and one of alliance B) would have
    client = api(None)
    for slug, title in never_published(world):
        # when the detail, results, every chart in every format and a file are asked for
        paths = [finding_url(slug), results_url(slug, "csv"), results_url(slug, "json"), file_url(slug, 1)]
        paths += [chart_url(slug, name, fmt) for name in ("effects", "trajectory", "distribution", "gap")
                  for fmt in ("svg", "png", "json", "csv")]
        for path in paths:
            response = client.get(path)
            # then each is a JSON 404 that says nothing about the draft
            assert response.status_code == 404, path
            assert response.json()["code"] == "not_found", path
            assert title not in response.content.decode()


def test_a_withdrawn_finding_shows_only_its_withdrawal_notice(library, api):
    # given a finding unpublished with a reason
    withdrawn = library["withdrawn"]
    # when an anonymous reader opens its page
    response = api(None).get(finding_url(withdrawn.slug))
    # then it answers the notice: withdrawn, the reason, the title; no question, findings or results
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "withdrawn"
    assert data["withdrawn_reason"] == WITHDRAWN_REASON
    assert data["title"] == "Quokka numbers" and data["withdrawn_at"]
    assert data["newer_version"] is None
    assert set(data) == {"slug", "status", "title", "withdrawn_at", "withdrawn_reason", "newer_version", "detail"}
    body = response.content.decode()
    for hidden in (WITHDRAWN_FINDINGS, "Do quokkas count?", "descriptives", "Handout", "headline"):
        assert hidden not in body


def test_a_withdrawn_findings_results_charts_and_files_are_gone(library, api):
    # given a withdrawn finding whose effects chart was drawn (and cached with an ETag) while it was live
    withdrawn = library["withdrawn"]
    client = api(None)
    file_id = withdrawn.content["evidence"][0]["file"]["id"]
    paths = [results_url(withdrawn.slug, "csv"), results_url(withdrawn.slug, "json"),
             file_url(withdrawn.slug, file_id)]
    paths += [chart_url(withdrawn.slug, name, fmt) + (f"?measure={measure}" if measure else "")
              for name, measure in chart_names(withdrawn) for fmt in ("svg", "png", "json", "csv")]
    assert len(paths) == 3 + 4 * 4
    for path in paths:
        # when any of its parts is fetched
        response = client.get(path)
        # then it is 410 finding_withdrawn, with no data
        assert response.status_code == 410, path
        assert response.json()["code"] == "finding_withdrawn", path
        assert "Quokka" not in response.content.decode()
    # and a browser revalidating the chart it kept is told it is gone, not "not modified"
    response = client.get(chart_url(withdrawn.slug, "effects", "svg"), HTTP_IF_NONE_MATCH=library["etag"])
    assert response.status_code == 410
