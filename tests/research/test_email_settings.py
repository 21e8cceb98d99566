"""Issue 14: email is printed to the console in development and sent by SMTP in production, configured from
the environment (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL)."""
import json

import pytest

from ..test_settings import PRODUCTION, manage

SHOW = ("import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n) for n in ("
        "'EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', "
        "'DEFAULT_FROM_EMAIL', 'SITE_URL')}))")


def email_settings(**env) -> dict:
    result = manage("shell", "-c", SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_development_prints_email_to_the_console():
    shown = email_settings(DJANGO_DEBUG="1")
    assert shown["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert shown["SITE_URL"] == "http://127.0.0.1:8000"


@pytest.mark.parametrize("tls", ["1", "0"])
def test_production_sends_by_smtp_with_the_environments_settings(tls):
    shown = email_settings(**PRODUCTION, EMAIL_HOST="smtp.example.org", EMAIL_PORT="587",
                           EMAIL_HOST_USER="research", EMAIL_HOST_PASSWORD="app-password", EMAIL_USE_TLS=tls,
                           DEFAULT_FROM_EMAIL="Action research <research@example.org>",
                           SITE_URL="https://research.example.org")
    assert shown == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587, "EMAIL_HOST_USER": "research", "EMAIL_HOST_PASSWORD": "app-password",
        "EMAIL_USE_TLS": tls == "1", "DEFAULT_FROM_EMAIL": "Action research <research@example.org>",
        "SITE_URL": "https://research.example.org"}
