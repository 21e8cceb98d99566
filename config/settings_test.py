"""Settings for the test suite (pytest.ini): the project's settings with debug switched on.

Debug is off unless DJANGO_DEBUG says otherwise (config/settings.py); the suite tests the
development configuration (SQLite by default, test host allowed, no TLS redirect), so it switches
debug on here, before the settings are read. Tests of the production configuration load the
settings in a subprocess with an environment of their own (tests/test_settings*.py).
"""
import os

os.environ["DJANGO_DEBUG"] = "1"

from .settings import *  # noqa: E402,F401,F403
