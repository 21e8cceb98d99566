"""Issue 5: following a project, a theme or an alliance, and the feed of what happened to them.

The feed lists status changes and publications of followed projects, themes and alliances,
newest first, and never anything of a project the reader may not see (another alliance's drafts).
"""
import pytest
from django.utils.dateparse import parse_datetime

from research.models import Alliance, Follow, Theme
from research.models.choices import Status

from ..factories import SchoolFactory, member_of
from ..world import person
from .findings_support import POSITIVE, project_in_dissemination, publish, theme, transition, unpublish, upload_scores

pytestmark = pytest.mark.django_db

FOLLOWS, FEED = "/api/v1/follows/", "/api/v1/feed/"


def follow(api, user, kind, target_id):
    return api(user).post(FOLLOWS, {"kind": kind, "target_id": target_id}, format="json")


def feed(api, user) -> list[dict]:
    response = api(user).get(FEED)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def feed_projects(api, user) -> set[int]:
    return {item["project"]["id"] for item in feed(api, user)}


def teacher_of_b(world):
    """A teacher of alliance B in no project (their own projects would be in their feed whatever they follow)."""
    return member_of(world.other_alliance, person("b_teacher"), SchoolFactory(name="B3"))


def test_following_a_project_a_theme_and_an_alliance(world, api):
    # given a teacher of alliance A
    teacher = world.user("teacher")
    feedback = Theme.objects.get(slug="feedback")
    targets = [("project", world.projects["theory"].pk), ("theme", feedback.pk), ("alliance", world.other_alliance.pk)]
    # when they follow a project of their alliance, a theme and another alliance
    responses = [follow(api, teacher, kind, target) for kind, target in targets]
    # then each is 201 and listed as theirs, newest first
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert [(r.json()["kind"], r.json()["target_id"]) for r in responses] == targets
    listed = api(teacher).get(FOLLOWS).json()
    assert [(row["kind"], row["target_id"]) for row in listed] == targets[::-1]
    # and nobody else's list shows them
    assert api(world.user("member")).get(FOLLOWS).json() == []


def test_following_twice_is_a_409(world, api):
    # given a followed alliance / when followed again
    assert follow(api, world.user("teacher"), "alliance", world.alliance.pk).status_code == 201
    again = follow(api, world.user("teacher"), "alliance", world.alliance.pk)
    # then 409 already_following, and one follow remains
    assert again.status_code == 409 and again.json()["code"] == "already_following"
    assert Follow.objects.filter(user=world.user("teacher")).count() == 1


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.PUBLISHED])
def test_a_project_the_user_cannot_see_cannot_be_followed(world, api, status):
    # given alliance A's project that is not published (invisible outside alliance A)
    project = world.projects[status]
    # when the lead of alliance B tries to follow it
    response = follow(api, world.user("other"), "project", project.pk)
    # then it does not exist for them (404, as everywhere), and nothing is stored
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert str(project.title) not in response.content.decode()
    assert not Follow.objects.exists()


def test_unknown_targets_and_kinds_are_refused(world, api):
    # given a signed-in teacher / when they follow things that do not exist or are not followable
    user = world.user("teacher")
    missing = [follow(api, user, kind, 999999) for kind in ("project", "theme", "alliance")]
    bad_kind = follow(api, user, "school", world.alliance.pk)
    # then 404 for a missing target, 400 for a kind that cannot be followed
    assert [r.status_code for r in missing] == [404, 404, 404]
    assert bad_kind.status_code == 400 and "kind" in bad_kind.json()["errors"]
    # and a published project of another alliance can be followed
    assert follow(api, user, "project", world.other_projects["published"].pk).status_code == 201


def test_anonymous_readers_cannot_follow_or_read_a_feed(world, api):
    # given no login / when following, listing follows, unfollowing or reading the feed
    client = api(None)
    responses = [client.post(FOLLOWS, {"kind": "alliance", "target_id": world.alliance.pk}, format="json"),
                 client.get(FOLLOWS), client.delete(f"{FOLLOWS}1/"), client.get(FEED)]
    # then each is 401
    assert [r.status_code for r in responses] == [401, 401, 401, 401]
    assert not Follow.objects.exists()


def test_unfollowing_is_for_the_follower_only(world, api):
    # given the teacher follows alliance A
    mine = follow(api, world.user("teacher"), "alliance", world.alliance.pk).json()["id"]
    # when someone else tries to remove it
    theirs = api(world.user("member")).delete(f"{FOLLOWS}{mine}/")
    # then 404, and it is still there
    assert theirs.status_code == 404 and Follow.objects.filter(pk=mine).exists()
    # when the teacher removes it / then 204, gone; a second time 404
    assert api(world.user("teacher")).delete(f"{FOLLOWS}{mine}/").status_code == 204
    assert not Follow.objects.filter(pk=mine).exists()
    assert api(world.user("teacher")).delete(f"{FOLLOWS}{mine}/").status_code == 404


