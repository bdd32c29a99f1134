"""Forms clean input only; the rules live in competitions/services.py."""

from __future__ import annotations

import uuid
from html import escape
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout
from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bantar.models import User
from bantar.spreadsheets import Limits, check_upload_size
from competitions.imports import ERROR_IMPORT_REASON
from competitions.models import (
    RT,
    Competition,
    CompetitionStatus,
    Entry,
    EntryStatus,
    Kelurahan,
)
from competitions.services import ERROR_KK_NOT_POSITIVE, ERROR_RT_OTHER_KELURAHAN, EntryData
from competitions.validators import normalize_phone

ERROR_LOCATION_PAIR = _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya.")
ERROR_IMPORT_FORMAT = _("Pilih berkas Excel (.xlsx) atau CSV (.csv).")


class AdvanceForm(forms.Form):
    """Names the stage the panitia means to enter, so a double click cannot skip two."""

    to_status = forms.ChoiceField(choices=CompetitionStatus.choices, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("Saya sudah memeriksa dan ingin melanjutkan ke tahap berikutnya."), required=True
    )

    def __init__(self, *args: Any, warnings: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if warnings:  # the confirmation names what the panitia goes ahead without
            self.fields["confirm"].label = ngettext(
                "Saya sudah membaca %(count)s hal yang belum lengkap di atas dan tetap ingin "
                "melanjutkan ke tahap berikutnya.",
                "Saya sudah membaca %(count)s hal yang belum lengkap di atas dan tetap ingin "
                "melanjutkan ke tahap berikutnya.",
                len(warnings),
            ) % {"count": len(warnings)}


class RTSelect(forms.Select):
    """Each RT option carries its kampung's name (the form fills it in when chosen) and
    whether the RT already has an entry in this competition.

    Rendered here in one pass: Django renders each option through a template of its own,
    which for the RTs of a kelurahan at 10x city scale (243) was most of the page's time.
    The markup is Django's select with these two data attributes.
    """

    taken: dict[int, str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.taken = {}

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        chosen = {str(item) for item in self.format_value(value)}
        options = []
        for option_value, label in self.choices:
            rt = getattr(option_value, "instance", None)
            key = "" if option_value in (None, "") else str(option_value)
            extra = ""
            if isinstance(rt, RT):
                extra = f' data-kampung="{escape(rt.name_kampung)}"'
                if rt.pk in self.taken:
                    extra += ' data-taken="1"'
            if key in chosen:
                extra += " selected"
            options.append(f'<option value="{escape(key)}"{extra}>{escape(str(label))}</option>')
        # Every value above went through html.escape; the attributes through flatatt.
        return SafeString(
            f'<select name="{escape(name)}"{flatatt(final_attrs)}>\n'
            + "\n".join(options)
            + "\n</select>"
        )


class RTChoiceField(forms.ModelChoiceField):
    """An RT as the officer knows it: its number, then its kampung's name, and a mark
    when it already has an entry in the competition (choosing it again is refused)."""

    widget = RTSelect

    def label_from_instance(self, obj: RT) -> str:
        label = f"{obj.label} {obj.name_kampung}".strip()
        assert isinstance(self.widget, RTSelect)
        status = self.widget.taken.get(obj.pk)
        if status is not None:
            return _("%(rt)s · sudah terdaftar (%(status)s)") % {"rt": label, "status": status}
        return label


class EntryForm(forms.Form):
    """A kelurahan officer proposes one RT of its kelurahan."""

    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    rt = RTChoiceField(
        label=_("RT yang sudah terdata"),
        queryset=RT.objects.none(),
        required=False,
        empty_label=_("- RT baru (isi nomor di bawah) -"),
        error_messages={"invalid_choice": ERROR_RT_OTHER_KELURAHAN},
    )
    new_rt_number = forms.IntegerField(
        label=_("atau nomor RT baru"), required=False, min_value=1, max_value=999
    )
    kampung_name = forms.CharField(label=_("Nama kampung"), max_length=120)
    ketua_rt = forms.CharField(label=_("Nama ketua RT"), max_length=120)
    phone = forms.CharField(
        label=_("Telepon ketua RT"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    kk_count = forms.IntegerField(
        label=_("Jumlah KK"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        help_text=_("Jumlah kepala keluarga di RT ini menurut data RT."),
        error_messages={"invalid": ERROR_KK_NOT_POSITIVE},
    )
    address = forms.CharField(label=_("Alamat / patokan"), max_length=250, required=False)
    latitude = forms.DecimalField(
        label=_("Lintang (opsional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=_("Bujur (opsional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        officer: User,
        competition: Competition | None = None,
        entry: Entry | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        rt = self.fields["rt"]
        assert isinstance(rt, forms.ModelChoiceField)  # declared above; tells mypy the field's type
        rt.queryset = RT.objects.for_user(officer).select_related("kelurahan")
        if competition is not None:
            assert isinstance(rt.widget, RTSelect)
            others = Entry.objects.filter(competition=competition, rt__in=rt.queryset)
            if entry is not None:
                others = others.exclude(pk=entry.pk)
            # Labels once per status, not per entry (243 entries of a kelurahan at 10x).
            labels = {status: str(label) for status, label in EntryStatus.choices}
            rt.widget.taken = {
                rt_id: labels.get(status, status)
                for rt_id, status in others.order_by().values_list("rt_id", "status")
            }
        if not self.is_bound and not self.initial.get("client_token"):
            self.initial["client_token"] = uuid.uuid4()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "client_token",
            Div(
                Div("rt", css_class="col-md-7"),
                Div("new_rt_number", css_class="col-md-5"),
                css_class="row",
            ),
            "kampung_name",
            Div(
                Div("ketua_rt", css_class="col-md-7"),
                Div("phone", css_class="col-md-5"),
                css_class="row",
            ),
            Field("kk_count", data_kk_input="1"),
            HTML(
                '<div id="category-preview" class="alert alert-secondary py-2" aria-live="polite"></div>'
            ),
            "address",
            Div(
                Div("latitude", css_class="col-6"),
                Div("longitude", css_class="col-6"),
                css_class="row",
            ),
            "note",
        )

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("latitude", ERROR_LOCATION_PAIR)
        return cleaned

    def entry_data(self) -> EntryData:
        data = self.cleaned_data
        return EntryData(
            kampung_name=data["kampung_name"].strip(),
            ketua_rt=data["ketua_rt"].strip(),
            phone=data["phone"],
            kk_count=data["kk_count"],
            address=data["address"].strip(),
            latitude=data["latitude"],
            longitude=data["longitude"],
            note=data["note"].strip(),
        )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("Alasan pengembalian"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _(
                "Tuliskan alasan pengembalian agar kelurahan tahu apa yang harus diperbaiki."
            )
        },
    )


class EntryFilterForm(forms.Form):
    """The filters of the entry list; every choice is limited to the user's scope."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua status")), *EntryStatus.choices]
    )
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"),
        required=False,
        queryset=Kelurahan.objects.none(),
        empty_label=_("Semua kelurahan"),
    )
    category = forms.ChoiceField(label=_("Kategori"), required=False)

    def __init__(self, *args: Any, user: User, competition: Competition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kelurahan, category = self.fields["kelurahan"], self.fields["category"]
        assert isinstance(kelurahan, forms.ModelChoiceField)  # declared above, for mypy
        assert isinstance(category, forms.ChoiceField)
        kelurahan.queryset = Kelurahan.objects.for_user(user).select_related("kecamatan")
        category.choices = [("", _("Semua kategori"))] + [
            (category.code, category.name) for category in competition.size_categories.all()
        ]


class EntryImportForm(forms.Form):
    import_file = forms.FileField(label=_("Berkas daftar RT (.xlsx atau .csv)"))
    status = forms.ChoiceField(
        label=_("Status peserta hasil impor"),
        choices=[
            (EntryStatus.PROPOSED, _("Diusulkan (masih diverifikasi kecamatan)")),
            (EntryStatus.VERIFIED, _("Terverifikasi")),
        ],
        initial=EntryStatus.PROPOSED,
    )
    reason = forms.CharField(
        label=_("Alasan langsung terverifikasi"),
        required=False,
        max_length=300,
        help_text=_(
            "Wajib bila memilih Terverifikasi, misalnya nomor berita acara verifikasi kecamatan. "
            "Dicatat di riwayat setiap peserta."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = Limits.from_settings()
        self.fields["import_file"].help_text = _(
            "Paling besar %(mb)s MB, %(rows)s baris data dan %(columns)s kolom. Sel tidak boleh "
            "berisi rumus Excel. CSV: kolom dipisah koma atau titik koma."
        ) % {
            "mb": f"{limits.max_bytes / (1024 * 1024):g}",
            "rows": f"{limits.max_rows:,}".replace(",", "."),
            "columns": limits.max_columns,
        }

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        # Refused from its size alone, before a byte of it is read.
        check_upload_size(upload.size, Limits.from_settings())
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(ERROR_IMPORT_FORMAT)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") == EntryStatus.VERIFIED and not cleaned.get("reason", "").strip():
            self.add_error("reason", ERROR_IMPORT_REASON)
        return cleaned
