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
