"""The form that starts a re-visit round: a seeded draw or the panitia's own choice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bantar.models import Role, User
from bantar.numbers import comma
from coaching.models import DEFAULT_THRESHOLD, Selection
from coaching.revisits import SEED_LIMIT, Winner
from competitions.models import Kecamatan, Kelurahan
from scoring.result_filters import ERROR_KELURAHAN_ELSEWHERE

ERROR_SIZE_REQUIRED = _("Isi jumlah RT yang diundi.")
ERROR_HAND_REQUIRED = _("Centang RT yang dikunjungi ulang.")
ERROR_SEARCH_KECAMATAN = _("Kecamatan tidak dikenal: pilih dari daftar, atau Semua kecamatan.")
ERROR_PRINT_AREA = _(
    "Wilayah itu tidak ada di wilayah Anda: pilih dari daftar. Yang dicetak wilayah Anda sendiri."
)
ERROR_HAND_UNKNOWN = _(
    "RT yang dicentang bukan pemenang lomba ini: cari lagi dan centang dari daftar pemenang."
)


class RevisitForm(forms.Form):
    selection = forms.ChoiceField(
        label=_("Cara memilih RT"),
        choices=Selection.choices,
        initial=Selection.DRAW,
        widget=forms.RadioSelect(attrs={"class": "form-check-input pick me-2"}),
    )
    size = forms.IntegerField(label=_("Jumlah RT yang diundi"), min_value=1, required=False)
    seed = forms.IntegerField(
        label=_("Benih undian (kosong: dibuat otomatis)"),
        min_value=1,
        max_value=SEED_LIMIT,
        required=False,
        help_text=_("Benih yang sama atas daftar pemenang yang sama memberi undian yang sama."),
    )
    rts = forms.TypedMultipleChoiceField(
        label=_("RT pemenang"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input pick m-0"}),
        error_messages={"invalid_choice": ERROR_HAND_UNKNOWN},
    )
    threshold = forms.DecimalField(
        label=_("Batas penurunan (poin)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        localize=True,
        initial=DEFAULT_THRESHOLD,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
        help_text=_("Turun paling banyak sekian poin dari nilai saat menang: terjaga."),
    )

    def __init__(self, *args: Any, winners: list[Winner], **kwargs: Any) -> None:
        """`winners`: the ones the panitia may tick here, i.e. the ticked RTs that are winners
        (`coaching.revisits.chosen_winners`): the page searches the rest a page at a time."""
        super().__init__(*args, **kwargs)
        rts = self.fields["rts"]
        assert isinstance(rts, forms.TypedMultipleChoiceField)
        rts.choices = [(w.rt.pk, f"{w.rt} · {comma(w.result.final)}") for w in winners]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("selection") == Selection.DRAW and not data.get("size"):
            self.add_error("size", ERROR_SIZE_REQUIRED)
        if data.get("selection") == Selection.HAND and not data.get("rts"):
            self.add_error("rts", ERROR_HAND_REQUIRED)
        return data


class WinnerSearchForm(forms.Form):
    """The search of the new round's page: which winners to list (a page of them)."""

    q = forms.CharField(
        label=_("Cari pemenang"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "type": "search",
                "placeholder": _("No. RT, kampung atau kelurahan"),
            }
        ),
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.order_by("code"),
        required=False,
        empty_label=_("Semua kecamatan"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": ERROR_SEARCH_KECAMATAN},
    )
    halaman = forms.IntegerField(min_value=1, required=False)


class ConcludeForm(forms.Form):
    threshold = forms.DecimalField(
        label=_("Batas penurunan (poin)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )


class _KelurahanChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.kecamatan.name})"


class CoachingPrintForm(forms.Form):
    """What the coaching view's print page prints (?cetak=1): the user's whole area, one
    kecamatan or one kelurahan of it. Only the user's own regions are choices: a value outside
    them is refused and the user's own area is printed."""

    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.none(),
        required=False,
        empty_label=_("Semua kecamatan"),
        error_messages={"invalid_choice": ERROR_PRINT_AREA},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kelurahan = _KelurahanChoice(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.none(),
        required=False,
        empty_label=_("Semua kelurahan"),
        error_messages={"invalid_choice": ERROR_PRINT_AREA},
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        # A kecamatan is a choice only for whom it lies wholly inside the own area: the
        # kecamatan that holds a lurah's kelurahan is "its" kecamatan for the region filter,
        # but printing it would show the other kelurahan of it.
        covers_kecamatan = user.is_city_wide or user.has_role(Role.KECAMATAN)
        fields["kecamatan"].queryset = (  # type: ignore[attr-defined]
            Kecamatan.objects.for_user(user) if covers_kecamatan else Kecamatan.objects.none()
        )
        fields["kelurahan"].queryset = (  # type: ignore[attr-defined]
            Kelurahan.objects.for_user(user)
            .select_related("kecamatan")
            .order_by("kecamatan__name", "name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kecamatan, kelurahan = data.get("kecamatan"), data.get("kelurahan")
        if kecamatan and kelurahan and kelurahan.kecamatan_id != kecamatan.pk:
            raise forms.ValidationError(ERROR_KELURAHAN_ELSEWHERE)
        return data
