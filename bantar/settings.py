"""Settings of the BANTAR Portal.

Everything that differs between a laptop and the city's server comes from the
environment. Without any variable set, the portal runs on SQLite in debug mode,
so that `make run` works straight after a clone. `bantar.settings_production`
builds on this module with safe defaults for a public server.
"""

from __future__ import annotations

import os
import warnings
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Set by settings_production; demo data refuses to load when it is True.
BANTAR_PRODUCTION = False

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get(
    "SECRET_KEY", "django-insecure-bantar-development-key-never-use-in-production"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "import_export",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "bantar",
    "competitions",
    "indicators",
    "scoring",
    # The top layer: role home pages, the demo season, backup and restore (no models).
    "season",
    # Also on top: the papers the city signs, as PDF (Lampiran SK, piagam, rapor, rekap).
    "documents",
    # Also on top: after the award, the public self-check and the coaching view (no models).
    "coaching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy: CONTENT_SECURITY_POLICY below
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The language: the user's choice, the visitor's cookie, else Indonesian; never the
    # browser's Accept-Language (replaces LocaleMiddleware; it reads the user).
    "bantar.language.LanguageMiddleware",
    "bantar.cache_control.PrivateForLoggedInMiddleware",  # Cache-Control: private when logged in
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "bantar.urls"
WSGI_APPLICATION = "bantar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default (zero set-up); PostgreSQL or any other server via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two tabs saving at once: a transaction takes the write lock when it begins and the
    # other waits its turn (up to 20 s), rather than failing with "database is locked"
    # when it reads before it writes, as a score save does.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# "results": the computed result tables between requests (scoring.result_cache), in a table
# of the portal's own database (created by migrate): every gunicorn process shares it, and a
# restored or reset database never meets a table of other data. 0 seconds keeps nothing.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "results": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "bantar_result_cache",
        "TIMEOUT": int(os.environ.get("BANTAR_RESULT_CACHE_SECONDS", "86400")),
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
}

AUTH_USER_MODEL = "bantar.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Tests only (tests/conftest.py sets the variable, for the servers the fault tests start too):
# one cheap hash round instead of PBKDF2's million. The production settings reset this.
FAST_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if os.environ.get("BANTAR_FAST_PASSWORD_HASHER") == "1":
    PASSWORD_HASHERS = FAST_PASSWORD_HASHERS

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Shared tablets in the field: a session ends after 12 hours, or when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A visitor's choice from the language menu (bantar/language.py) lasts a year, not only until
# the browser closes (Django's default); a logged-in user's is stored on the account.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# In development static files come from the apps (finders); WhiteNoise need not warn
# that collectstatic has not run.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Evidence photos are private: MEDIA_ROOT is never served directly, only through
# permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The audit history's "why" (a reopened sheet's or a changed remit's reason, up to 300 characters)
# is a text column: django-simple-history's default of 100 characters refused longer reasons on
# PostgreSQL with an error page.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Competition defaults ---------------------------------------------------
# The Perwali leaves these open; they are the defaults a new competition gets
# and each competition can change them (see README, "Defaults we chose").
BANTAR_MIN_KK = int(os.environ.get("BANTAR_MIN_KK", "30"))
BANTAR_MAX_KK = int(os.environ.get("BANTAR_MAX_KK", "2000"))
BANTAR_DEFAULT_SIZE_CATEGORIES = [
    # code, name, min_kk, max_kk (None = no upper bound), prize in Rupiah
    ("besar", "Besar", 100, None, 10_000_000),
    ("sedang", "Sedang", 60, 99, 7_000_000),
    ("kecil", "Kecil", 30, 59, 5_000_000),
]
BANTAR_DEFAULT_PASS_MARK = "70"
# The Kencana category (issue 15): its name and prize when a competition's first Kencana RT
# registers; the panitia may change the prize afterwards like any category's.
BANTAR_KENCANA_NAME = "Kencana"
BANTAR_DEFAULT_KENCANA_PRIZE = int(os.environ.get("BANTAR_DEFAULT_KENCANA_PRIZE", "15000000"))
# The scale and the pillars' weights come from the competition's instrument (issue 14).
# The demo season's steps from apps beside season (named, not imported: season may not import
# coaching): each is called with panitia= once the 2020 season is published.
BANTAR_DEMO_AFTER_2020 = ["coaching.demo.build_revisit_2020"]
# How close (in KK) to a band boundary the registration form warns.
BANTAR_BOUNDARY_WARNING_KK = int(os.environ.get("BANTAR_BOUNDARY_WARNING_KK", "3"))
# Rows per page of the long lists (participants, verification queue, assignments, plenary, winners).
BANTAR_PAGE_SIZE = int(os.environ.get("BANTAR_PAGE_SIZE", "50"))
# Rows of each list on one print page of the coaching view (/pembinaan/?cetak=1): a kelurahan's
# RTs fit one (at most 25 at city scale, 243 at 10x); a longer list prints in pages of this many.
BANTAR_PRINT_ROWS = int(os.environ.get("BANTAR_PRINT_ROWS", "250"))
# RTs per page of the juror's list (/penilaian/, /penilaian/halaman/<n>/); the offline kit
# keeps every page of it.
BANTAR_JUROR_PAGE_SIZE = int(os.environ.get("BANTAR_JUROR_PAGE_SIZE", "50"))
# "Dekat batas lulus" on the plenary: a final score this many points either side of the pass mark.
BANTAR_NEAR_PASS_MARK = Decimal(os.environ.get("BANTAR_NEAR_PASS_MARK", "2.00"))
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# Bounds of every spreadsheet import (the panitia's entries, the admin's master data), all
# checked before or while reading, never after (bantar/spreadsheets.py; README, "Settings").
# Largest upload; largest an xlsx may unpack to, and how many times its packed size; data
# rows after the header (the city has about 1,650 RTs); columns in any row.
BANTAR_IMPORT_MAX_BYTES = int(os.environ.get("BANTAR_IMPORT_MAX_BYTES", str(2 * 1024 * 1024)))
BANTAR_IMPORT_MAX_UNCOMPRESSED = int(
    os.environ.get("BANTAR_IMPORT_MAX_UNCOMPRESSED", str(20 * 1024 * 1024))
)
BANTAR_IMPORT_MAX_RATIO = int(os.environ.get("BANTAR_IMPORT_MAX_RATIO", "100"))
BANTAR_IMPORT_MAX_ROWS = int(os.environ.get("BANTAR_IMPORT_MAX_ROWS", "5000"))
BANTAR_IMPORT_MAX_COLUMNS = int(os.environ.get("BANTAR_IMPORT_MAX_COLUMNS", "50"))
# A checked import waits this long for the panitia's confirmation, stored on the server.
BANTAR_IMPORT_PREVIEW_MINUTES = int(os.environ.get("BANTAR_IMPORT_PREVIEW_MINUTES", "30"))

