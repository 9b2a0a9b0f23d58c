"""Caspian's one settings module.

Every value comes from the environment, with defaults that give a working
embedded site (SQLite, file cache, local media folder under ``CASPIAN_HOME``)
and no server to install. Production sets ``DATABASE_URL``, ``REDIS_URL``,
``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``CASPIAN_BASE_URL``.

Every variable is read through :func:`env` and its typed siblings, with
the name written out: ``docs/settings.md`` documents each one (a test
finds them all in this file and checks).
"""

import math
import os
import re
import secrets
from email.utils import formataddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env(name, default=None):
    """Return the environment variable ``name``, or ``default`` when unset or empty."""
    value = os.environ.get(name, "")
    return value if value != "" else default


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: use 1/true/yes/on or 0/false/no/off.")


def env_int(name, default):
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number.") from None


def env_float(name, default):
    value = env(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    # float() also reads "nan" and "inf", which no setting can use.
    if not math.isfinite(number):
        raise ImproperlyConfigured(f"{name}={value!r}: expected a number, e.g. 30 or 0.5.")
    return number


def env_list(name, default):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
CASPIAN_HOME = Path(env("CASPIAN_HOME", ".caspian")).resolve()
CASPIAN_HOME.mkdir(parents=True, exist_ok=True)


def _secret_key():
    """``SECRET_KEY`` from the environment, else one generated once into CASPIAN_HOME."""
    key = env("SECRET_KEY")
    if key:
        return key
    key_file = CASPIAN_HOME / "secret_key"
    try:
        # Created private from the start; if several processes start at
        # once, one writes and the others read what it wrote.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("CASPIAN_DEBUG", False)

# The public address of the site: links in emails and feeds, the admin's
# "view live" links, and whether to switch on HTTPS-only protections.
BASE_URL = env("CASPIAN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL
_base = urlsplit(BASE_URL)
if _base.scheme not in {"http", "https"} or not _base.hostname:
    raise ImproperlyConfigured(
        f"CASPIAN_BASE_URL={BASE_URL!r}: give the full public address, e.g. https://news.example.org"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", f"{_base.hostname},127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]

INSTALLED_APPS = [
    "caspian.newsroom",
    "caspian.comments",
    "caspian.distribution",
    "caspian.search",
    "caspian.masthead",
    "caspian.pagecache",
    "caspian.wordpress",
    # Before Wagtail's apps, so that its sign-in page is extended by ours.
    "caspian.accounts",
    "caspian.api",
    "caspian.webhooks",
    # The content API's docs (templates and static files) and the second factors.
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Security headers on every admin response (sign-in included), outermost
    # but one so that redirects and refusals made by other middleware get them too.
    "caspian.accounts.middleware.AdminSecurityHeadersMiddleware",
    "caspian.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The admin's forms; readers' comment forms check the browser's Origin instead (comments/origin.py).
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff sessions: idle expiry, the sessions list, then the second factor (order matters).
    "caspian.accounts.middleware.StaffSessionMiddleware",
    "caspian.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "caspian.newsroom.middleware.PublicationLocaleMiddleware",
    # Below the publication's locale (entries expire at the publication's midnight).
    "caspian.pagecache.middleware.PageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "caspian.urls"
# Where the Wagtail admin lives; reader-page middleware leaves it alone.
ADMIN_URL_PREFIX = "/admin/"
WSGI_APPLICATION = "caspian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caspian.newsroom.context_processors.publication",
                "caspian.masthead.context_processors.masthead",
            ],
        },
    },
]

# --- Data: database, cache, files -------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{CASPIAN_HOME / 'db.sqlite3'}"),
        conn_max_age=env_int("CASPIAN_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while an editor publishes; several app server
    # workers share the one file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Kept open like PostgreSQL's (CASPIAN_DB_CONN_MAX_AGE): opening the file
    # and running the PRAGMAs took a millisecond of every request.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer must not hold readers for long (libpq's minimum is 2 s).
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("CASPIAN_DB_CONNECT_TIMEOUT", 2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
WAGTAILIMAGES_IMAGE_MODEL = "newsroom.NewsImage"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "caspian.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CASPIAN_CACHE_PREFIX", "caspian"),
            # A cache outage must not take pages down: it answers as a miss,
            # a frozen Redis holds a request at most this long, and then the
            # cache is skipped for a few seconds (caspian/cache.py).
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": env_float("CASPIAN_CACHE_TIMEOUT", 0.3),
                "SOCKET_TIMEOUT": env_float("CASPIAN_CACHE_TIMEOUT", 0.3),
            },
        }
    }
