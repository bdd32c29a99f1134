from __future__ import annotations

from django.urls import path

from indicators import instrument_views, views

urlpatterns = [
    path("panduan/", views.guide, name="guide"),
]

# The panitia's instrument editor (issue 14).
urlpatterns += [
    path("instrumen/", instrument_views.instrument_list, name="instrument-list"),
    path("instrumen/<int:pk>/", instrument_views.instrument_detail, name="instrument-detail"),
    path(
        "instrumen/<int:pk>/pratinjau/",
        instrument_views.instrument_preview,
        name="instrument-preview",
    ),
    path(
        "instrumen/<int:pk>/salin/", instrument_views.instrument_copy_view, name="instrument-copy"
    ),
    path("instrumen/<int:pk>/ubah/", instrument_views.instrument_edit, name="instrument-edit"),
    path(
        "instrumen/<int:pk>/siap/", instrument_views.instrument_ready_view, name="instrument-ready"
    ),
    path("instrumen/<int:pk>/pilar/", instrument_views.pillar_add_view, name="pillar-add"),
    path("instrumen/pilar/<int:pk>/", instrument_views.pillar_edit_view, name="pillar-edit"),
    path("instrumen/pilar/<int:pk>/urutan/", instrument_views.pillar_move_view, name="pillar-move"),
    path(
        "instrumen/pilar/<int:pk>/hapus/", instrument_views.pillar_remove_view, name="pillar-remove"
    ),
    path(
        "instrumen/pilar/<int:pk>/indikator/",
        instrument_views.indicator_add_view,
        name="indicator-add",
    ),
    path("instrumen/indikator/<int:pk>/", instrument_views.indicator_edit, name="indicator-edit"),
    path(
        "instrumen/indikator/<int:pk>/hapus/",
        instrument_views.indicator_remove_view,
        name="indicator-remove",
    ),
]
