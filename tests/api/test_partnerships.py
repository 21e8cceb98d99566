"""Partnerships between alliances (issue 15): one lead proposes, the other accepts or declines, either ends."""
import pytest

from research.models import Partnership
from research.selectors.partnerships import partner_alliance_ids

from ..factories import AllianceFactory, SchoolFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/partnerships/"


def propose(api, world):
    response = api(world.user("alliance_lead")).post(URL, {"alliance": world.alliance.id,
                                                           "partner": world.other_alliance.id}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_partnership_is_proposed_accepted_and_ended_by_the_two_leads(world, api):
    # given alliance A's lead proposes a partnership to alliance B
    proposal = propose(api, world)
    assert proposal["status"] == "proposed" and proposal["partner"]["name"] == world.other_alliance.name
    assert partner_alliance_ids(alliance_id=world.alliance.id) == set()
    # when B's lead accepts
    accepted = api(world.user("other")).post(f"{URL}{proposal['id']}/accept/")
    # then it is active, and each alliance has the other as partner
    assert accepted.status_code == 200 and accepted.json()["status"] == "active"
    assert accepted.json()["answered_by"]["id"] == world.user("other").id
    assert partner_alliance_ids(alliance_id=world.alliance.id) == {world.other_alliance.id}
    assert partner_alliance_ids(alliance_id=world.other_alliance.id) == {world.alliance.id}
    # when A's lead ends it with a reason
    ended = api(world.user("alliance_lead")).post(f"{URL}{proposal['id']}/end/", {"reason": "The project is over."},
                                                  format="json")
    # then it is ended, kept as a record, and neither has a partner any more
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    assert ended.json()["end_reason"] == "The project is over."
    assert partner_alliance_ids(alliance_id=world.alliance.id) == set()
    assert api(world.user("member")).get(f"{URL}{proposal['id']}/").json()["status"] == "ended"
    # and it cannot be ended twice, nor accepted once ended
    assert api(world.user("other")).post(f"{URL}{proposal['id']}/end/").status_code == 409
    assert api(world.user("other")).post(f"{URL}{proposal['id']}/accept/").status_code == 409


def test_one_live_partnership_per_pair_in_either_direction(world, api):
    propose(api, world)
    # a second proposal from A, or one from B back to A, is refused while the first is live
    again = api(world.user("alliance_lead")).post(URL, {"alliance": world.alliance.id,
                                                        "partner": world.other_alliance.id}, format="json")
    back = api(world.user("other")).post(URL, {"alliance": world.other_alliance.id, "partner": world.alliance.id},
                                         format="json")
    assert again.status_code == back.status_code == 409 and back.json()["code"] == "partnership_exists"
    # and an alliance cannot partner itself
    itself = api(world.user("alliance_lead")).post(URL, {"alliance": world.alliance.id,
                                                         "partner": world.alliance.id}, format="json")
    assert itself.status_code == 400 and "partner" in itself.json()["errors"]
    assert Partnership.objects.count() == 1


def test_a_declined_proposal_can_be_made_again(world, api):
    proposal = propose(api, world)
    declined = api(world.user("other")).post(f"{URL}{proposal['id']}/decline/")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert partner_alliance_ids(alliance_id=world.alliance.id) == set()
    assert propose(api, world)["status"] == "proposed"


def test_people_outside_both_alliances_see_nothing(world, api):
    # given a proposal between A and B, and a lead of a third alliance
    proposal = propose(api, world)
    third = AllianceFactory()
    outsider = member_of(third, UserFactory(), SchoolFactory(), "lead")
    # then the outsider neither lists it nor reads, accepts or ends it
    assert api(outsider).get(URL).json()["count"] == 0
    for suffix, method in (("", "get"), ("accept/", "post"), ("end/", "post")):
        assert getattr(api(outsider), method)(f"{URL}{proposal['id']}/{suffix}").status_code == 404
    # while members of either alliance list it
    for role in ("member", "other"):
        assert [p["id"] for p in api(world.user(role)).get(URL).json()["results"]] == [proposal["id"]]
    # and unknown alliances are a 404
    missing = api(world.user("alliance_lead")).post(URL, {"alliance": world.alliance.id, "partner": 10**12},
                                                    format="json")
    assert missing.status_code == 404
