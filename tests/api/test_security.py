"""Headers and limits that protect every user: CSP, throttles on sign-in and uploads."""
import pytest
from rest_framework.test import APIClient

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_page_and_api_answer_carries_a_strict_csp(client):
    # when any page or API answer is fetched
    for url in ("/api/v1/taxonomy/", "/api/schema/", "/login/"):
        policy = client.get(url)["Content-Security-Policy"]
        # then scripts and styles come only from this origin, and nothing may frame it
        assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy, url
        assert "frame-ancestors 'none'" in policy


def test_api_docs_load_without_inline_script(client):
    # the docs page's start-up script is a file of its own, so the CSP needs no 'unsafe-inline' scripts
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert "script-src 'self';" in page["Content-Security-Policy"]
    html = page.content.decode()
    assert "<script>" not in html and "swagger-ui-bundle.js" in html


def test_sign_in_is_throttled_per_address(monkeypatch):
    # given a limit of 3 sign-in attempts a minute
    from api.throttles import SignInThrottle

    monkeypatch.setattr(SignInThrottle, "rate", "3/min", raising=False)
    UserFactory(username="guess", password="right-password")
    client = APIClient()
    # when a fourth password is tried within the minute
    codes = [client.post("/api/v1/auth/token/", {"username": "guess", "password": f"w{i}"}, format="json")
             .status_code for i in range(3)]
    refused = client.post("/api/v1/auth/token/", {"username": "guess", "password": "right-password"}, format="json")
    # then it is refused with 429 and a stable code, even with the right password
    assert codes == [400, 400, 400]
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"


def test_uploads_are_throttled_per_user(world, api, monkeypatch):
    # given a limit of 2 uploads an hour
    from api.throttles import UploadThrottle

    monkeypatch.setattr(UploadThrottle, "rate", "2/hour", raising=False)
    client = api(world.user("member"))
    url = f"/api/v1/projects/{world.projects['theory'].id}/evidence/"
    body = {"stage": "theory", "kind": "observation", "title": "Notes", "text": "Seen."}
    # when a third upload is sent within the hour
    codes = [client.post(url, body, format="json").status_code for _ in range(3)]
    # then it is refused, and reading the list is not limited
    assert codes == [201, 201, 429]
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/projects/?academic_year=20%0025/26", "/api/v1/findings/?search=a%00b",
                                 "/api/v1/projects/?theme=fe%00edback"])
def test_a_nul_character_in_the_query_is_400_not_500(client, url):
    response = client.get(url)
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_a_nul_character_in_json_is_400_and_nothing_is_created(world, api):
    from research.models import Project

    before = Project.objects.count()
    response = api(world.user("teacher")).post("/api/v1/projects/", {
        "alliance": world.alliance.id, "title": "t", "research_question": "q?", "subject": "maths", "phase": "ks2",
        "academic_year": "2025/26", "themes": ["a\u0000"]}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert "NUL" in response.json()["detail"] and Project.objects.count() == before


@pytest.mark.parametrize("url", ["/api/v1/projects/?member=99999999999999999999",
                                 "/api/v1/schools/?alliance=99999999999999999999",
                                 "/api/v1/findings/?alliance=99999999999999999999",
                                 "/api/v1/measures/?alliance=99999999999999999999"])
def test_an_id_too_large_for_the_database_is_400(client, url):
    response = client.get(url)
    assert response.status_code == 400 and response.json()["code"] == "invalid"


@pytest.mark.parametrize("url", ["/api/v1/projects/99999999999999999999/", "/api/v1/projects/99999999999999999999/stages/",
                                 "/api/v1/alliances/99999999999999999999/synthesis/"])
def test_a_path_id_too_large_is_a_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_delete_to_an_unknown_api_address_is_a_json_404_not_a_csrf_page(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("member"))
    response = client.delete("/api/v1/follows/-3708/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_address_with_control_characters_is_a_json_404(client):
    response = client.post("/api/v1/projects/%06W%021%09%0A/transitions/", {"action": "accept"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
