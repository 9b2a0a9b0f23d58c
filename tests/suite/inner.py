"""A pytest session of its own, for tests of the suite's plugins, on a throwaway two-app Django project.

The suite's own database is inside its test transaction, and Django's whole
project takes seconds to start; the plugins need neither.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
SETTINGS = """
SECRET_KEY = "inner-session"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
"""


def run_session(folder, tests, *options):
    """Run ``tests`` (a module's source) in ``folder`` with these pytest options; returns pytest's output."""
    (folder / "inner_settings.py").write_text(SETTINGS)
    (folder / "test_inner.py").write_text(tests)
    (folder / "pytest.ini").write_text("[pytest]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DATABASE_URL", "REDIS_URL"))}
    env.update(PYTHONPATH=os.pathsep.join([str(folder), str(REPOSITORY)]), DJANGO_SETTINGS_MODULE="inner_settings")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder), *options]
    done = subprocess.run([*command, "test_inner.py"], env=env, cwd=folder, capture_output=True, text=True, timeout=120)
    return done.stdout + done.stderr


def outcomes(output):
    """``{"passed": 1, "errors": 1, ...}`` from the summary line of a session's output (warnings left out)."""
    summary = output.strip().splitlines()[-1]
    found = {kind: int(count) for count, kind in re.findall(r"(\d+) (passed|failed|skipped|errors?)", summary)}
    if "error" in found:
        found["errors"] = found.pop("error")
    return found
