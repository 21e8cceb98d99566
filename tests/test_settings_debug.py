"""Debug is off unless asked for (fail closed), and development keys never run with debug off (issue 11, item 12).

Each case loads the settings in a fresh Python process with an environment built here, so nothing
from the test run (which switches debug on, config/settings_test.py) leaks in.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Everything that changes how settings load; each test names the ones it wants.
SETTINGS_ENV = {"DJANGO_DEBUG", "DJANGO_SECRET_KEY", "PSEUDONYM_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
                "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TRUSTED_PROXIES"}
SECRETS = {"DJANGO_SECRET_KEY": "s" * 30 + "-a-real-secret-for-this-test-" + "t" * 30, "PSEUDONYM_KEY": "q" * 40}
DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"
DEV_PSEUDONYM_KEY = "dev-only-pseudonym-key"


def clean_env(**env) -> dict:
    """This process's environment without anything that changes how settings load, plus `env`."""
    return {**{k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}, **env}


def run(*argv: str, **env) -> subprocess.CompletedProcess:
    """Run `python argv...` at the project root in a clean settings environment plus `env`."""
    return subprocess.run([sys.executable, *argv], cwd=ROOT, env=clean_env(**env), capture_output=True, text=True,
                          timeout=120)


SHOW_DEBUG = ("-c", "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
                    "from django.conf import settings; print('DEBUG', settings.DEBUG)")


def manage(*args, **env) -> subprocess.CompletedProcess:
    return run("manage.py", *args, **env)


def test_debug_is_off_when_django_debug_is_not_set():
    # given the production secrets but no DJANGO_DEBUG at all
    # when the settings load
    result = run(*SHOW_DEBUG, **SECRETS)
    # then debug is off
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG False"


@pytest.mark.parametrize("value", ["1", "true", "on"])
def test_debug_is_on_only_when_asked_for(value):
    # given DJANGO_DEBUG switched on explicitly and no secrets
    result = run(*SHOW_DEBUG, DJANGO_DEBUG=value)
    # then debug is on and the development keys are allowed
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG True"


def test_an_environment_with_nothing_set_refuses_to_start_and_says_how_to_develop_locally():
    # given nothing set at all (a deployment that forgot DJANGO_DEBUG, or a command typed by hand)
    # when a manage.py command starts
    result = manage("check")
    # then it stops, naming the secret to set and how to run locally instead
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert "DJANGO_DEBUG=1" in result.stderr


@pytest.mark.parametrize("name, development_value", [("DJANGO_SECRET_KEY", DEV_SECRET_KEY),
                                                      ("PSEUDONYM_KEY", DEV_PSEUDONYM_KEY)])
@pytest.mark.parametrize("debug", [{"DJANGO_DEBUG": "0"}, {}], ids=["debug=0", "debug unset"])
def test_the_development_keys_are_refused_with_debug_off(name, development_value, debug):
    # given debug off and the development key (it is in the repository) copied into the environment
    env = {**SECRETS, **debug, name: development_value, "DJANGO_ALLOWED_HOSTS": "research.example.org"}
    # when the settings load
    result = run(*SHOW_DEBUG, **env)
    # then they refuse, naming the variable
    assert result.returncode != 0
    assert f"{name} is the development key" in result.stderr
    assert "DEBUG" not in result.stdout


def test_the_test_suite_runs_its_own_settings_with_debug_on():
    # given this very test run: pytest.ini points at config.settings_test, which switches debug on
    from django.conf import settings

    # then the development-mode settings the suite expects are in force (no TLS redirect, test host)
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "config.settings_test"
    assert os.environ["DJANGO_DEBUG"] == "1"
    assert "testserver" in settings.ALLOWED_HOSTS
    assert not getattr(settings, "SECURE_SSL_REDIRECT", False)


def make_sees(target_env: dict) -> str:
    """The DJANGO_DEBUG a Makefile recipe sees, given the caller's environment."""
    probe = "print-debug:\n\t@echo \"DJANGO_DEBUG=[$$DJANGO_DEBUG]\"\n"
    result = subprocess.run(["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", "-", "print-debug"],
                            input=probe, cwd=ROOT, capture_output=True, text=True, timeout=60, env=clean_env(**target_env))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_make_targets_switch_debug_on_explicitly_unless_the_caller_chose():
    # given the Makefile a developer runs from a fresh clone, with nothing set
    # then every recipe (run, test, migrate, demo, bench...) sees debug switched on
    assert make_sees({}) == "DJANGO_DEBUG=[1]"
    # and a caller who chose a value keeps it
    assert make_sees({"DJANGO_DEBUG": "0"}) == "DJANGO_DEBUG=[0]"
