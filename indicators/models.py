"""Instruments (instrumen penilaian): the pillars, indicators, scale and level names a
competition is judged by.

Each competition uses one instrument (competitions.Competition.instrument). A revised
regulation is a new version (`parent` points at the copied one), never an edit of the one
past juries scored against. The shipped instrument is Perwali Jambi No. 11 Tahun 2019:
3 pillars, 21 indicators, levels 1-5, loaded from `fixtures/indicators.json`.

Read them through indicators/selectors.py (instrument_for, pillars_of, ...), not through
Pillar.objects.all(), which holds the pillars of every instrument.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Codes are short, upper-case and start with a letter ("B", "B1", "LH", "K10"): they key the
# competition's weights, the result hashes' JSON and the scoring page's fields.
PILLAR_CODE = RegexValidator(
    r"^[A-Z][A-Z0-9]{0,7}$",
    _("Kode pilar: huruf besar di depan, lalu huruf besar atau angka, paling banyak 8."),
)
INDICATOR_CODE = RegexValidator(
    r"^[A-Z][A-Z0-9]{0,9}$",
    _("Kode indikator: huruf besar di depan, lalu huruf besar atau angka, paling banyak 10."),
)
SCALE_LOWEST = 0
SCALE_HIGHEST = 10
# Colour steps of a level, from the lowest value of a scale (red) to its highest (green).
LEVEL_TONES = 5

ERROR_SCALE = _(
    "Skala tidak sah: nilai terendah %(low)s dan tertinggi %(high)s harus di antara "
    "%(min)s dan %(max)s, dan terendah lebih kecil dari tertinggi."
)
ERROR_LEVEL_NAMES = _(
    "Nama tingkat harus ada untuk setiap nilai %(low)s sampai %(high)s, tidak kosong, "
    "dan tidak untuk nilai lain."
)
ERROR_LEVEL_OUTSIDE_SCALE = _(
    "Nilai %(value)s di luar skala instrumen %(instrument)s (%(low)s-%(high)s)."
)
ERROR_INDICATOR_OTHER_INSTRUMENT = _(
    "Indikator %(code)s dan pilarnya harus milik instrumen yang sama."
)


class InstrumentManager(models.Manager["Instrument"]):
    def get_by_natural_key(self, name: str, version: int) -> Instrument:
        return self.get(name=name, version=version)


class Instrument(models.Model):
    """An assessment instrument: its legal basis, scale and level names; pillars hang off it."""

    name = models.CharField(_("nama instrumen"), max_length=200)
    legal_basis = models.CharField(
        _("dasar hukum"),
        max_length=200,
        blank=True,
        help_text=_("Misalnya Perwali Jambi No. 11 Tahun 2019."),
    )
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    scale_min = models.PositiveSmallIntegerField(_("nilai terendah"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("nilai tertinggi"), default=5)
    # {"1": "Sangat kurang", ..., "5": "Sangat baik"}: one name per value of the scale; JSON
    # keys are strings. Shown through gettext, so the shipped names are translated.
    level_names = models.JSONField(_("nama tingkat"), default=dict)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("disalin dari"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    # A copy starts as a draft the panitia is still editing; only a ready instrument is offered
    # for a new competition and serves as the default (indicators.selectors.newest_instrument).
    ready = models.BooleanField(
        _("siap dipakai"),
        default=False,
        help_text=_("Hanya instrumen yang siap dipakai dapat dipilih untuk kompetisi baru."),
    )

    objects = InstrumentManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="instrument_unique_version"),
        ]
        verbose_name = _("instrumen penilaian")
        verbose_name_plural = _("instrumen penilaian")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def natural_key(self) -> tuple[str, int]:
        return (self.name, self.version)

    @property
    def scale(self) -> range:
        """Every level a juror may give, lowest first."""
        return range(self.scale_min, self.scale_max + 1)

    def level_name(self, value: int) -> str:
        name = (self.level_names or {}).get(str(value))
        # The shipped names are msgids (LEVEL_NAMES below): English pages show them translated.
        return gettext(name) if name else str(value)

    def level_tone(self, value: int) -> int:
        """The colour step (1 lowest .. LEVEL_TONES highest) of a value by its place in this
        scale, not by the value itself: on 1-4 the top level is as green as 5 is on 1-5, and
        0-10 gets colours at all (static/css/bantar.css .level-dot[data-tone])."""
        span = self.scale_max - self.scale_min
        if span <= 0:
            return LEVEL_TONES
        place = min(max(value - self.scale_min, 0), span) / span
        return 1 + int(place * (LEVEL_TONES - 1) + 0.5)

    def clean(self) -> None:
        low, high = self.scale_min, self.scale_max
        if low is None or high is None:
            return
        if not SCALE_LOWEST <= low < high <= SCALE_HIGHEST:
            raise ValidationError(
                {
                    "scale_max": ERROR_SCALE
                    % {"low": low, "high": high, "min": SCALE_LOWEST, "max": SCALE_HIGHEST}
                }
            )
        names = self.level_names
        if (
            not isinstance(names, dict)
            or set(names) != {str(v) for v in self.scale}
            or any(not isinstance(name, str) or not name.strip() for name in names.values())
        ):
            raise ValidationError({"level_names": ERROR_LEVEL_NAMES % {"low": low, "high": high}})


class PillarManager(models.Manager["Pillar"]):
    def get_by_natural_key(self, code: str, name: str, version: int) -> Pillar:
        return self.get(code=code, instrument__name=name, instrument__version=version)


class Pillar(models.Model):
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrumen"),
        on_delete=models.PROTECT,
        related_name="pillars",
    )
    code = models.CharField(_("kode"), max_length=8, validators=[PILLAR_CODE])
    name = models.CharField(_("nama"), max_length=40)
    # The pillars' order on every page, and the tie-break order of the results.
    order = models.PositiveSmallIntegerField(_("urutan"))
    description = models.TextField(_("uraian"), blank=True)

    objects = PillarManager()

    class Meta:
        ordering = ["instrument_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="pillar_unique_code"),
            models.UniqueConstraint(fields=["instrument", "order"], name="pillar_unique_order"),
        ]
        verbose_name = _("pilar")
        verbose_name_plural = _("pilar")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[Any, ...]:
        return (self.code, *self.instrument.natural_key())

    natural_key.dependencies = ["indicators.instrument"]  # type: ignore[attr-defined]


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def with_levels(self) -> IndicatorQuerySet:
        # The instrument comes along: Level.name reads its level names without a query.
        return self.select_related("pillar__instrument").prefetch_related("levels")

    def get_by_natural_key(self, code: str, name: str, version: int) -> Indicator:
        return self.get(code=code, instrument__name=name, instrument__version=version)


class Indicator(models.Model):
    # The pillar's instrument, kept on the indicator so that the database holds codes unique
    # per instrument; clean() and save() fill it from the pillar and keep the two equal.
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrumen"),
        on_delete=models.PROTECT,
        related_name="indicators",
        blank=True,
    )
    code = models.CharField(_("kode"), max_length=10, validators=[INDICATOR_CODE])
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="indicators")
    number = models.PositiveSmallIntegerField(_("nomor"))
    text = models.TextField(_("indikator"))
    guidance = models.TextField(_("petunjuk bagi juri"), blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["instrument_id", "pillar__order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pillar", "number"], name="indicator_unique_number"),
            models.UniqueConstraint(fields=["instrument", "code"], name="indicator_unique_code"),
        ]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")

    def __str__(self) -> str:
        return f"{self.code}. {self.text}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.instrument_id is None and self.pillar_id is not None:
            self.instrument_id = self.pillar.instrument_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.pillar_id is None:
            return
        if self.instrument_id is None:
            self.instrument_id = self.pillar.instrument_id
        elif self.instrument_id != self.pillar.instrument_id:
            raise ValidationError(ERROR_INDICATOR_OTHER_INSTRUMENT % {"code": self.code})

    def natural_key(self) -> tuple[Any, ...]:
        return (self.code, *self.instrument.natural_key())

    natural_key.dependencies = ["indicators.instrument"]  # type: ignore[attr-defined]


class Level(models.Model):
    """What a score of `value` looks like on the ground for one indicator."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="levels")
    # Within the instrument's scale (clean()); the field only bounds what any scale may hold.
    value = models.PositiveSmallIntegerField(
        _("nilai"), validators=[MinValueValidator(SCALE_LOWEST), MaxValueValidator(SCALE_HIGHEST)]
    )
    descriptor = models.TextField(_("uraian"))

    class Meta:
        ordering = ["indicator", "value"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "value"], name="level_unique_value"),
        ]
        verbose_name = _("tingkat")
        verbose_name_plural = _("tingkat")

    def __str__(self) -> str:
        return f"{self.indicator.code} = {self.value}"

    @property
    def name(self) -> str:
        # Indicator.objects.with_levels() brings indicator, pillar and instrument along.
        return self.indicator.pillar.instrument.level_name(self.value)

    @property
    def tone(self) -> int:
        """The colour step of this level in its instrument's scale (Instrument.level_tone)."""
        return self.indicator.pillar.instrument.level_tone(self.value)

    def clean(self) -> None:
        if self.indicator_id is None or self.value is None:
            return
        instrument = self.indicator.pillar.instrument
        if self.value not in instrument.scale:
            raise ValidationError(
                {
                    "value": ERROR_LEVEL_OUTSIDE_SCALE
                    % {
                        "value": self.value,
                        "instrument": instrument,
                        "low": instrument.scale_min,
                        "high": instrument.scale_max,
                    }
                }
            )


# The level names of Perwali 11/2019 as msgids: the shipped instrument stores them in
# Instrument.level_names, and these make the translation catalogue carry them.
LEVEL_NAMES = {
    1: _("Sangat kurang"),
    2: _("Kurang"),
    3: _("Cukup"),
    4: _("Baik"),
    5: _("Sangat baik"),
}
