"""The project's settings, with static files collected into the run's own temporary folder.

config.settings puts STATIC_ROOT inside the work tree; with debug off every HTML page (the 404
page too) needs whitenoise's manifest there, so a loopback run collects into a folder it owns.
"""
import os

from config.settings import *  # noqa: F401,F403

STATIC_ROOT = os.environ["LOOPBACK_STATIC_ROOT"]
