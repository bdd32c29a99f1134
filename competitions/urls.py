from __future__ import annotations

from django.urls import path, re_path

from competitions import entry_views, instrument_views, views

urlpatterns = [
    path("kompetisi/", views.competition_list, name="competition-list"),
    path(
        "instrumen/<int:pk>/kompetisi-baru/",
        instrument_views.competition_new,
        name="instrument-competition-new",
    ),
    path("kompetisi/<int:pk>/", views.competition_detail, name="competition-detail"),
    path("kompetisi/<int:pk>/lanjut/", views.competition_advance_view, name="competition-advance"),
    path(
        "kompetisi/<int:competition_pk>/peserta/baru/",
        entry_views.entry_create,
        name="entry-create",
    ),
    path(
        "kompetisi/<int:competition_pk>/impor/",
        entry_views.entry_import_view,
        name="entry-import",
    ),
    path("peserta/", entry_views.entry_list, name="entry-list"),
    re_path(
        r"^peserta/ekspor\.(?P<export_format>xlsx|csv)$",
        entry_views.entry_export,
        name="entry-export",
    ),
    path("peserta/<int:pk>/", entry_views.entry_detail, name="entry-detail"),
    path("peserta/<int:pk>/ubah/", entry_views.entry_edit, name="entry-edit"),
    path("peserta/<int:pk>/usulkan/", entry_views.entry_propose_view, name="entry-propose"),
    path("peserta/<int:pk>/tarik/", entry_views.entry_withdraw_view, name="entry-withdraw"),
    path("peserta/<int:pk>/verifikasi/", entry_views.entry_verify_view, name="entry-verify"),
    path("peserta/<int:pk>/kembalikan/", entry_views.entry_return_view, name="entry-return"),
    path("verifikasi/", entry_views.verification_queue, name="verification-queue"),
    path("verifikasi/setujui/", entry_views.verification_bulk, name="verification-bulk"),
]