else:
    # Files, not process memory: `caspian serve` runs several worker
    # processes and they must all see the same cached weather and pages.
    CACHES = {
        "default": {
            "BACKEND": "caspian.cache.FileCache",
            "LOCATION": str(CASPIAN_HOME / "cache"),
            # Room for the page cache: Django's default of 300 files would
            # cull pages (and their invalidation stamps) every few minutes.
            "OPTIONS": {"MAX_ENTRIES": env_int("CASPIAN_CACHE_MAX_ENTRIES", 20_000)},
        }
    }

MEDIA_ROOT = Path(env("CASPIAN_MEDIA_ROOT", str(CASPIAN_HOME / "media")))
MEDIA_URL = env("CASPIAN_MEDIA_URL", "/media/")
STATIC_ROOT = CASPIAN_HOME / "static"
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Media (images, their renditions, documents) in a bucket on any
# S3-compatible store, so every app server sees every upload. Wagtail writes
# renditions through the default storage too. Credentials are boto3's own:
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance role.
MEDIA_S3_BUCKET = env("CASPIAN_MEDIA_S3_BUCKET")
# An upload never replaces an object (a new file gets a new name), so what
# is at an address never changes: browsers and the CDN may keep it a year.
MEDIA_S3_CACHE_CONTROL = "public, max-age=31536000, immutable"
# A store that does not answer costs a request seconds (two attempts at
# most), never a worker for good.
MEDIA_S3_CONNECT_TIMEOUT_SECONDS = 3
MEDIA_S3_READ_TIMEOUT_SECONDS = 5


def _http_url(name, value, advice):
    """``value`` split, if it is a full http(s) address; else ImproperlyConfigured naming ``name``."""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(f"{name}={value!r}: {advice}")
    return parts


def _media_on_s3(bucket):
    """``(STORAGES["default"], MEDIA_URL)`` for media in ``bucket``.

    Files are addressed at ``CASPIAN_MEDIA_URL`` (the CDN in front of the
    bucket) when set, else at the bucket's own address: the endpoint's,
    path-style, or AWS's. Either way URLs are made without asking the store.
    """
    endpoint = env("CASPIAN_MEDIA_S3_ENDPOINT_URL")
    region = env("CASPIAN_MEDIA_S3_REGION")
    if endpoint:
        _http_url(
            "CASPIAN_MEDIA_S3_ENDPOINT_URL",
            endpoint,
            "give the store's full address, e.g. http://minio.internal:9000, or leave it unset for AWS S3.",
        )
        own_address = f"{endpoint.rstrip('/')}/{bucket}/"
    elif region:
        own_address = f"https://{bucket}.s3.{region}.amazonaws.com/"
    else:
        own_address = f"https://{bucket}.s3.amazonaws.com/"
    public = env("CASPIAN_MEDIA_URL", own_address)
    address = _http_url(
        "CASPIAN_MEDIA_URL",
        public,
        "with CASPIAN_MEDIA_S3_BUCKET set, give the full public address of the bucket's files "
        "(e.g. your media CDN, https://media.example.org/), or leave it unset for the bucket's own address.",
    )
    from botocore.config import Config  # only where media are on S3

    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": region,
        "location": env("CASPIAN_MEDIA_S3_PREFIX", "").strip("/"),
        "custom_domain": address.netloc + address.path.rstrip("/"),
        "url_protocol": f"{address.scheme}:",
        # Public files at public addresses: a signed URL would change on
        # every page and defeat the caches.
        "querystring_auth": False,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": MEDIA_S3_CACHE_CONTROL},
        "client_config": Config(
            connect_timeout=MEDIA_S3_CONNECT_TIMEOUT_SECONDS,
            read_timeout=MEDIA_S3_READ_TIMEOUT_SECONDS,
            retries={"mode": "standard", "total_max_attempts": 2},
        ),
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, public.rstrip("/") + "/"


if MEDIA_S3_BUCKET:
    STORAGES["default"], MEDIA_URL = _media_on_s3(MEDIA_S3_BUCKET)
