"""Forms of the instrument editor; the services check everything the model checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import SCALE_HIGHEST, SCALE_LOWEST, Indicator, Instrument


class InstrumentForm(forms.Form):
    name = forms.CharField(label=_("Nama instrumen"), max_length=200)
    legal_basis = forms.CharField(label=_("Dasar hukum"), max_length=200, required=False)
    scale_min = forms.IntegerField(
        label=_("Nilai terendah"), min_value=SCALE_LOWEST, max_value=SCALE_HIGHEST
    )
    scale_max = forms.IntegerField(
        label=_("Nilai tertinggi"), min_value=SCALE_LOWEST, max_value=SCALE_HIGHEST
    )
    level_names = forms.CharField(
        label=_("Nama tingkat"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Satu nama per baris, dari nilai terendah ke tertinggi. Uraian untuk nilai yang "
            "tidak lagi masuk skala dihapus."
        ),
    )

    @classmethod
    def initial_for(cls, instrument: Instrument) -> dict[str, Any]:
        return {
            "name": instrument.name,
            "legal_basis": instrument.legal_basis,
            "scale_min": instrument.scale_min,
            "scale_max": instrument.scale_max,
            "level_names": "\n".join(
                (instrument.level_names or {}).get(str(value), "") for value in instrument.scale
            ),
        }

    def level_name_map(self) -> dict[int, str]:
        """Line n names value scale_min + n; the model refuses a count that misses the scale."""
        lines = [line.strip() for line in self.cleaned_data["level_names"].splitlines()]
        lines = [line for line in lines if line]
        return {self.cleaned_data["scale_min"] + n: line for n, line in enumerate(lines)}


class PillarAddForm(forms.Form):
    code = forms.CharField(label=_("Kode"), max_length=8)
    name = forms.CharField(label=_("Nama"), max_length=40)


class PillarEditForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=40)
    description = forms.CharField(label=_("Uraian"), required=False, widget=forms.Textarea)


class PillarMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Naik")), ("down", _("Turun"))])


class IndicatorAddForm(forms.Form):
    code = forms.CharField(label=_("Kode"), max_length=10)
    text = forms.CharField(label=_("Indikator"), widget=forms.Textarea(attrs={"rows": 3}))


class IndicatorForm(forms.Form):
    """Text, guidance, and one descriptor field per value of the instrument's scale."""

    text = forms.CharField(label=_("Indikator"), widget=forms.Textarea(attrs={"rows": 3}))
    guidance = forms.CharField(
        label=_("Petunjuk bagi juri"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        instrument = indicator.pillar.instrument
        descriptors = {level.value: level.descriptor for level in indicator.levels.all()}
        kwargs.setdefault(
            "initial",
            {
                "text": indicator.text,
                "guidance": indicator.guidance,
                **{f"level_{v}": descriptors.get(v, "") for v in instrument.scale},
            },
        )
        super().__init__(*args, **kwargs)
        self.values = list(instrument.scale)
        for value in self.values:
            self.fields[f"level_{value}"] = forms.CharField(
                label=_("Uraian nilai %(value)s (%(name)s)")
                % {"value": value, "name": instrument.level_name(value)},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def descriptors(self) -> dict[int, str]:
        return {value: self.cleaned_data[f"level_{value}"] for value in self.values}
