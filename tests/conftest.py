import pytest
from rest_framework.test import APIClient

from .world import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def api():
    """Returns an API client signed in as `user` (anonymous for None)."""

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    """Uploaded files go to a fresh folder per test, never the developer's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # PBKDF2 is slow by design; tests only need passwords that check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Results, charts and throttle counts never carry over from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
