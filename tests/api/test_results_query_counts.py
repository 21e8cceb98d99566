"""Warm (cached) results and chart requests: a small, pinned number of queries, whatever the row count.

A warm request still reads the project and the fingerprint's inputs (uploads, measures) to know
whether the cache entry is current; it never reads outcome rows. Each request is made as a freshly
loaded user, as a real request would be, so nothing cached on the user object hides a query.
"""
import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from .results_support import (chart_url, dissemination_project, freeze_for_outsiders, make_pupils, publish,
                              results_url, upload)

pytestmark = pytest.mark.django_db

# The project with its alliance and the viewer's place in its alliance and group (1), and its measures
# (1; folded into the same query they cost more to build than a round trip). The fingerprint reads
# nothing more (uploads bump the project's updated_at; a frozen view, its disclosed_at).
WARM_MEMBER = 1 + 1
WARM_ANONYMOUS = WARM_MEMBER  # the same query, with nobody to look for
NOT_MODIFIED_MEMBER = WARM_MEMBER  # a 304 needs the same fingerprint, and nothing else


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    return client


@pytest.fixture
def small_and_large(world, api):
    """Two projects: 20 outcome rows (10 + 10 pupils) and 200 rows (100 + 100), one upload each."""
    projects = {}
    for rows in (20, 200):
        project = dissemination_project(world, f"{rows} rows")
        half = rows // 2
        data = (make_pupils(half, group="intervention", start=0, base=20.0, step=0.3131)
                + make_pupils(half, group="comparison", start=5000, base=21.0, step=0.2917))
        upload(api(world.user("member")), project, data, "dissemination", world.measure)
        freeze_for_outsiders(project)
        projects[rows] = project
    return projects


@pytest.mark.parametrize("rows", [20, 200])
@pytest.mark.parametrize("role", ["member", "teacher"])
def test_warm_results_request(world, small_and_large, django_assert_num_queries, rows, role):
    # given the results asked for once (now cached)
    project = small_and_large[rows]
    user = world.user(role)
    assert client_for(user).get(results_url(project)).status_code == 200
    # when they are asked for again
    client = client_for(user)  # the user is loaded outside the count
    with django_assert_num_queries(WARM_MEMBER):
        response = client.get(results_url(project))
    # then they come from the cache in the same few queries for 20 rows as for 200
    assert response.status_code == 200
    assert response.json()["measures"][0]["descriptives"][-1]["n"] == rows // 2


@pytest.mark.parametrize("rows", [20, 200])
@pytest.mark.parametrize("fmt", ["svg", "csv"])
def test_warm_chart_request(world, small_and_large, django_assert_num_queries, rows, fmt):
    # given a chart drawn once
    project = small_and_large[rows]
    user = world.user("member")
    assert client_for(user).get(chart_url(project, "trajectory", fmt)).status_code == 200
    # when it is asked for again
    client = client_for(user)  # the user is loaded outside the count
    with django_assert_num_queries(WARM_MEMBER):
        response = client.get(chart_url(project, "trajectory", fmt))
    # then it is served from the cache in the same few queries, whatever the number of rows
    assert response.status_code == 200 and response.content


@pytest.mark.parametrize("rows", [20, 200])
def test_warm_request_for_a_published_project_as_anonymous(world, api, small_and_large, django_assert_num_queries,
                                                           rows):
    # given a published project's results, asked for once by an anonymous visitor
    project = small_and_large[rows]
    publish(api, world, project)
    assert client_for(None).get(results_url(project)).status_code == 200
    # when asked for again
    client = client_for(None)
    with django_assert_num_queries(WARM_ANONYMOUS):
        response = client.get(results_url(project))
    # then one query fewer (no alliance roles to read), and still no outcome rows read
    assert response.status_code == 200 and response.json()["view"] == "non-member"


@pytest.mark.parametrize("rows", [20, 200])
def test_not_modified_costs_no_more(world, small_and_large, django_assert_num_queries, rows):
    # given the ETag of a chart
    project = small_and_large[rows]
    user = world.user("member")
    tag = client_for(user).get(chart_url(project, "distribution", "svg"))["ETag"]
    # when it is revalidated
    client = client_for(user)  # the user is loaded outside the count
    with django_assert_num_queries(NOT_MODIFIED_MEMBER):
        response = client.get(chart_url(project, "distribution", "svg"), HTTP_IF_NONE_MATCH=tag)
    # then the 304 costs only the fingerprint's queries
    assert response.status_code == 304
