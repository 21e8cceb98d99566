"""Production refuses to start without its secrets; its deploy check is clean."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "research.example.org",
              "DJANGO_SECRET_KEY": "k" * 30 + "-production-secret-for-tests-" + "z" * 30, "PSEUDONYM_KEY": "p" * 40}


# Set by the browser tests' conftest for Playwright's event loop, and by pytest-django for the suite's
# own settings (config.settings_test, debug on); never part of a deployment.
TEST_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k not in TEST_ONLY}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "PSEUDONYM_KEY"])
def test_production_refuses_to_start_without_a_secret(missing):
    # given production settings with one secret missing
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    # when Django starts
    result = manage("check", **env)
    # then it stops, naming the variable to set
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_deploy_check_is_clean():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
