"""Test configuration: the real settings, sped up, with the test services.

By default the suite runs on SQLite with a local-memory cache. With
``DATABASE_URL`` and ``REDIS_URL`` set (as `make test` does for its second
run) it runs on PostgreSQL and Redis instead.
"""

import atexit
import os
import shutil
import tempfile

# Every test process (each xdist worker too) gets a data folder of its own,
# for media, static files and the file cache, removed when it exits. Set in
# the environment so the commands the tests start use it too.
os.environ["CASPIAN_HOME"] = tempfile.mkdtemp(prefix="caspian-test-")
atexit.register(shutil.rmtree, os.environ["CASPIAN_HOME"], ignore_errors=True)
os.environ.setdefault("SECRET_KEY", "caspian-tests-only")
os.environ.setdefault("CASPIAN_WEATHER_BACKEND", "caspian.masthead.weather.dummy.SampleBackend")

from caspian.settings import *  # noqa: E402,F403
from caspian.settings import CACHES, REDIS_URL, STATIC_ROOT  # noqa: E402

ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES["default"]["KEY_PREFIX"] = f"caspian-test-{os.getpid()}"
    CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "caspian.search.backends"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Staff accounts ---
# Most tests sign staff in with force_login and go straight to the admin:
# no role requires a second factor here. tests/accounts turns it on with
# override_settings, as production has it by default.
TWO_FACTOR_ROLES = []

# Webhooks: the tests' receiver listens on 127.0.0.1.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
