from __future__ import annotations

from django.urls import path, re_path

from scoring import (
    field_views,
    public_views,
    result_views,
    severity_views,
    sync_views,
    views,
)

urlpatterns = [
    # Teams and assignments (panitia)
    path("kompetisi/<int:competition_pk>/tim/", views.teams_page, name="scoring-teams"),
    path("kompetisi/<int:competition_pk>/tim/baru/", views.team_create_view, name="team-create"),
    path(
        "kompetisi/<int:competition_pk>/tim/<int:team_pk>/anggota/",
        views.member_add_view,
        name="member-add",
    ),
    path(
        "kompetisi/<int:competition_pk>/tim/<int:team_pk>/ketua/",
        views.leader_set_view,
        name="leader-set",
    ),
    path("kompetisi/<int:competition_pk>/tugaskan/", views.assign_view, name="assign"),
    path(
        "kompetisi/<int:competition_pk>/tugaskan-rata/", views.assign_bulk_view, name="assign-bulk"
    ),
    path(
        "kompetisi/<int:competition_pk>/tim/anggota/<int:member_pk>/pilar/",
        views.member_remit_page,
        name="member-remit",
    ),
    path("peserta/<int:pk>/lembar-nilai/", views.entry_sheets_page, name="scoring-entry"),
    path(
        "kompetisi/<int:competition_pk>/tablet/",
        sync_views.field_devices_page,
        name="field-devices",
    ),
    # The juror's day
    path("penilaian/", field_views.juror_list, name="juror-home"),
    # Further pages of the list by path, not ?halaman=: the offline kit keeps pages by path.
    path("penilaian/halaman/<int:number>/", field_views.juror_list, name="juror-home-page"),
    path("penilaian/<int:entry_pk>/", views.scoring_page, name="scoring-page"),
    path("penilaian/<int:entry_pk>/nilai/", views.score_api, name="score-api"),
    path("penilaian/<int:entry_pk>/foto/", views.photo_api, name="photo-api"),
    path("penilaian/<int:entry_pk>/kirim/", views.sheet_submit_view, name="sheet-submit"),
    path("penilaian/foto/<int:pk>/hapus/", views.photo_delete_api, name="photo-delete"),
    path("penilaian/sinkron/", sync_views.field_sync, name="field-sync"),
    # The field kit (the service worker sits at the root so that it controls every page)
    path("penilaian/kit/", field_views.kit, name="field-kit"),
    path("penilaian/kotak-keluar/", field_views.outbox_page, name="field-outbox"),
    path("sw.js", field_views.service_worker, name="field-sw"),
    path("manifest.webmanifest", field_views.manifest, name="field-manifest"),
    path("bukti/<int:pk>/<str:variant>/", views.evidence_file, name="evidence-file"),
    # Public
    path("hasil/", public_views.results_index, name="public-results"),
    path("hasil/<int:competition_pk>/", public_views.results_page, name="public-competition"),
    # The RT page (rt/<pk>/, "public-rt") is coaching's: it also shows the re-visits.
    # Results
    path("kompetisi/<int:competition_pk>/pleno/", result_views.plenary_page, name="plenary"),
    path(
        "kompetisi/<int:competition_pk>/pleno/keseragaman/",
        severity_views.severity_page,
        name="severity",
    ),
    path(
        "kompetisi/<int:competition_pk>/pleno/keseragaman/atur/",
        severity_views.severity_settings_page,
        name="severity-settings",
    ),
    re_path(
        r"^kompetisi/(?P<competition_pk>\d+)/pleno/ekspor\.(?P<export_format>xlsx|csv)$",
        result_views.plenary_export,
        name="plenary-export",
    ),
    path(
        "kompetisi/<int:competition_pk>/pleno/rt/<int:entry_pk>/",
        result_views.explain_page,
        name="explain",
    ),
    path(
        "kompetisi/<int:competition_pk>/pleno/rt/<int:entry_pk>/foto/",
        views.entry_photos_page,
        name="entry-photos",
    ),
    path("kompetisi/<int:competition_pk>/finalisasi/", result_views.finalise_view, name="finalise"),
    path("kompetisi/<int:competition_pk>/umumkan/", result_views.publish_view, name="publish"),
    path(
        "kompetisi/<int:competition_pk>/buka-hasil/",
        result_views.reopen_view,
        name="reopen-results",
    ),
    path(
        "kompetisi/<int:competition_pk>/laporan/<slug:name>/",
        result_views.report_page,
        name="report",
    ),
    re_path(
        r"^kompetisi/(?P<competition_pk>\d+)/laporan/(?P<name>[a-z]+)\.(?P<export_format>xlsx|csv)$",
        result_views.report_export,
        name="report-export",
    ),
]
