"""The project list's page details come two ways: one statement on PostgreSQL, five small queries
elsewhere. Both must give the same rows (names with capitals and accents sorted alike)."""
import pytest
from django.db import connection

from research.models import Project, School, Theme
from research.selectors import projects as selectors

from ..world import build_world

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("compares the PostgreSQL statement with the portable queries")


def test_one_statement_gives_the_rows_the_portable_queries_give(postgres_only, monkeypatch):
    # given a world of projects, one with two themes and schools whose names sort differently by case
    world = build_world()
    project = world.projects["theory"]
    project.themes.set([Theme.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]
                        for slug in ("oracy", "feedback")])
    School.objects.filter(pk__in=project.memberships.values("school_id")).update(name="école du Nord")
    page = list(selectors.project_list(user=world.user("member"), filters={}))
    # when the page's details are read both ways
    from_postgres = selectors.project_list_rows(page=page)
    monkeypatch.setattr(connection, "vendor", "portable")
    portable = selectors.project_list_rows(page=page)
    # then they are the same, row for row
    assert from_postgres == portable
    mine = next(row for row in from_postgres if row["id"] == project.pk)
    assert mine["themes"] == ["feedback", "oracy"] and mine["schools"] and mine["lead"]["username"]
    assert len(page) > 1 and Project.objects.filter(pk__in=[row["id"] for row in page]).count() == len(page)