def test_the_feed_of_a_followed_project_lists_its_changes_newest_first(world, api):
    # given a teacher following alliance A's project in theory
    project = world.projects["theory"]
    teacher = world.user("teacher")
    assert follow(api, teacher, "project", project.pk).status_code == 201
    before = feed(api, teacher)
    assert [(i["type"], i["action"], i["to_status"]) for i in before] == [("transition", "accept", "theory")]
    # when its lead moves it on to progress
    from ..world import write_theory
    write_theory(project, world.user("project_lead"))
    assert transition(api, world.user("project_lead"), project, "advance").status_code == 200
    # then the feed shows the advance first, then the accept, nothing of other projects
    items = feed(api, teacher)
    assert [(i["action"], i["to_status"]) for i in items] == [("advance", "progress"), ("accept", "theory")]
    assert {i["project"]["id"] for i in items} == {project.pk}
    ats = [parse_datetime(i["at"]) for i in items]
    assert ats == sorted(ats, reverse=True)


def test_a_followed_alliance_shows_only_what_the_reader_may_see(world, api):
    # given a teacher of alliance A following alliance B (a draft in theory and a published project)
    teacher = world.user("teacher")
    follow(api, teacher, "alliance", world.other_alliance.pk)
    # when they read their feed
    items = feed(api, teacher)
    # then only the published project's history and publication are there, never B's draft
    assert {i["project"]["id"] for i in items} == {world.other_projects["published"].pk}
    assert "B theory" not in str(items)
    publications = [i for i in items if i["type"] == "publication"]
    assert len(publications) == 1 and publications[0]["finding"].startswith("b-published")
    # while B's own lead, following the same alliance, also sees B's draft
    follow(api, world.user("other"), "alliance", world.other_alliance.pk)
    assert feed_projects(api, world.user("other")) == {p.pk for p in world.other_projects.values()}


def test_a_followed_theme_across_alliances_never_shows_another_alliances_drafts(world, api):
    # given alliance A projects with the theme "feedback": one published (with a finding), one a draft
    feedback = theme("feedback")
    published = project_in_dissemination(api, world, title="Feedback published", themes=[feedback])
    upload_scores(api, world, published, world.measure, POSITIVE)
    finding = publish(api, world, published)
    draft = project_in_dissemination(api, world, title="Feedback draft", themes=[feedback])
    # and a teacher of alliance B following the theme
    reader = teacher_of_b(world)
    assert follow(api, reader, "theme", feedback.pk).status_code == 201
    # when they read their feed
    items = feed(api, reader)
    # then the published project's transitions and its publication are there, newest first; the draft never
    assert {i["project"]["id"] for i in items} == {published.pk}
    assert items[0]["type"] in ("publication", "transition") and {"publication", "transition"} == {
        i["type"] for i in items}
    assert [i["finding"] for i in items if i["type"] == "publication"] == [finding.slug]
    assert "Feedback draft" not in str(items) and draft.pk not in feed_projects(api, reader)
    ats = [parse_datetime(i["at"]) for i in items]
    assert ats == sorted(ats, reverse=True)
    # and a teacher of alliance A following the theme sees both projects
    follow(api, world.user("teacher"), "theme", feedback.pk)
    assert feed_projects(api, world.user("teacher")) == {published.pk, draft.pk}


def test_an_unpublished_project_leaves_other_alliances_feeds(world, api):
    # given a teacher of alliance B following alliance A's published project
    project = project_in_dissemination(api, world, title="Soon unpublished")
    publish(api, world, project)
    reader = teacher_of_b(world)
    assert follow(api, reader, "project", project.pk).status_code == 201
    assert project.pk in feed_projects(api, reader)
    # when alliance A unpublishes it (back to a draft in dissemination)
    unpublish(api, world, project)
    # then nothing of it remains in their feed, while alliance A's teacher following it still sees it all
    assert feed(api, reader) == []
    follow(api, world.user("teacher"), "project", project.pk)
    items = feed(api, world.user("teacher"))
    assert items[0]["action"] == "unpublish" and not [i for i in items if i["type"] == "publication"]


def test_members_follow_their_own_projects_without_asking(world, api):
    # given the member of every alliance A project, following nothing
    member = world.user("member")
    assert not Follow.objects.filter(user=member).exists()
    # when they read their feed
    items = feed(api, member)
    # then every project of theirs that has moved is there, each item naming (and so linking) its project
    moved = {p.pk for status, p in world.projects.items() if status != Status.PROPOSED}
    assert feed_projects(api, member) == moved
    assert all(item["project"]["title"] for item in items)
    # and no project of another alliance's group is
    assert not feed_projects(api, member) & {p.pk for p in world.other_projects.values()}


def test_the_feed_is_empty_without_follows(world, api):
    # given a user who follows nothing / then their feed is empty, though projects changed
    assert feed(api, world.user("teacher")) == []
    assert Alliance.objects.count() == 2
