"""research.services.common.model_update: only the listed fields that changed are checked and written."""
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from research.models import JoinRequest, Project, Stage
from research.models.choices import JoinRequestStatus, StageKind
from research.services.common import model_update

from ..factories import MeasureFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def updates(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"')]


def set_columns(sql: str) -> set[str]:
    """The columns an UPDATE ... SET ... WHERE writes."""
    assignments = sql.split(" SET ", 1)[1].rsplit(" WHERE ", 1)[0]
    return set(re.findall(r'"(\w+)" = ', assignments))


def test_only_the_listed_fields_that_changed_are_written(world):
    # Given a project and a change of its title, with an unchanged subject sent alongside
    project = Project.objects.get(pk=world.projects["theory"].pk)
    before = project.updated_at
    # When updated with a field list that also names the rationale (not in the data)
    with CaptureQueriesContext(connection) as captured:
        project, changed = model_update(instance=project, fields=["title", "subject", "rationale"],
                                        data={"title": "A new title", "subject": project.subject})
    # Then one UPDATE writes the title and updated_at only
    written = updates(captured.captured_queries, "research_project")
    assert len(written) == 1
    assert set_columns(written[0]) == {"title", "updated_at"}
    assert changed == ["title"]
    stored = Project.objects.get(pk=project.pk)
    assert stored.title == "A new title" and stored.updated_at > before


def test_a_key_not_in_the_field_list_is_ignored(world):
    # Given data that also holds the status (which only research.lifecycle changes)
    project = Project.objects.get(pk=world.projects["theory"].pk)
    # When updated with a list that does not name it
    _, changed = model_update(instance=project, fields=["title"], data={"title": "Renamed", "status": "published"})
    # Then the status is untouched
    assert changed == ["title"]
    assert Project.objects.get(pk=project.pk).status == "theory"


def test_nothing_changed_means_no_query_at_all(world, django_assert_num_queries):
    # Given the values the project already has
    project = Project.objects.get(pk=world.projects["theory"].pk)
    updated_at = project.updated_at
    # When updated with them
    with django_assert_num_queries(0):
        _, changed = model_update(instance=project, fields=["title", "assumed_icc"],
                                  data={"title": project.title, "assumed_icc": project.assumed_icc})
    # Then nothing is saved
    assert changed == []
    assert Project.objects.get(pk=project.pk).updated_at == updated_at


def test_an_invalid_value_raises_and_nothing_is_saved(world):
    # Given an academic year the model's validator refuses
    project = Project.objects.get(pk=world.projects["theory"].pk)
    # When updated with it and a valid title
    with pytest.raises(ValidationError) as error:
        model_update(instance=project, fields=["title", "academic_year"],
                     data={"title": "Fine", "academic_year": "2025/27"})
    # Then the error names the field and neither value is stored
    assert list(error.value.message_dict) == ["academic_year"]
    stored = Project.objects.get(pk=project.pk)
    assert stored.academic_year == "2025/26" and stored.title != "Fine"


def test_a_choice_outside_the_choices_raises(world):
    project = Project.objects.get(pk=world.projects["theory"].pk)
    with pytest.raises(ValidationError) as error:
        model_update(instance=project, fields=["subject"], data={"subject": "alchemy"})
    assert "subject" in error.value.message_dict


def test_a_constraint_on_a_changed_field_is_checked(world):
    # Given an ICC the table's check constraint refuses
    project = Project.objects.get(pk=world.projects["theory"].pk)
    with pytest.raises(ValidationError):
        model_update(instance=project, fields=["assumed_icc"], data={"assumed_icc": 1.5})
    assert Project.objects.get(pk=project.pk).assumed_icc == 0.15


def test_unchanged_fields_are_not_validated(world):
    # Given a stored value that no longer passes its validator (written around the model)
    project = world.projects["theory"]
    Project.objects.filter(pk=project.pk).update(academic_year="2025-X")
    project = Project.objects.get(pk=project.pk)
    # When another field is updated
    _, changed = model_update(instance=project, fields=["title"], data={"title": "Still editable"})
    # Then the edit is saved: only what changed is checked
    assert changed == ["title"]
    assert Project.objects.get(pk=project.pk).title == "Still editable"


def test_a_field_the_model_does_not_have_is_a_programming_error(world):
    project = Project.objects.get(pk=world.projects["theory"].pk)
    with pytest.raises(ValueError):
        model_update(instance=project, fields=["colour"], data={"colour": "red"})


def test_foreign_keys_compare_by_primary_key(world, django_assert_num_queries):
    # Given a decided join request, updated with the same decider (as an object)
    project = world.projects["theory"]
    asker = world.user("teacher")
    request = JoinRequest.objects.create(project=project, user=asker, school=asker.memberships.get().school,
                                         status=JoinRequestStatus.DECLINED, decided_by=world.user("project_lead"))
    request = JoinRequest.objects.get(pk=request.pk)
    # Then nothing is read to compare and nothing written
    with django_assert_num_queries(0):
        _, changed = model_update(instance=request, fields=["decided_by"], data={"decided_by": world.user("project_lead")})
    assert changed == []
    # And a different decider is a change of decided_by_id only
    with CaptureQueriesContext(connection) as captured:
        _, changed = model_update(instance=request, fields=["decided_by"], data={"decided_by": world.user("alliance_lead")})
    assert changed == ["decided_by"]
    assert [set_columns(sql) for sql in updates(captured.captured_queries, "research_joinrequest")] == [{"decided_by_id"}]


def test_many_to_many_fields_change_by_their_difference_and_move_updated_at(world):
    # Given a project with one measure
    project = Project.objects.get(pk=world.projects["proposed"].pk)
    kept = list(project.measures.all())
    added = MeasureFactory(alliance=world.alliance)
    updated_at = project.updated_at
    # When the same set is given, nothing changes
    _, changed = model_update(instance=project, fields=["measures"], data={"measures": list(reversed(kept))})
    assert changed == []
    # When a measure is added
    with CaptureQueriesContext(connection) as captured:
        _, changed = model_update(instance=project, fields=["measures", "themes"],
                                  data={"measures": [*kept, added], "themes": []})
    # Then only the measures changed, no measure link was deleted, and updated_at moved (ETags follow it)
    assert changed == ["measures"]
    assert not [q for q in captured.captured_queries if q["sql"].startswith('DELETE FROM "research_project_measures"')]
    assert set(project.measures.values_list("pk", flat=True)) == {m.pk for m in kept} | {added.pk}
    written = updates(captured.captured_queries, "research_project")
    assert [set_columns(sql) for sql in written] == [{"updated_at"}]
    assert Project.objects.get(pk=project.pk).updated_at > updated_at


def test_many_to_many_accepts_primary_keys_and_removes_what_is_left_out(world):
    project = Project.objects.get(pk=world.projects["proposed"].pk)
    theme_a, theme_b = ThemeFactory(), ThemeFactory()
    project.themes.set([theme_a])
    _, changed = model_update(instance=project, fields=["themes"], data={"themes": [theme_b.pk]})
    assert changed == ["themes"]
    assert list(project.themes.all()) == [theme_b]


def test_without_auto_updated_at_only_the_changed_field_is_written(world):
    stage = Stage.objects.get(project=world.projects["theory"], kind=StageKind.THEORY)
    with CaptureQueriesContext(connection) as captured:
        _, changed = model_update(instance=stage, fields=["reading", "findings"], data={"reading": "Two papers."},
                                  auto_updated_at=False)
    assert changed == ["reading"]
    assert [set_columns(sql) for sql in updates(captured.captured_queries, "research_stage")] == [{"reading"}]


def test_project_update_writes_only_what_the_edit_changed(world):
    # Given the project lead renaming a project and sending its unchanged plan back (as a form does)
    project = world.projects["theory"]
    lead = world.user("project_lead")
    from research.services.projects import project_update

    with CaptureQueriesContext(connection) as captured:
        project_update(actor=lead, project=project, title="Renamed", research_question=project.research_question,
                       assumed_icc=project.assumed_icc, measures=list(project.measures.all()))
    # Then the project's UPDATE names the title and updated_at only
    assert [set_columns(sql) for sql in updates(captured.captured_queries, "research_project")] == [
        {"title", "updated_at"}]


def test_project_update_refuses_a_field_it_does_not_own(world):
    from research.services.projects import project_update

    with pytest.raises(TypeError):
        project_update(actor=world.user("project_lead"), project=world.projects["theory"], status="published")
