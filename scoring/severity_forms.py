"""The panitia's forms for team severity: threshold and normalisation; the search for
calibration RTs and the choice of one (issues 12.5, 19)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bantar.filters import ScopedFilterSet
from bantar.models import User
from competitions.filters import category_filter, entry_search, kecamatan_filter, kelurahan_filter
from competitions.models import Competition, Entry
from scoring.result_filters import KelurahanSelect, ResultFilterForm

ERROR_THRESHOLD = _("Batas selisih berupa angka dari 0,01 sampai 10, misalnya 0,5.")
ERROR_CALIBRATION_CHOICE = _(
    "Pilihan RT kalibrasi tidak dikenal: pilih RT dari daftar pencarian di halaman ini."
)
ADD, REMOVE = "tambah", "hapus"


class SeveritySettingsForm(forms.Form):
    threshold = forms.CharField(
        label=_("Batas selisih rata-rata tim (level)"),
        max_length=6,
        help_text=_("Tim yang selisihnya dari tim lain lebih dari ini ditandai. Misalnya 0,5."),
        error_messages={"required": ERROR_THRESHOLD},
    )
    normalise = forms.BooleanField(
        label=_("Normalisasi nilai juri (skor z, dikembalikan ke skala kompetisi)"),
        required=False,
        help_text=_(
            "Mati: hasil dihitung dari nilai juri apa adanya. Hidup: nilai setiap juri dibakukan "
            "sebelum dirata-rata. Hanya dapat diubah sebelum hasil final."
        ),
    )

    def __init__(self, *args: Any, competition: Competition, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "threshold": str(competition.severity_threshold).replace(".", ","),
                "normalise": competition.normalise_levels,
            },
        )
        super().__init__(*args, **kwargs)

    def clean_threshold(self) -> Decimal:
        text = self.cleaned_data["threshold"].strip().replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(ERROR_THRESHOLD, code="threshold") from None
        if not value.is_finite() or not Decimal("0.01") <= value <= 10 or value != round(value, 2):
            raise forms.ValidationError(ERROR_THRESHOLD, code="threshold")
        return value


class CalibrationMarkForm(forms.Form):
    """One RT added to or removed from the calibration RTs (a button of the settings page)."""

    calibration = forms.ChoiceField(
        choices=[(ADD, ADD), (REMOVE, REMOVE)],
        error_messages={
            "required": ERROR_CALIBRATION_CHOICE,
            "invalid_choice": ERROR_CALIBRATION_CHOICE,
        },
    )
    entry = forms.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "required": ERROR_CALIBRATION_CHOICE,
            "invalid": ERROR_CALIBRATION_CHOICE,
            "min_value": ERROR_CALIBRATION_CHOICE,
            "max_value": ERROR_CALIBRATION_CHOICE,
        },
    )


class CalibrationFilter(ScopedFilterSet):
    """The search for calibration RTs: kecamatan, kelurahan, category, RT number or kampung."""

    q = django_filters.CharFilter(label=_("Cari"), method="filter_search", max_length=100)
    kecamatan = kecamatan_filter()
    kelurahan = kelurahan_filter(widget=KelurahanSelect)
    category = category_filter()

    class Meta:
        model = Entry
        fields: list[str] = []
        form = ResultFilterForm  # a kelurahan of another kecamatan is refused, not dropped

    def __init__(
        self,
        data: Any = None,
        *,
        queryset: QuerySet[Entry],
        user: User,
        competition: Competition,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            data,
            queryset=queryset,
            user=user,
            competition=competition,
            search_placeholder=str(_("No. RT, kampung atau kelurahan")),
            **kwargs,
        )

    def filter_search(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        # Never the head of RT: choosing a calibration RT needs no personal data.
        return entry_search(queryset, value, with_contacts=False)
