"""Forms for the panitia's team set-up and the juror's JSON changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bantar.models import Role, User
from competitions.models import Competition, Entry, EntryStatus, Kelurahan
from indicators.models import Indicator, Pillar
from scoring.images import ERROR_PHOTO_EMPTY
from scoring.models import AGENCY_SUGGESTIONS, JuryTeam


def _choices(form: forms.Form, name: str) -> forms.ModelChoiceField:
    """A model choice field of the form, to narrow its queryset to the page's competition."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class JurorChoiceField(forms.ModelChoiceField):
    """A juror as the panitia knows them: full name first, the username to tell twins apart."""

    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class TeamChoiceField(forms.ModelChoiceField):
    """A team by its own name ("Tim 3", "Tim Pagi"), whatever its model's text says."""

    def label_from_instance(self, obj: JuryTeam) -> str:
        return obj.name


def _jurors() -> QuerySet[User]:
    return User.objects.filter(role=Role.JURI, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Nama tim"), max_length=60)


class MemberForm(forms.Form):
    user = JurorChoiceField(label=_("Juri"), queryset=_jurors())
    agency = forms.CharField(
        label=_("Instansi"),
        max_length=80,
        widget=forms.TextInput(attrs={"list": "agency-suggestions"}),
    )
    home_kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan tempat tinggal"), queryset=Kelurahan.objects.all(), required=False
    )
    pillars = forms.ModelMultipleChoiceField(
        label=_("Pilar yang dinilai (kosong: semua)"),
        queryset=Pillar.objects.none(),  # the competition's: __init__
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    suggestions = AGENCY_SUGGESTIONS

    def __init__(self, *args: Any, competition: Competition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The competition's instrument's pillars, in order (issue 14).
        _choices(self, "pillars").queryset = competition_pillars(competition)


class LeaderForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Ketua tim"), queryset=User.objects.none())

    def __init__(self, *args: Any, team: JuryTeam, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "user").queryset = User.objects.filter(jury_memberships__team=team)


ERROR_VISIT_ORDER = _("Urutan kunjungan: bilangan bulat 1 sampai 99, atau kosong.")


class AssignForm(forms.Form):
    # Labelled: a refusal reads "Tim juri: ...", and a field rendered from the form is named.
    entry = forms.ModelChoiceField(label=_("RT"), queryset=Entry.objects.none())
    team = TeamChoiceField(label=_("Tim juri"), queryset=JuryTeam.objects.none())
    # The teams page sends the visit with the team (plan_visit); other callers leave it alone.
    plan_visit = forms.BooleanField(required=False, widget=forms.HiddenInput)
    visit_date = forms.DateField(
        label=_("Tanggal kunjungan"),
        required=False,
        error_messages={"invalid": _("Tanggal kunjungan tidak dikenal (contoh: 2026-06-12).")},
    )
    visit_order = forms.IntegerField(
        label=_("Urutan kunjungan"),
        required=False,
        min_value=1,
        max_value=99,
        error_messages={
            "invalid": ERROR_VISIT_ORDER,
            "min_value": ERROR_VISIT_ORDER,
            "max_value": ERROR_VISIT_ORDER,
        },
    )

    def __init__(self, *args: Any, competition: Competition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "entry").queryset = Entry.objects.filter(
            competition=competition, status=EntryStatus.VERIFIED
        )
        _choices(self, "team").queryset = JuryTeam.objects.filter(competition=competition)


class RemitForm(forms.Form):
    pillars = forms.ModelMultipleChoiceField(
        label=_("Pilar yang dinilai"),
        queryset=Pillar.objects.none(),  # the competition's: __init__
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tidak ada yang dicentang: semua pilar."),
    )
    reason = forms.CharField(
        label=_("Alasan perubahan"),
        max_length=300,
        required=False,
        help_text=_("Wajib bila tim ini sudah mengirim lembar nilai."),
    )

    def __init__(self, *args: Any, competition: Competition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "pillars").queryset = competition_pillars(competition)


class RecusalForm(forms.Form):
    """Only a juror of the team assigned to the entry can step back from scoring it."""

    juror = JurorChoiceField(label=_("Juri"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Alasan"), max_length=300)

    def __init__(self, *args: Any, entry: Entry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "juror").queryset = (
            _jurors().filter(jury_memberships__team__assignments__entry=entry).distinct()
        )


class ExcuseForm(forms.Form):
    """An expected juror of the entry's team whose sheet the panitia stops waiting for."""

    juror = forms.ModelChoiceField(queryset=User.objects.none(), widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Alasan dimaafkan"),
        max_length=300,
        error_messages={"required": _("Tuliskan alasan lembar nilai ini dimaafkan.")},
    )

    def __init__(self, *args: Any, entry: Entry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "juror").queryset = User.objects.filter(
            jury_memberships__team__assignments__entry=entry
        ).distinct()


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan membuka kembali"),
        max_length=300,
        error_messages={"required": _("Tuliskan alasan lembar nilai dibuka kembali.")},
    )


ERROR_BAD_SCORE = _("Nilai harus bilangan bulat pada skala penilaian, atau kosong.")


def competition_pillars(competition: Competition) -> QuerySet[Pillar]:
    return Pillar.objects.filter(instrument=competition.instrument_id).order_by("order")


def competition_indicators(competition_id: int) -> QuerySet[Indicator]:
    """The indicators of the competition's instrument: a code names one only there."""
    return Indicator.objects.filter(instrument__competitions=competition_id)


class ScoreChangeForm(forms.Form):
    """One change sent by the tablet (JSON body)."""

    client_id = forms.UUIDField(
        error_messages={"required": _("Perubahan tanpa id perangkat ditolak.")}
    )
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(),  # the competition's instrument's: __init__
        to_field_name="code",
        error_messages={"invalid_choice": _("Indikator tidak dikenal.")},
    )
    value = forms.IntegerField(required=False, error_messages={"invalid": ERROR_BAD_SCORE})
    note = forms.CharField(required=False, strip=True, max_length=2000)

    def __init__(self, *args: Any, competition_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "indicator").queryset = competition_indicators(
            competition_id
        ).select_related("pillar")


class PhotoForm(forms.Form):
    client_id = forms.UUIDField()
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(), to_field_name="code", required=False
    )
    photo = forms.FileField(
        error_messages={"required": _("Pilih foto terlebih dahulu."), "empty": ERROR_PHOTO_EMPTY}
    )
    taken_at = forms.DateTimeField(required=False)
    latitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )

    def __init__(self, *args: Any, competition_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "indicator").queryset = competition_indicators(competition_id)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A position is both coordinates or none: half of one is no place at all. The photo
        # is the evidence, so it is kept and the half position dropped, as with EXIF GPS.
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            cleaned["latitude"] = cleaned["longitude"] = None
        return cleaned
