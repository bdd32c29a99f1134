"""The catalogue of Perwali Jambi 11/2019: 3 pillars, 21 indicators, level descriptors.

The catalogue is reference data, loaded from `fixtures/indicators.json`.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Pillar(models.Model):
    code = models.CharField(_("kode"), max_length=1, unique=True)
    name = models.CharField(_("nama"), max_length=40)
    order = models.PositiveSmallIntegerField(_("urutan"), unique=True)
    description = models.TextField(_("uraian"), blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("pilar")
        verbose_name_plural = _("pilar")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def with_levels(self) -> IndicatorQuerySet:
        return self.select_related("pillar").prefetch_related("levels")


class Indicator(models.Model):
    code = models.CharField(
        _("kode"), max_length=3, unique=True, validators=[RegexValidator(r"^[BAP][1-9]$")]
    )
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="indicators")
    number = models.PositiveSmallIntegerField(_("nomor"))
    text = models.TextField(_("indikator"))
    guidance = models.TextField(_("petunjuk bagi juri"), blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["pillar__order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pillar", "number"], name="indicator_unique_number"),
        ]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")

    def __str__(self) -> str:
        return f"{self.code}. {self.text}"


class Level(models.Model):
    """What a score of `value` looks like on the ground for one indicator."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField(
        _("nilai"), validators=[MinValueValidator(1), MaxValueValidator(5)]
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
        return str(LEVEL_NAMES.get(self.value, self.value))


LEVEL_NAMES = {
    1: _("Sangat kurang"),
    2: _("Kurang"),
    3: _("Cukup"),
    4: _("Baik"),
    5: _("Sangat baik"),
}
