from __future__ import annotations

from django.urls import path

from coaching import views

urlpatterns = [
    path("panduan/cek-mandiri/", views.selfcheck, name="selfcheck"),
    path("panduan/cek-mandiri/sw.js", views.selfcheck_sw, name="selfcheck-sw"),
    path("pembinaan/", views.coaching, name="coaching"),
    path("pembinaan/unduh.xlsx", views.coaching_export, name="coaching-export"),
    path("rt/<int:rt_pk>/", views.rt_page, name="public-rt"),
    # Under /penilaian/ and kept by the field kit's service worker (static/js/field-sw.js).
    path(
        "penilaian/<int:entry_pk>/foto-lomba/<int:pk>/<str:variant>/",
        views.revisit_photo,
        name="revisit-photo",
    ),
    path("kunjungan-ulang/", views.revisit_list, name="revisit-list"),
    path("kunjungan-ulang/baru/<int:competition_pk>/", views.revisit_new, name="revisit-new"),
    path("kunjungan-ulang/<int:revisit_pk>/", views.revisit_detail, name="revisit-detail"),
    path(
        "kunjungan-ulang/<int:revisit_pk>/simpulkan/",
        views.revisit_conclude_view,
        name="revisit-conclude",
    ),
    path(
        "kunjungan-ulang/<int:revisit_pk>/unduh.xlsx",
        views.revisit_export,
        name="revisit-export",
    ),
]
