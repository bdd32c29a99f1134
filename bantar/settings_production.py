"""Production settings: safe by default, configured only through the environment.

    DJANGO_SETTINGS_MODULE=bantar.settings_production gunicorn bantar.wsgi

SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL must be set; the portal refuses to
start without a real secret key.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from bantar.settings import *  # noqa: F403
from bantar.settings import env_bool, env_list

BANTAR_PRODUCTION = True
# Django's own hashers (PBKDF2 first), whatever the environment says: the tests' cheap
# hasher (BANTAR_FAST_PASSWORD_HASHER) must never reach a server with real accounts.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of 50+ characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the portal's host(s).")

# One database connection per gunicorn worker, kept for a minute and checked before reuse:
# a score save then costs no new PostgreSQL backend (benchmarks/README.md, throughput).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind a TLS-terminating reverse proxy (nginx) that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # type: ignore[index]  # noqa: F405

# Login throttling counts failures per client address. Behind nginx every request comes
# from 127.0.0.1: set BANTAR_TRUSTED_PROXIES=1 so the address nginx saw counts (README,
# "Login throttling"). BANTAR_BEHIND_PROXY, its older name, is still understood.
if "BANTAR_TRUSTED_PROXIES" not in os.environ and "BANTAR_BEHIND_PROXY" in os.environ:
    BANTAR_TRUSTED_PROXIES = 1 if env_bool("BANTAR_BEHIND_PROXY", False) else 0

# Mail through the city's SMTP server once EMAIL_HOST is set (README, "E-mail and
# passwords"); without it mail is written to the log, as on a laptop.
if EMAIL_HOST and "EMAIL_BACKEND" not in os.environ:  # noqa: F405
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