else:
    for _name in ("CASPIAN_MEDIA_S3_ENDPOINT_URL", "CASPIAN_MEDIA_S3_REGION", "CASPIAN_MEDIA_S3_PREFIX"):
        if env(_name):
            raise ImproperlyConfigured(
                f"{_name} is set but CASPIAN_MEDIA_S3_BUCKET is not: name the bucket, or unset {_name}."
            )
SERVE_MEDIA = env_bool("CASPIAN_SERVE_MEDIA", MEDIA_URL.startswith("/"))
if MEDIA_S3_BUCKET and SERVE_MEDIA:
    raise ImproperlyConfigured(
        f"CASPIAN_SERVE_MEDIA={env('CASPIAN_SERVE_MEDIA')!r}: media are served from the bucket "
        "CASPIAN_MEDIA_S3_BUCKET names; unset CASPIAN_SERVE_MEDIA."
    )
# Serve files straight from the package in the demo, so there is no
# collectstatic step to forget; production runs `caspian collectstatic`.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Background tasks ---------------------------------------------------------
# Wagtail queues search and reference indexing as tasks. The demo runs them
# inline; production queues them in the database for `caspian worker`.
TASKS_BACKEND = env("CASPIAN_TASKS_BACKEND", "immediate")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"CASPIAN_TASKS_BACKEND={TASKS_BACKEND!r}: use 'immediate' or 'database'.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
# How often the scheduler (in `caspian worker`, else `caspian serve`) runs
# its round: publish-at and expire-at times are carried out within this
# long, so 30 s keeps "within a minute" with room to spare. The end-to-end
# tests set a fraction of a second rather than wait.
SCHEDULER_SECONDS = env_float("CASPIAN_SCHEDULER_SECONDS", 30)
if not SCHEDULER_SECONDS > 0:
    raise ImproperlyConfigured(f"CASPIAN_SCHEDULER_SECONDS={SCHEDULER_SECONDS:g}: use a number of seconds above 0.")