# --- Printed documents (README, "Documents to print and sign") ----------------------
# The letterhead (kop surat) of every PDF: lines separated by "|", the first in bold, and an
# optional logo (a PNG or JPEG file on the server; empty: none).
BANTAR_KOP_LINES = [
    line.strip()
    for line in os.environ.get(
        "BANTAR_KOP_LINES",
        "PEMERINTAH KOTA JAMBI|PANITIA LOMBA KAMPUNG BERSIH, AMAN DAN PINTAR (BANTAR)"
        "|Sekretariat: DPMPPA Kota Jambi",
    ).split("|")
    if line.strip()
]
BANTAR_KOP_LOGO = os.environ.get("BANTAR_KOP_LOGO", "")
# Who signs the Lampiran SK, the piagam and the printed lists, and where. An empty name
# prints a dotted line to write it by hand; an empty NIP leaves the NIP line out.
BANTAR_SIGNATORY_PLACE = os.environ.get("BANTAR_SIGNATORY_PLACE", "Jambi")
BANTAR_SIGNATORY_TITLE = os.environ.get("BANTAR_SIGNATORY_TITLE", "Wali Kota Jambi")
BANTAR_SIGNATORY_NAME = os.environ.get("BANTAR_SIGNATORY_NAME", "")
BANTAR_SIGNATORY_NIP = os.environ.get("BANTAR_SIGNATORY_NIP", "")

# --- Evidence photos ------------------------------------------------------------
BANTAR_PHOTO_MAX_BYTES = int(os.environ.get("BANTAR_PHOTO_MAX_BYTES", str(15 * 1024 * 1024)))
# More pixels than this is refused before decoding (decompression bombs).
BANTAR_PHOTO_MAX_PIXELS = int(os.environ.get("BANTAR_PHOTO_MAX_PIXELS", "50000000"))
# Peak memory one photo may cost (DESIGN: 150 MB), estimated from its header before
# decoding; a photo over it is refused (README, "Evidence photos: memory").
BANTAR_PHOTO_MEMORY_MB = int(os.environ.get("BANTAR_PHOTO_MEMORY_MB", "150"))
# Photos decoded at once per process; the next waits this long, then gets HTTP 503.
BANTAR_PHOTO_CONCURRENCY = int(os.environ.get("BANTAR_PHOTO_CONCURRENCY", "2"))
BANTAR_PHOTO_WAIT_SECONDS = float(os.environ.get("BANTAR_PHOTO_WAIT_SECONDS", "10"))
BANTAR_PHOTO_MAX_EDGE = 2048  # stored copy; the browser downscales to this before upload
BANTAR_PHOTO_WEB_EDGE = 1600
BANTAR_PHOTO_THUMB_EDGE = 320
BANTAR_PHOTO_JPEG_QUALITY = 82
# Perceptual hashes this close (bits of 64) flag the same photo on two RTs.
BANTAR_PHOTO_DUPLICATE_DISTANCE = 6
# One batch from a tablet's outbox (POST /penilaian/sinkron/): at most this many changes
# and bytes; a larger batch is refused whole (413) and the tablet sends it in parts.
BANTAR_SYNC_MAX_CHANGES = int(os.environ.get("BANTAR_SYNC_MAX_CHANGES", "500"))
BANTAR_SYNC_MAX_BYTES = int(os.environ.get("BANTAR_SYNC_MAX_BYTES", str(1024 * 1024)))
# An indicator that no juror scored counts as the lowest level ("lowest") or is left
# out of its pillar's mean ("skip"). Finalising needs every sheet, so this only
# matters when a team's remits leave a pillar uncovered.
BANTAR_MISSING_INDICATOR = os.environ.get("BANTAR_MISSING_INDICATOR", "lowest")

