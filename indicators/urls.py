from __future__ import annotations

from django.urls import path

from indicators import views

urlpatterns = [
    path("panduan/", views.guide, name="guide"),
]
