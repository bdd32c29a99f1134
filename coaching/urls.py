from __future__ import annotations

from django.urls import path

from coaching import views

urlpatterns = [
    path("panduan/cek-mandiri/", views.selfcheck, name="selfcheck"),
    path("pembinaan/", views.coaching, name="coaching"),
    path("pembinaan/unduh.xlsx", views.coaching_export, name="coaching-export"),
]