# --- Language and time ---------------------------------------------------------
# Each publication picks its own language and time zone in its settings;
# these are the defaults for the admin and for stored times.
LANGUAGE_CODE = env("CASPIAN_LANGUAGE", "en")
TIME_ZONE = env("CASPIAN_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Security --------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Behind a reverse proxy, the reader's address is the last one the proxy
# added to X-Forwarded-For; otherwise the header is the client's to forge.
BEHIND_PROXY = env_bool("CASPIAN_BEHIND_PROXY", False)
if BEHIND_PROXY:
    # Only behind a proxy that sets this header itself: otherwise a client
    # could claim HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if _base.scheme == "https":
    SECURE_SSL_REDIRECT = env_bool("CASPIAN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("CASPIAN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Health checks from a load balancer come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy for reader pages (the admin brings its own scripts).
# Images may also come from the media store when it has an address of its own.
_media = urlsplit(MEDIA_URL)
_image_sources = " ".join(["'self'", "data:", *([f"{_media.scheme}://{_media.netloc}"] if _media.netloc else [])])
CASPIAN_CSP = (
    f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {_image_sources}; "
    "font-src 'self'; frame-src https:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# --- Staff accounts (see caspian/accounts/) ------------------------------------
# Two factors, sign-in throttling, staff sessions, the audit log, password rules.
WAGTAILADMIN_USER_LOGIN_FORM = "caspian.accounts.forms.ThrottledLoginForm"
AUTH_PASSWORD_VALIDATORS.append({"NAME": "caspian.accounts.passwords.NewsroomPasswordValidator"})
# Roles (newsroom groups) that must sign in with a second factor; superusers
# count as Administrator. "none" requires it of no one (anyone may still enrol).
_two_factor_roles = env("CASPIAN_TWO_FACTOR_ROLES", "Editor,Administrator")
TWO_FACTOR_ROLES = (
    [] if _two_factor_roles.strip().lower() == "none" else env_list("CASPIAN_TWO_FACTOR_ROLES", _two_factor_roles)
)
# Failed sign-ins, counted per account name and per IP address: after
# SLOW_AFTER failures for one account each attempt waits longer (1 s, 2 s,
# 4 s... at most a minute); after LOCK_AFTER (per account) or IP_LOCK_AFTER
# (per address) signing in is locked for LOCK_MINUTES, or until an
# administrator lifts the lock.
SIGNIN_SLOW_AFTER = env_int("CASPIAN_SIGNIN_SLOW_AFTER", 5)
SIGNIN_LOCK_AFTER = env_int("CASPIAN_SIGNIN_LOCK_AFTER", 10)
SIGNIN_IP_LOCK_AFTER = env_int("CASPIAN_SIGNIN_IP_LOCK_AFTER", 50)
SIGNIN_LOCK_MINUTES = env_int("CASPIAN_SIGNIN_LOCK_MINUTES", 30)
for _name, _value in [
    ("CASPIAN_SIGNIN_SLOW_AFTER", SIGNIN_SLOW_AFTER),
    ("CASPIAN_SIGNIN_LOCK_AFTER", SIGNIN_LOCK_AFTER),
    ("CASPIAN_SIGNIN_IP_LOCK_AFTER", SIGNIN_IP_LOCK_AFTER),
    ("CASPIAN_SIGNIN_LOCK_MINUTES", SIGNIN_LOCK_MINUTES),
]:
    if _value < 1:
        raise ImproperlyConfigured(f"{_name}={_value}: use 1 or more.")
# A staff session unused for this long ends (the next admin page asks to sign in again).
STAFF_SESSION_IDLE_MINUTES = env_int("CASPIAN_STAFF_SESSION_IDLE_MINUTES", 60)
if STAFF_SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured(f"CASPIAN_STAFF_SESSION_IDLE_MINUTES={STAFF_SESSION_IDLE_MINUTES}: use 1 or more.")
OTP_TOTP_ISSUER = env("CASPIAN_SITE_NAME", "Caspian")
# Passkeys belong to the site's host name: a passkey made on one host does not
# work on another. Browsers allow them only over HTTPS, or on plain HTTP at
# "localhost" (so on a demo at http://127.0.0.1:8000, open http://localhost:8000/admin/).
if _base.scheme == "https":
    OTP_WEBAUTHN_RP_ID = _base.hostname
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"https://{_base.netloc}"]
else:
    OTP_WEBAUTHN_RP_ID = "localhost"
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"http://localhost{f':{_base.port}' if _base.port else ''}"]
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER

# --- Wagtail ---------------------------------------------------------------------

WAGTAIL_SITE_NAME = env("CASPIAN_SITE_NAME", "Caspian")
WAGTAIL_I18N_ENABLED = False
# The database backend uses SQLite FTS5 or PostgreSQL full-text search,
# whichever database runs. Large archives can use a search server instead,
# e.g. CASPIAN_SEARCH_URL=elasticsearch8://search.internal:9200/caspian
# (the Python client for it must be installed: see docs/settings.md).
SEARCH_URL = env("CASPIAN_SEARCH_URL")
_SEARCH_ENGINES = ("elasticsearch7", "elasticsearch8", "elasticsearch9", "opensearch2", "opensearch3")
if SEARCH_URL:
    _search = urlsplit(SEARCH_URL)
    if _search.scheme not in _SEARCH_ENGINES or not _search.hostname:
        raise ImproperlyConfigured(
            f"CASPIAN_SEARCH_URL={SEARCH_URL!r}: use ENGINE://host:port/index with ENGINE one of "
            f"{', '.join(_SEARCH_ENGINES)}, or leave it unset for the database's own search."
        )
    _tls = env_bool("CASPIAN_SEARCH_TLS", False)
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": f"wagtail.search.backends.{_search.scheme}",
            "URLS": [f"{'https' if _tls else 'http'}://{_search.netloc}"],
            "INDEX": _search.path.strip("/") or "caspian",
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "caspian.search.backends"}}
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILREDIRECTS_AUTO_CREATE = True
WAGTAILEMBEDS_RESPONSIVE_HTML = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No staff avatars from Gravatar: the admin would send a hash of each
# member of staff's email address to a third party on every page.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Caspian ---------------------------------------------------------------------

# Weather in the masthead (see caspian/masthead/weather/).
WEATHER_BACKEND = env("CASPIAN_WEATHER_BACKEND", "caspian.masthead.weather.openmeteo.OpenMeteoBackend")
WEATHER_API_URL = env("WEATHER_API_URL", "https://api.open-meteo.com").rstrip("/")
WEATHER_CACHE_SECONDS = env_int("CASPIAN_WEATHER_CACHE_SECONDS", 30 * 60)
WEATHER_TIMEOUT_SECONDS = env_int("CASPIAN_WEATHER_TIMEOUT_SECONDS", 5)

