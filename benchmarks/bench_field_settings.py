"""Settings for bench_field.py only: the portal as deployed (DEBUG off, hashed and
pre-compressed static files from WhiteNoise), on localhost so that Chromium treats it as a
secure context and runs the service worker."""

import os

from benchmarks.bench_settings import *  # noqa: F403

ALLOWED_HOSTS = ["localhost"]
STATIC_ROOT = os.environ["BENCH_FIELD_STATIC_ROOT"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = os.environ["BENCH_FIELD_MEDIA_ROOT"]
AXES_ENABLED = False  # one login per run; nothing to throttle
