from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from competitions.models import CompetitionStatus


class AdvanceForm(forms.Form):
    """Names the stage the panitia means to enter, so a double click cannot skip two."""

    to_status = forms.ChoiceField(choices=CompetitionStatus.choices, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("Saya sudah memeriksa dan ingin melanjutkan ke tahap berikutnya."), required=True
    )