# --- Security, sessions and backups -----------------------------------------------
# See README, "Security, sessions and backups". Everything here can be set from the
# environment; the defaults suit the city's portal.
from datetime import timedelta  # noqa: E402

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is refused for AXES_COOLOFF_MINUTES. Keyed by
# username *and* address so that an office or a kelurahan behind one shared address
# is not locked out by one colleague's typos, and a stranger cannot lock a juror out
# from elsewhere.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A successful login forgets earlier mistakes; tries during a lockout do not extend it,
# so "coba lagi setelah 15 menit" on the page stays true.
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The login page again, in Indonesian, with HTTP 429 (not axes' bare English page).
AXES_LOCKOUT_CALLABLE = "bantar.login_protection.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# The client's address: X-Forwarded-For is believed only as far as BANTAR_TRUSTED_PROXIES
# reverse proxies wrote it (nginx in front of gunicorn: 1). 0 ignores the header, so that a
# client talking to gunicorn directly cannot choose its address.
BANTAR_TRUSTED_PROXIES = int(os.environ.get("BANTAR_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "bantar.login_protection.client_ip"
# Password spraying: this many failures from one address, across all usernames, within the
# cool-off lock the address out as well (0: no such limit). Higher than AXES_FAILURE_LIMIT,
# since a kelurahan office shares one address.
BANTAR_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("BANTAR_LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_HANDLER = "bantar.login_protection.LoginHandler"

# Sessions on shared tablets: a session ends SESSION_COOKIE_AGE (12 hours) after login
# whatever happens, and earlier after BANTAR_SESSION_IDLE_MINUTES without any request
# (0 turns the idle limit off). The middleware records activity at most once a minute
# instead of saving the session on every request (SESSION_SAVE_EVERY_REQUEST).
BANTAR_SESSION_IDLE_MINUTES = int(os.environ.get("BANTAR_SESSION_IDLE_MINUTES", "120"))
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "bantar.session_timeout.SessionTimeoutMiddleware",
)

# `manage.py backup` writes its archives here unless told --output.
BANTAR_BACKUP_DIR = Path(os.environ.get("BANTAR_BACKUP_DIR", BASE_DIR / "backups"))

# A refused form (stale or foreign CSRF token) is explained in Indonesian.
CSRF_FAILURE_VIEW = "bantar.views.csrf_failure"

# Content-Security-Policy (django-csp): everything from the portal itself, no inline script,
# no inline style attribute (templates use classes; scripts set element.style, which CSP
# allows), photo previews from data: and blob: URLs, the field kit's service worker and
# manifest. README, "Content-Security-Policy".
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- E-mail -------------------------------------------------------------------------
# README, "E-mail and passwords". On a laptop mail is printed to the console; the
# production settings send through SMTP once EMAIL_HOST is set. A failed send never
# blocks the action that caused it: it is logged (bantar.MailLog) for the panitia.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# A mail server that does not answer holds the request that sends (after its commit) at most
# this long.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Portal BANTAR <bantar@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's public address (https://bantar.jambikota.go.id): in mails sent outside a request
# (the digest from cron, notifications) and in the piagam's QR code. Empty: mails use
# http://127.0.0.1:8000 and the QR code the address the PDF was requested at.
BANTAR_SITE_URL = os.environ.get("BANTAR_SITE_URL", "").rstrip("/")
# Password reset links work this long (Django's PASSWORD_RESET_TIMEOUT, in seconds): 1 day.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(24 * 60 * 60)))
# An account given a temporary password by the admin is sent to the password change first.
MIDDLEWARE.insert(
    MIDDLEWARE.index("bantar.session_timeout.SessionTimeoutMiddleware") + 1,
    "bantar.password_policy.MustChangePasswordMiddleware",
)
