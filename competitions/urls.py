from __future__ import annotations

from django.urls import path

from competitions import views

urlpatterns = [
    path("kompetisi/", views.competition_list, name="competition-list"),
    path("kompetisi/<int:pk>/", views.competition_detail, name="competition-detail"),
    path("kompetisi/<int:pk>/lanjut/", views.competition_advance_view, name="competition-advance"),
]
