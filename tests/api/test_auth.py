"""Signing in: tokens for scripts, sessions (with CSRF) for the browser."""
import pytest
from rest_framework.test import APIClient

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_token_then_me():
    # given a teacher with a password
    UserFactory(username="t1", password="secret-pass")
    client = APIClient()
    # when they exchange it for a token and call /me/ with it
    token = client.post("/api/v1/auth/token/", {"username": "t1", "password": "secret-pass"}, format="json")
    me = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    # then /me/ knows who they are
    assert token.status_code == 200
    assert me.status_code == 200 and me.json()["username"] == "t1"


def test_wrong_token_is_401_with_code():
    # when a script sends a token that does not exist
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION="Token nope")
    # then it is told so, with a stable code
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_session_sign_in_needs_csrf_token_then_works():
    UserFactory(username="t2", password="secret-pass")
    client = APIClient(enforce_csrf_checks=True)
    credentials = {"username": "t2", "password": "secret-pass"}
    # when the browser signs in without the CSRF token
    refused = client.post("/api/v1/auth/session/", credentials, format="json")
    # then it is refused
    assert refused.status_code == 403
    # when it first fetches the cookie and sends it back as a header
    client.get("/api/v1/auth/session/")
    token = client.cookies["csrftoken"].value
    signed_in = client.post("/api/v1/auth/session/", credentials, format="json", HTTP_X_CSRFTOKEN=token)
    # then it is signed in, and /me/ answers from the session
    assert signed_in.status_code == 200
    assert client.get("/api/v1/me/").json()["username"] == "t2"
    # and signing out ends the session
    token = client.cookies["csrftoken"].value
    assert client.delete("/api/v1/auth/session/", HTTP_X_CSRFTOKEN=token).status_code == 204
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_session_wrong_password():
    UserFactory(username="t3", password="secret-pass")
    client = APIClient(enforce_csrf_checks=True)
    client.get("/api/v1/auth/session/")
    response = client.post("/api/v1/auth/session/", {"username": "t3", "password": "bad"}, format="json",
                           HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
