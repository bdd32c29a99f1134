"""WSGI entry point; production servers run it with bantar.settings_production."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bantar.settings_production")

application = get_wsgi_application()
