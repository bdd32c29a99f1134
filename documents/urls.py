from __future__ import annotations

from django.urls import path

from documents import views

urlpatterns = [
    path("kompetisi/<int:competition_pk>/dokumen/", views.documents_page, name="documents"),
    path(
        "kompetisi/<int:competition_pk>/dokumen/lampiran-sk.pdf",
        views.decree_pdf,
        name="document-decree",
    ),
    path(
        "kompetisi/<int:competition_pk>/dokumen/piagam.pdf",
        views.certificates_pdf,
        name="document-certificates",
    ),
    path(
        "kompetisi/<int:competition_pk>/dokumen/piagam/<int:entry_pk>.pdf",
        views.certificate_pdf,
        name="document-certificate",
    ),
    path(
        "kompetisi/<int:competition_pk>/dokumen/rekap-kecamatan.pdf",
        views.rekap_pdf,
        name="document-rekap",
    ),
    path(
        "kompetisi/<int:competition_pk>/dokumen/rapor.pdf",
        views.rapor_bundle_pdf,
        name="document-rapor-all",
    ),
    path(
        "kompetisi/<int:competition_pk>/dokumen/rapor/<int:entry_pk>.pdf",
        views.rapor_pdf,
        name="document-rapor",
    ),
    # Public: the address in the piagam's QR code.
    path("piagam/<str:code>/", views.certificate_verify, name="certificate-verify"),
]