# Feeds (see caspian/distribution/).
FEEDS_ITEM_COUNT = env_int("CASPIAN_FEED_ITEMS", 50)
# URLs per sitemap page; search engines read at most 50,000.
SITEMAP_PAGE_SIZE = min(env_int("CASPIAN_SITEMAP_PAGE_SIZE", 1000), 50_000)

# Page cache and CDN (see caspian/pagecache/).
PAGE_CACHE = env_bool("CASPIAN_PAGE_CACHE", True)
# A safety net only: every change readers should see invalidates the pages
# showing it at once. Entries also end at the publication's midnight (the
# masthead shows the date).
PAGE_CACHE_SECONDS = env_int("CASPIAN_PAGE_CACHE_SECONDS", 600)
# Parts of pages kept rendered under the same tags (see caspian/fragments.py),
# so a page the page cache does not hold renders only what changed.
FRAGMENT_CACHE = env_bool("CASPIAN_FRAGMENT_CACHE", True)
# How long a CDN or reverse proxy may keep a page (s-maxage) before asking
# again, and may serve it stale while it does, or while the site is down.
CDN_MAX_AGE = env_int("CASPIAN_CDN_MAX_AGE", 300)
CDN_STALE_WHILE_REVALIDATE = env_int("CASPIAN_CDN_STALE_WHILE_REVALIDATE", 60)
CDN_STALE_IF_ERROR = env_int("CASPIAN_CDN_STALE_IF_ERROR", 86400)
# What to purge when pages change: a caching proxy that accepts HTTP PURGE
# (Varnish, nginx), Cloudflare or CloudFront. Wagtail's frontend cache does
# the purging; unset means nothing in front to purge.
WAGTAILFRONTENDCACHE = {}
# A caching proxy purged by cache tag as well as by address (Varnish with
# xkey: deploy/varnish/), e.g. http://127.0.0.1:6081.
PURGE_URL = env("CASPIAN_PURGE_URL")
if PURGE_URL:
    WAGTAILFRONTENDCACHE["proxy"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": PURGE_URL,
    }
if env("CASPIAN_CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": env("CASPIAN_CLOUDFLARE_ZONE_ID"),
        "BEARER_TOKEN": env("CASPIAN_CLOUDFLARE_TOKEN", ""),
    }
if env("CASPIAN_CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": env("CASPIAN_CLOUDFRONT_DISTRIBUTION_ID"),
    }

# Reader comments (see caspian/comments/).
COMMENTS_MODERATION = env("COMMENTS_MODERATION", "pre")
if COMMENTS_MODERATION not in {"pre", "post", "trusted"}:
    raise ImproperlyConfigured(f"COMMENTS_MODERATION={COMMENTS_MODERATION!r}: use 'pre', 'post' or 'trusted'.")
COMMENTS_RATE_LIMIT = env("COMMENTS_RATE_LIMIT", "5/minute")
if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", COMMENTS_RATE_LIMIT):
    raise ImproperlyConfigured(f"COMMENTS_RATE_LIMIT={COMMENTS_RATE_LIMIT!r}: use a count per period, e.g. 5/minute.")
COMMENTS_MAX_DEPTH = env_int("COMMENTS_MAX_DEPTH", 5)
if COMMENTS_MAX_DEPTH < 1:
    raise ImproperlyConfigured(f"COMMENTS_MAX_DEPTH={COMMENTS_MAX_DEPTH}: use 1 (no replies nested) or more.")
COMMENTS_MAX_LENGTH = env_int("COMMENTS_MAX_LENGTH", 5000)
# Threads (a top-level comment and its replies) per page of an article's comments (caspian/comments/display.py).
COMMENTS_PER_PAGE = env_int("CASPIAN_COMMENTS_PER_PAGE", 50)
if COMMENTS_PER_PAGE < 1:
    raise ImproperlyConfigured(f"CASPIAN_COMMENTS_PER_PAGE={COMMENTS_PER_PAGE}: use 1 or more.")
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 2)
COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", 30)
COMMENTS_FLAG_THRESHOLD = env_int("COMMENTS_FLAG_THRESHOLD", 3)
COMMENTS_MIN_SECONDS = env_int("COMMENTS_MIN_SECONDS", 3)
COMMENTS_FORM_MAX_AGE_HOURS = env_int("COMMENTS_FORM_MAX_AGE_HOURS", 24)
COMMENTS_IP_RETENTION_DAYS = env_int("COMMENTS_IP_RETENTION_DAYS", 30)
COMMENTS_NOTIFY_MODERATORS = env_bool("COMMENTS_NOTIFY_MODERATORS", True)
COMMENTS_SPAM_BACKEND = env("COMMENTS_SPAM_BACKEND", "caspian.comments.spam.heuristic.HeuristicBackend")
COMMENTS_AKISMET_URL = env("COMMENTS_AKISMET_URL", "https://rest.akismet.com").rstrip("/")
COMMENTS_AKISMET_KEY = env("COMMENTS_AKISMET_KEY", "")

