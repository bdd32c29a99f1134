"""The panitia's form for team severity: threshold, normalisation, calibration RTs (issue 12.5)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from competitions.models import Competition, Entry, EntryStatus

ERROR_THRESHOLD = _("Batas selisih berupa angka dari 0,01 sampai 10, misalnya 0,5.")


class CalibrationChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.rt} · {obj.assignment.team.name}"


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
    calibration = CalibrationChoice(
        label=_("RT kalibrasi (dinilai semua tim)"),
        queryset=Entry.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Nilai tim yang ditugaskan tetap dihitung untuk hasil RT itu; nilai tim lain hanya "
            "dipakai untuk membandingkan tim di panel Keseragaman penilaian."
        ),
    )

    def __init__(self, *args: Any, competition: Competition, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "threshold": str(competition.severity_threshold).replace(".", ","),
                "normalise": competition.normalise_levels,
                "calibration": list(
                    competition.entries.filter(is_calibration=True).values_list("pk", flat=True)
                ),
            },
        )
        super().__init__(*args, **kwargs)
        field = self.fields["calibration"]
        assert isinstance(field, CalibrationChoice)
        field.queryset = Entry.objects.filter(
            competition=competition, status=EntryStatus.VERIFIED, assignment__isnull=False
        ).select_related("rt__kelurahan", "assignment__team")

    def clean_threshold(self) -> Decimal:
        text = self.cleaned_data["threshold"].strip().replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(ERROR_THRESHOLD, code="threshold") from None
        if not value.is_finite() or not Decimal("0.01") <= value <= 10 or value != round(value, 2):
            raise forms.ValidationError(ERROR_THRESHOLD, code="threshold")
        return value
