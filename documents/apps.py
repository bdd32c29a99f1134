from __future__ import annotations

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The papers the city signs, as PDF: the top layer beside `season`, importing down only."""

    name = "documents"
    verbose_name = "Dokumen"
