"""Configuration comes from the environment, is documented, and fails with a clear message."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import caspian.settings

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_DOC = ROOT / "docs" / "settings.md"


def variables_read_by_settings():
    """Names passed to env() and its typed siblings anywhere in the settings module."""
    tree = ast.parse(Path(caspian.settings.__file__).read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in {"env", "env_bool", "env_int", "env_float", "env_list"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


VARIABLES = variables_read_by_settings()


def settings_with(env):
    """Import caspian.settings in a fresh interpreter with ``env``; returns (exit code, values or error)."""
    code = (
        "import json, caspian.settings as s\n"
        "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'],"
        " 'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0), 'secure_cookies': getattr(s, 'SESSION_COOKIE_SECURE', False),"
        " 'csrf_secure': getattr(s, 'CSRF_COOKIE_SECURE', False), 'hosts': s.ALLOWED_HOSTS, 'tasks': s.TASKS,"
        " 'admin_url': s.WAGTAILADMIN_BASE_URL, 'secret': s.SECRET_KEY, 'csp': s.CASPIAN_CSP,"
        " 'scheduler': s.SCHEDULER_SECONDS}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, cwd=ROOT
    )
    if result.returncode:
        return result.returncode, result.stderr.strip().splitlines()[-1]
    return 0, json.loads(result.stdout)


def test_every_environment_variable_is_documented():
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", SETTINGS_DOC.read_text(), re.MULTILINE))
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "CASPIAN_BASE_URL"} <= VARIABLES
    assert VARIABLES - documented == set(), "read but not documented"
    assert documented - VARIABLES == set(), "documented but never read"


def test_embedded_defaults(tmp_path):
    code, values = settings_with({"CASPIAN_HOME": str(tmp_path)})
    assert code == 0
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["cache"] == "caspian.cache.FileCache"
    assert values["tasks"]["default"]["BACKEND"].endswith("ImmediateBackend")
    assert values["hsts"] == 0 and not values["secure_cookies"]
    assert values["scheduler"] == 30
    # A secret key is generated once into the data folder and kept.
    assert (tmp_path / "secret_key").read_text() == values["secret"]
    assert settings_with({"CASPIAN_HOME": str(tmp_path)})[1]["secret"] == values["secret"]


def test_production_configuration(tmp_path):
    code, values = settings_with(
        {
            "CASPIAN_HOME": str(tmp_path),
            "DATABASE_URL": "postgres://news@db.internal:5432/caspian",
            "REDIS_URL": "redis://cache.internal:6379/1",
            "SECRET_KEY": "from-the-environment",
            "ALLOWED_HOSTS": "news.example.org, www.news.example.org",
            "CASPIAN_BASE_URL": "https://news.example.org",
            "CASPIAN_TASKS_BACKEND": "database",
        }
    )
    assert code == 0
    assert values["db"] == "django.db.backends.postgresql"
    assert values["cache"] == "caspian.cache.RedisCache"
    assert values["hosts"] == ["news.example.org", "www.news.example.org"]
    assert values["tasks"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert values["hsts"] >= 31536000 and values["secure_cookies"] and values["csrf_secure"]
    assert values["admin_url"] == "https://news.example.org"
    assert values["secret"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_bad_values_say_what_to_do(tmp_path):
    home = {"CASPIAN_HOME": str(tmp_path)}
    code, error = settings_with({**home, "CASPIAN_TASKS_BACKEND": "celery"})
    assert code and "use 'immediate' or 'database'" in error
    code, error = settings_with({**home, "CASPIAN_DEBUG": "maybe"})
    assert code and "CASPIAN_DEBUG='maybe'" in error
    code, error = settings_with({**home, "CASPIAN_BASE_URL": "news.example.org"})
    assert code and "give the full public address" in error
    code, error = settings_with({**home, "CASPIAN_WEATHER_CACHE_SECONDS": "half an hour"})
    assert code and "expected a whole number" in error
    code, error = settings_with({**home, "CASPIAN_LOG_LEVEL": "chatty"})
    assert code and "use DEBUG, INFO, WARNING or ERROR" in error
    code, error = settings_with({**home, "COMMENTS_MODERATION": "none"})
    assert code and "use 'pre', 'post' or 'trusted'" in error
    code, error = settings_with({**home, "COMMENTS_RATE_LIMIT": "5 per minute"})
    assert code and "e.g. 5/minute" in error
    code, error = settings_with({**home, "CASPIAN_SEARCH_URL": "solr://search.internal/caspian"})
    assert code and "use ENGINE://host:port/index" in error
    code, error = settings_with({**home, "COMMENTS_MAX_DEPTH": "0"})
    assert code and "use 1 (no replies nested) or more" in error
    code, error = settings_with({**home, "CASPIAN_SCHEDULER_SECONDS": "30s"})
    assert code and "CASPIAN_SCHEDULER_SECONDS='30s': expected a number, e.g. 30 or 0.5" in error
    code, error = settings_with({**home, "CASPIAN_SCHEDULER_SECONDS": "inf"})
    assert code and "expected a number" in error
    code, error = settings_with({**home, "CASPIAN_SCHEDULER_SECONDS": "0"})
    assert code and "CASPIAN_SCHEDULER_SECONDS=0: use a number of seconds above 0" in error


def test_the_scheduler_can_run_every_fraction_of_a_second(tmp_path):
    code, values = settings_with({"CASPIAN_HOME": str(tmp_path), "CASPIAN_SCHEDULER_SECONDS": "0.5"})
    assert code == 0
    assert values["scheduler"] == 0.5


def test_images_from_a_media_cdn_are_allowed_by_the_policy(tmp_path):
    home = {"CASPIAN_HOME": str(tmp_path)}
    local = settings_with(home)[1]["csp"]
    assert "img-src 'self' data:;" in local
    cdn = settings_with({**home, "CASPIAN_MEDIA_URL": "https://media.example.net/caspian/"})[1]["csp"]
    assert "img-src 'self' data: https://media.example.net;" in cdn
