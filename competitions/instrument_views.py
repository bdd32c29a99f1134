"""A new competition on a chosen instrument (issue 14), from the instrument's page.

The weight fields are the instrument's pillars, in its order; competition_create checks
them against the instrument (Competition.clean) and copies its scale.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bantar.access import permission_required
from competitions.services import competition_create
from indicators.models import Instrument
from indicators.selectors import default_weights_for, pillars_of


class CompetitionNewForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Tahun"), min_value=2014, max_value=2100)
    period = forms.IntegerField(label=gettext_lazy("Periode"), min_value=1, max_value=4, initial=1)
    title = forms.CharField(
        label=gettext_lazy("Judul"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Kosong: Lomba Kampung BANTAR dan tahunnya."),
    )
    registration_closes = forms.DateField(
        label=gettext_lazy("Pendaftaran ditutup"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = default_weights_for(instrument)
        self.codes = []
        for pillar in pillars_of(instrument):
            self.codes.append(pillar.code)
            self.fields[f"weight_{pillar.code}"] = forms.DecimalField(
                label=gettext_lazy("Bobot pilar %(name)s") % {"name": pillar.name},
                min_value=Decimal(0),
                max_digits=6,
                decimal_places=2,
                initial=defaults.get(pillar.code, "1"),
            )

    def weights(self) -> dict[str, str]:
        return {code: str(self.cleaned_data[f"weight_{code}"]) for code in self.codes}


@permission_required("competitions.create_competition")
def competition_new(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(Instrument, pk=pk)
    form = CompetitionNewForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        closes = data["registration_closes"]
        try:
            competition = competition_create(
                year=data["year"],
                period=data["period"],
                title=data["title"],
                registration_closes=timezone.make_aware(datetime.combine(closes, time(23, 59)))
                if closes
                else None,
                instrument=instrument,
                pillar_weights=form.weights(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Kompetisi %(title)s dibuat.") % {"title": competition})
            return redirect("competition-detail", pk=competition.pk)
    return render(
        request, "competitions/competition_new.html", {"instrument": instrument, "form": form}
    )