# --- Content API (see caspian/api/ and docs/api.md) ----------------------------------
# Browser apps on these origins may call /api/v1/ (CORS), e.g. https://app.example.org; "*" for any.
API_CORS_ORIGINS = env_list("CASPIAN_API_CORS_ORIGINS", "")
# Requests a minute per API key, unless the key has its own limit.
API_RATE_LIMIT = env_int("CASPIAN_API_RATE_LIMIT", 600)
if API_RATE_LIMIT < 1:
    raise ImproperlyConfigured(f"CASPIAN_API_RATE_LIMIT={API_RATE_LIMIT}: use 1 or more requests a minute.")
# Refuse requests without a key (401); by default published content is public.
API_REQUIRE_KEY = env_bool("CASPIAN_API_REQUIRE_KEY", False)
# --- Webhooks (see caspian/webhooks/ and docs/webhooks.md) ----------------------
# Partners' endpoints are told of published, updated, corrected, unpublished
# and deleted articles by `caspian worker` (or a thread of `caspian serve`).
WEBHOOKS_CONNECT_TIMEOUT = env_float("CASPIAN_WEBHOOKS_CONNECT_TIMEOUT", 3)
WEBHOOKS_READ_TIMEOUT = env_float("CASPIAN_WEBHOOKS_READ_TIMEOUT", 10)
WEBHOOKS_MAX_RESPONSE_BYTES = env_int("CASPIAN_WEBHOOKS_MAX_RESPONSE_BYTES", 64 * 1024)
WEBHOOKS_RETRY_HOURS = env_float("CASPIAN_WEBHOOKS_RETRY_HOURS", 24)
WEBHOOKS_PAUSE_AFTER_FAILURES = env_int("CASPIAN_WEBHOOKS_PAUSE_AFTER_FAILURES", 5)
WEBHOOKS_PAUSE_AFTER_HOURS = env_float("CASPIAN_WEBHOOKS_PAUSE_AFTER_HOURS", 24)
WEBHOOKS_KEEP_DAYS = env_int("CASPIAN_WEBHOOKS_KEEP_DAYS", 30)
# Off: an endpoint on a private, loopback or link-local address could reach inside the network.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("CASPIAN_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)
for _name, _value in [
    ("CASPIAN_WEBHOOKS_CONNECT_TIMEOUT", WEBHOOKS_CONNECT_TIMEOUT),
    ("CASPIAN_WEBHOOKS_READ_TIMEOUT", WEBHOOKS_READ_TIMEOUT),
    ("CASPIAN_WEBHOOKS_RETRY_HOURS", WEBHOOKS_RETRY_HOURS),
]:
    if not _value > 0:
        raise ImproperlyConfigured(f"{_name}={_value:g}: use a number above 0.")
# --- end of webhooks ------------------------------------------------------------

# Email: printed to the console until an SMTP server is configured.
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", formataddr((WAGTAIL_SITE_NAME, f"noreply@{_base.hostname}")))
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOG_LEVEL = env("CASPIAN_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"CASPIAN_LOG_LEVEL={LOG_LEVEL!r}: use DEBUG, INFO, WARNING or ERROR.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "filters": {
        "database_outage": {"()": "caspian.errors.DatabaseOutageFilter"},
        "database_outage_reported": {"()": "caspian.errors.DatabaseOutageFilter", "report": True},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # A database outage is logged once by caspian.outages, not per request.
        "django.request": {"level": "ERROR", "filters": ["database_outage"]},
        # Scheduled jobs and background tasks meeting an outage: the same, reported from here.
        "caspian.background": {"filters": ["database_outage_reported"]},
        # One line per task state change is noise; failures still show.
        "django_tasks": {"level": "WARNING"},
    },
}
