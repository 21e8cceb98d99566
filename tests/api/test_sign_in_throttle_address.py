"""Sign-in throttles key on the real client address, and cover every sign-in door (issue 11, item 7).

X-Forwarded-For is believed only from proxies named in TRUSTED_PROXIES; the admin's sign-in form
shares the API's per-address limit (THROTTLE_SIGN_IN). The cache is cleared around every test
(tests/conftest.py), so counts never carry over.
"""
import random

import pytest
from django.test import Client, RequestFactory, override_settings
from rest_framework.test import APIClient

from api.throttles import SignInThrottle, client_address

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
ADMIN_LOGIN = "/admin/login/"
LIMIT = 10


@pytest.fixture(autouse=True)
def ten_a_minute(monkeypatch):
    # The documented default, pinned so the test does not depend on THROTTLE_SIGN_IN in the environment.
    monkeypatch.setattr(SignInThrottle, "rate", f"{LIMIT}/min", raising=False)


def random_address() -> str:
    return ".".join(str(random.randint(1, 254)) for _ in range(4))


def guess(client, password="wrong", **headers):
    """One password guess at the token endpoint, with these request headers."""
    return client.post(TOKEN, {"username": "guess", "password": password}, format="json", headers=headers)


@pytest.fixture
def guessable():
    return UserFactory(username="guess", password="right-password")


def test_a_fresh_forwarded_address_per_request_does_not_reset_the_count(guessable):
    # given no trusted proxy (the default): the peer's own address is the client address
    client = APIClient()
    # when 11 guesses each claim a new X-Forwarded-For
    codes = [guess(client, **{"X-Forwarded-For": random_address()}).status_code for _ in range(LIMIT + 1)]
    # then the 11th is refused all the same
    assert codes == [400] * LIMIT + [429]
    refused = guess(client, password="right-password", **{"X-Forwarded-For": random_address()})
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_each_forwarded_client_is_counted_on_its_own(guessable):
    # given the site behind a proxy at 127.0.0.1 (the test client's address), which appends the real client
    client = APIClient()
    alice, bob = "203.0.113.5", "198.51.100.7"
    # when one client uses up its guesses
    codes = [guess(client, **{"X-Forwarded-For": alice}).status_code for _ in range(LIMIT + 1)]
    # then that client is throttled, but another client behind the same proxy is not
    assert codes == [400] * LIMIT + [429]
    assert guess(client, **{"X-Forwarded-For": bob}).status_code == 400
    # and the throttled client cannot escape by prepending made-up addresses (the proxy appends the real one)
    assert guess(client, **{"X-Forwarded-For": f"{random_address()}, {alice}"}).status_code == 429


def test_the_admin_sign_in_form_is_throttled_with_a_clear_message(guessable):
    # given a staff account and a browser guessing its password at /admin/login/
    UserFactory(username="boss", password="right-password", is_staff=True)
    browser = Client()
    # when more guesses than the limit are posted, each claiming a new forwarded address
    codes = [browser.post(ADMIN_LOGIN, {"username": "boss", "password": f"w{i}"},
                          headers={"X-Forwarded-For": random_address()}).status_code for i in range(LIMIT)]
    refused = browser.post(ADMIN_LOGIN, {"username": "boss", "password": "right-password"})
    # then the form answered normally until the limit, then 429 with a message, even for the right password
    assert codes == [200] * LIMIT
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert "_auth_user_id" not in browser.session


def test_the_admin_form_and_the_api_share_one_count_per_address(guessable):
    # given guesses spread over the API and the admin form from one address
    for _ in range(LIMIT // 2):
        assert guess(APIClient()).status_code == 400
    for i in range(LIMIT - LIMIT // 2):
        assert Client().post(ADMIN_LOGIN, {"username": "guess", "password": f"w{i}"}).status_code == 200
    # then the next attempt through either door is refused
    assert guess(APIClient()).status_code == 429
    assert Client().post(ADMIN_LOGIN, {"username": "guess", "password": "x"}).status_code == 429


def test_opening_the_admin_sign_in_page_is_not_counted(guessable):
    # given many page loads (GET), then a real sign-in
    UserFactory(username="boss", password="right-password", is_staff=True)
    browser = Client()
    for _ in range(LIMIT + 2):
        assert browser.get(ADMIN_LOGIN).status_code == 200
    # then signing in still works
    assert browser.post(ADMIN_LOGIN, {"username": "boss", "password": "right-password"}).status_code == 302


def test_the_sign_in_page_itself_does_not_sign_in(guessable):
    # the frontend's /login/ is a page whose script signs in through the (throttled) API; a POST to it
    # is refused and signs nobody in
    browser = Client()
    response = browser.post("/login/", {"username": "guess", "password": "right-password"})
    assert response.status_code == 405
    assert "_auth_user_id" not in browser.session


# --- the one function that says who the client is --------------------------------------------

def request(remote="192.0.2.10", forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


@pytest.mark.parametrize("trusted, remote, forwarded, expected", [
    # no trusted proxies: the header is ignored
    ([], "192.0.2.10", "203.0.113.5", "192.0.2.10"),
    # the peer is not a trusted proxy: ignored
    (["10.0.0.1"], "192.0.2.10", "203.0.113.5", "192.0.2.10"),
    # the peer is trusted: the right-most address that is not a trusted proxy
    (["10.0.0.1"], "10.0.0.1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),
    # two proxies in a chain, one named by its network
    (["10.0.0.1", "172.16.0.0/12"], "10.0.0.1", "6.6.6.6, 203.0.113.5, 172.16.4.4", "203.0.113.5"),
    # the header missing, or holding only trusted proxies: the peer itself
    (["10.0.0.1"], "10.0.0.1", None, "10.0.0.1"),
    (["10.0.0.1"], "10.0.0.1", "10.0.0.1", "10.0.0.1"),
    # garbage where the client should be: not believed, the proxy's address is used
    (["10.0.0.1"], "10.0.0.1", "203.0.113.5, not-an-address", "10.0.0.1"),
    # IPv6, and an address written with a port
    (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
    (["10.0.0.1"], "10.0.0.1", "203.0.113.5:51234", "203.0.113.5"),
])
def test_client_address(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    assert client_address(request(remote, forwarded)) == expected


def test_a_mistyped_trusted_proxy_stops_the_start():
    # given TRUSTED_PROXIES with an entry that is not an address; when the settings load in a new process
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_DEBUG="1", TRUSTED_PROXIES="10.0.0.1, proxy.internal")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=Path(__file__).resolve().parents[2], env=env,
                            capture_output=True, text=True, timeout=120)
    # then it refuses, naming the entry, rather than quietly trusting nothing
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy.internal' is not an IP address or network" in result.stderr
