"""Regions of Kota Jambi, competitions with their rules, and the entries RTs make.

Regions carry the official Kemendagri codes. An RT persists across years; an
Entry is that RT taking part in one competition.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bantar.access import region_filter
from bantar.models import Role
from indicators.selectors import (
    default_weights_for,
    instrument_for,
    newest_instrument,
    pillar_codes,
)

if TYPE_CHECKING:
    from bantar.models import User

KECAMATAN_CODE = RegexValidator(r"^\d{2}\.\d{2}\.\d{2}$", _("Kode kecamatan berbentuk 15.71.01."))
KELURAHAN_CODE = RegexValidator(
    r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", _("Kode kelurahan berbentuk 15.71.01.1001.")
)


# --- Regions ------------------------------------------------------------------


class KecamatanQuerySet(models.QuerySet["Kecamatan"]):
    def for_user(self, user: User) -> KecamatanQuerySet:
        return self.filter(region_filter(user, kelurahan="kelurahan", kecamatan="pk")).distinct()


# A named base, so that mypy's django-stubs plugin sees the queryset's methods on the manager.
_KecamatanManagerBase = models.Manager.from_queryset(KecamatanQuerySet)


class KecamatanManager(_KecamatanManagerBase["Kecamatan"]):
    def get_by_natural_key(self, code: str) -> Kecamatan:
        return self.get(code=code)


class Kecamatan(models.Model):
    code = models.CharField(_("kode"), max_length=8, unique=True, validators=[KECAMATAN_CODE])
    name = models.CharField(_("nama"), max_length=60)

    objects = KecamatanManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class KelurahanQuerySet(models.QuerySet["Kelurahan"]):
    def for_user(self, user: User) -> KelurahanQuerySet:
        return self.filter(region_filter(user, kelurahan="pk", kecamatan="kecamatan"))

    def active_in(self, year: int) -> KelurahanQuerySet:
        return self.filter(
            Q(active_from__lte=year), Q(active_to__isnull=True) | Q(active_to__gte=year)
        )


# A named base, so that mypy's django-stubs plugin sees the queryset's methods on the manager.
_KelurahanManagerBase = models.Manager.from_queryset(KelurahanQuerySet)


class KelurahanManager(_KelurahanManagerBase["Kelurahan"]):
    def get_by_natural_key(self, code: str) -> Kelurahan:
        return self.get(code=code)


class Kelurahan(models.Model):
    code = models.CharField(_("kode"), max_length=13, unique=True, validators=[KELURAHAN_CODE])
    name = models.CharField(_("nama"), max_length=60)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.PROTECT, related_name="kelurahan"
    )
    active_from = models.PositiveSmallIntegerField(
        _("berlaku sejak"), help_text=_("Tahun kelurahan mulai berlaku menurut Kemendagri.")
    )
    active_to = models.PositiveSmallIntegerField(_("berlaku sampai"), null=True, blank=True)
    rt_count = models.PositiveSmallIntegerField(
        _("jumlah RT"),
        null=True,
        blank=True,
        help_text=_("Jumlah RT di kelurahan menurut data kelurahan; dipakai di rekap."),
    )

    objects = KelurahanManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class RTQuerySet(models.QuerySet["RT"]):
    def for_user(self, user: User) -> RTQuerySet:
        return self.filter(
            region_filter(user, kelurahan="kelurahan", kecamatan="kelurahan__kecamatan")
        )


class RTNames:
    """How an RT is named, for the model and for the read-only rows of the results."""

    __slots__ = ()
    number: int
    kelurahan: Kelurahan

    def __str__(self) -> str:
        return f"RT {self.number:02d} {self.kelurahan.name}"

    @property
    def label(self) -> str:
        return f"RT {self.number:02d}"


class RT(RTNames, models.Model):
    """A neighbourhood (Rukun Tetangga); it persists across competitions."""

    kelurahan = models.ForeignKey(
        Kelurahan, verbose_name=_("kelurahan"), on_delete=models.PROTECT, related_name="rts"
    )
    number = models.PositiveSmallIntegerField(
        _("nomor RT"), validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    name_kampung = models.CharField(_("nama kampung"), max_length=120, blank=True)

    objects = RTQuerySet.as_manager()

    class Meta:
        ordering = ["kelurahan__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kelurahan", "number"], name="rt_unique_number"),
        ]
        verbose_name = "RT"
        verbose_name_plural = "RT"


# --- Competitions -------------------------------------------------------------


class CompetitionStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    REGISTRATION = "registration", _("Pendaftaran")
    VERIFICATION = "verification", _("Verifikasi")
    ASSESSMENT = "assessment", _("Penilaian lapangan")
    PLENARY = "plenary", _("Rapat pleno")
    FINAL = "final", _("Final")
    PUBLISHED = "published", _("Diumumkan")


class RepeatEntry(models.TextChoices):
    """What registration does with an RT that took part in the year before."""

    ALLOW = "allow", _("Boleh")
    WARN = "warn", _("Boleh, dengan peringatan")
    REFUSE = "refuse", _("Tidak boleh (jeda satu tahun)")


# The Kencana category is a size category with this code and no KK band of its own: an RT
# enters it by its winning streak, never by its KK count (issue 15).
KENCANA_CODE = "kencana"


# The only order a competition may move in, one step at a time.
STATUS_ORDER = list(CompetitionStatus)


def default_pillar_weights() -> dict[str, str]:
    # The weights of the default instrument (default_instrument below): the two go together.
    instrument = newest_instrument()
    if instrument is None:  # no instrument, no pillars to weigh (competition_create refuses)
        return {}
    return default_weights_for(instrument)


ERROR_WEIGHTS = _(
    "Bobot pilar harus angka tidak negatif untuk setiap pilar instrumen (%(codes)s) dan tidak "
    "untuk yang lain, dan jumlahnya lebih dari 0."
)
ERROR_SCALE_NOT_INSTRUMENT = _(
    "Skala kompetisi (%(low)s-%(high)s) harus sama dengan skala instrumen %(instrument)s "
    "(%(ilow)s-%(ihigh)s)."
)


def check_pillar_weights(weights: object, codes: Sequence[str]) -> None:
    """Weights keyed by exactly the instrument's pillar codes, none negative, not all 0."""
    refusal = ValidationError(ERROR_WEIGHTS, params={"codes": ", ".join(codes)})
    if not isinstance(weights, dict) or set(weights) != set(codes):
        raise refusal
    try:
        values = [Decimal(str(weights[code])) for code in codes]
    except (ArithmeticError, TypeError, ValueError) as error:
        raise refusal from error
    if any(not value.is_finite() or value < 0 for value in values) or sum(values) <= 0:
        raise refusal


def default_instrument() -> int | None:
    """The newest instrument, for a competition made without naming one (indicators.selectors).
    None when there is none at all: full_clean and the database's NOT NULL refuse that."""
    instrument = newest_instrument()
    return instrument.pk if instrument else None


class CompetitionQuerySet(models.QuerySet["Competition"]):
    def for_user(self, user: User) -> CompetitionQuerySet:
        # Competitions are city-wide; anyone logged in may see they exist.
        return self if user.is_authenticated else self.none()

    def open_for_registration(self) -> CompetitionQuerySet:
        return self.filter(status=CompetitionStatus.REGISTRATION)

    def announced(self) -> CompetitionQuerySet:
        """What the public may know of: every competition past its draft (a draft's rules are
        still being written). The public guide (indicators.views) asks this through the
        instrument's reverse relation."""
        return self.exclude(status=CompetitionStatus.DRAFT)


class Competition(models.Model):
    year = models.PositiveSmallIntegerField(
        _("tahun"), validators=[MinValueValidator(2014), MaxValueValidator(2100)]
    )
    period = models.PositiveSmallIntegerField(
        _("periode"), default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    title = models.CharField(_("judul"), max_length=200)
    status = models.CharField(
        _("tahap"),
        max_length=16,
        choices=CompetitionStatus.choices,
        default=CompetitionStatus.DRAFT,
    )
    status_changed_at = models.DateTimeField(_("tahap berubah"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("pendaftaran ditutup"), null=True, blank=True)
    # The rubric the juries score against (issue 14); its pillars key the weights and the
    # scale below is the instrument's (clean()). PROTECT: a used instrument stays.
    instrument = models.ForeignKey(
        "indicators.Instrument",
        verbose_name=_("instrumen penilaian"),
        on_delete=models.PROTECT,
        related_name="competitions",
        default=default_instrument,
    )
    scale_min = models.PositiveSmallIntegerField(_("nilai terendah"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("nilai tertinggi"), default=5)
    pass_mark = models.DecimalField(
        _("batas lulus (0-100)"),
        max_digits=5,
        decimal_places=2,
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    pillar_weights = models.JSONField(_("bobot pilar"), default=default_pillar_weights)
    pillar_minimum = models.DecimalField(
        _("nilai minimum per pilar (0-100)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    cap_per_category = models.PositiveIntegerField(
        _("batas pemenang per kategori"), null=True, blank=True
    )
    budget = models.PositiveBigIntegerField(_("pagu hadiah (Rp)"), null=True, blank=True)
    # After publication, kelurahan and kecamatan officers see their RTs' levels and the jurors'
    # notes; whose they were only if this is on (scoring.see_juror_names).
    jurors_named_to_officers = models.BooleanField(
        _("nama juri terlihat oleh petugas wilayah"),
        default=False,
        help_text=_(
            "Setelah hasil diumumkan, petugas kelurahan dan kecamatan melihat nilai dan catatan "
            "juri untuk RT-nya; tanpa centang ini, nama juri diganti Juri 1, Juri 2, ..."
        ),
    )
    # Issue 15, Kencana: an RT that won this many years in a row (over its published results)
    # competes in the Kencana category instead of its KK band. Empty or 0: no Kencana.
    kencana_wins = models.PositiveSmallIntegerField(
        _("menang berturut-turut untuk Kencana"),
        null=True,
        blank=True,
        default=3,
        help_text=_(
            "RT yang menang sekian tahun berturut-turut ikut kategori Kampung BANTAR Kencana. "
            "Kosong atau 0: tanpa kategori Kencana."
        ),
    )
    kencana_pass_mark = models.DecimalField(
        _("batas lulus kategori Kencana (0-100)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Kosong: sama dengan batas lulus kompetisi."),
    )
    # Issue 15, pause after taking part: an RT entered the year before.
    repeat_entry = models.CharField(
        _("RT yang ikut tahun lalu"),
        max_length=8,
        choices=RepeatEntry.choices,
        default=RepeatEntry.ALLOW,
    )
    # Issue 15, Kelurahan BANTAR: the share of a kelurahan's RTs holding the predicate at which
    # the kelurahan itself is named Kelurahan BANTAR. Empty: not used.
    bantar_kelurahan_share = models.DecimalField(
        _("persentase RT berpredikat untuk Kelurahan BANTAR"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Misalnya 75: kelurahan yang 75% RT-nya berpredikat Kampung BANTAR disebut "
            "Kelurahan BANTAR di rekap dan halaman hasil. Kosong: tidak dipakai."
        ),
    )
    # Issue 12.5, team severity: a team whose mean level differs from the other teams' mean by
    # more than this is flagged on the plenary's "Keseragaman penilaian" panel.
    severity_threshold = models.DecimalField(
        _("batas selisih rata-rata tim (level)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))],
        help_text=_(
            "Tim yang rata-rata nilainya berselisih lebih dari ini dari rata-rata tim lain "
            "ditandai di panel Keseragaman penilaian."
        ),
    )
    # Issue 12.5, normalisation (off by default): each juror's counted levels as z-scores,
    # rescaled to the competition's mean and spread (scoring.results.normalise_levels).
    normalise_levels = models.BooleanField(
        _("normalisasi nilai juri"),
        default=False,
        help_text=_(
            "Nilai setiap juri dibakukan (skor z) lalu dikembalikan ke skala kompetisi "
            "sebelum dirata-rata. Hanya dapat diubah sebelum hasil final."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompetitionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["year", "period"], name="competition_unique_period"),
        ]
        verbose_name = _("kompetisi")
        verbose_name_plural = _("kompetisi")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # The weights and the scale refer to the instrument (issue 14).
        if self.instrument_id is None:
            return
        instrument = instrument_for(self)
        codes = pillar_codes(instrument)
        if codes:  # an instrument still without pillars has nothing to weigh yet
            try:
                check_pillar_weights(self.pillar_weights, codes)
            except ValidationError as error:
                raise ValidationError({"pillar_weights": error}) from error
        if (self.scale_min, self.scale_max) != (instrument.scale_min, instrument.scale_max):
            raise ValidationError(
                {
                    "scale_max": ERROR_SCALE_NOT_INSTRUMENT
                    % {
                        "low": self.scale_min,
                        "high": self.scale_max,
                        "instrument": instrument,
                        "ilow": instrument.scale_min,
                        "ihigh": instrument.scale_max,
                    }
                }
            )

    @property
    def next_status(self) -> str | None:
        index = STATUS_ORDER.index(CompetitionStatus(self.status))
        return STATUS_ORDER[index + 1] if index + 1 < len(STATUS_ORDER) else None

    def get_next_status_display(self) -> str:
        return str(CompetitionStatus(self.next_status).label) if self.next_status else ""

    @property
    def is_registration_open(self) -> bool:
        """Kelurahan may add and propose entries: registration stage, deadline not passed."""
        return self.status == CompetitionStatus.REGISTRATION and (
            self.registration_closes is None or timezone.now() < self.registration_closes
        )

    @property
    def is_verification_open(self) -> bool:
        """Kecamatan may check proposals, and kelurahan may fix returned ones."""
        return self.status in (CompetitionStatus.REGISTRATION, CompetitionStatus.VERIFICATION)


class SizeCategory(models.Model):
    """A band of household (KK) counts with its prize, per competition."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="size_categories"
    )
    code = models.SlugField(_("kode"), max_length=20)
    name = models.CharField(_("nama"), max_length=40)
    min_kk = models.PositiveIntegerField(_("KK paling sedikit"))
    max_kk = models.PositiveIntegerField(
        _("KK paling banyak"), null=True, blank=True, help_text=_("Kosong: tanpa batas atas.")
    )
    prize = models.PositiveBigIntegerField(_("hadiah (Rp)"))

    class Meta:
        ordering = ["competition", "-min_kk"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "code"], name="category_unique_code"),
        ]
        verbose_name = _("kategori ukuran")
        verbose_name_plural = _("kategori ukuran")

    def __str__(self) -> str:
        return self.name

    @property
    def is_kencana(self) -> bool:
        return self.code == KENCANA_CODE

    def contains(self, kk_count: int) -> bool:
        if self.is_kencana:
            return False
        return kk_count >= self.min_kk and (self.max_kk is None or kk_count <= self.max_kk)

    @property
    def band_label(self) -> str:
        if self.is_kencana:
            return str(_("menang berturut-turut"))
        if self.max_kk is None:
            return _("%(min)s KK atau lebih") % {"min": self.min_kk}
        return _("%(min)s-%(max)s KK") % {"min": self.min_kk, "max": self.max_kk}


# --- Entries ------------------------------------------------------------------


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    PROPOSED = "proposed", _("Diusulkan")
    VERIFIED = "verified", _("Terverifikasi")
    RETURNED = "returned", _("Dikembalikan")
    WITHDRAWN = "withdrawn", _("Ditarik")


class EntryQuerySet(models.QuerySet["Entry"]):
    def for_user(self, user: User) -> EntryQuerySet:
        """Kelurahan and kecamatan see their region; a juror the entries assigned to its teams,
        and the assigned calibration RTs of the competitions it judges (scoring.panel)."""
        if user.is_authenticated and user.is_active and user.role == Role.JURI:
            # Correlated EXISTS, asked of each entry the rest of the query selects: one RT's
            # page looks up one row (issue 19). A pk IN (entries joined to every team's
            # members) list was built over the whole city first: 0.05 s at 1x, 0.4 s at 10x.
            assignment = apps.get_model("scoring", "Assignment")
            member = apps.get_model("scoring", "JuryMember")
            mine = models.Exists(
                assignment.objects.filter(entry=models.OuterRef("pk"), team__members__user=user)
            )
            calibration = (
                Q(is_calibration=True)
                & models.Exists(assignment.objects.filter(entry=models.OuterRef("pk")))
                & models.Exists(
                    member.objects.filter(
                        team__competition=models.OuterRef("competition_id"), user=user
                    )
                )
            )
            return self.filter(mine | calibration)
        return self.filter(
            region_filter(user, kelurahan="rt__kelurahan", kecamatan="rt__kelurahan__kecamatan")
        )

    def with_region(self) -> EntryQuerySet:
        return self.select_related("rt__kelurahan__kecamatan", "category", "competition")


class Entry(models.Model):
    """An RT proposed for one competition."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("kompetisi"), on_delete=models.PROTECT, related_name="entries"
    )
    rt = models.ForeignKey(RT, verbose_name="RT", on_delete=models.PROTECT, related_name="entries")
    kampung_name = models.CharField(_("nama kampung"), max_length=120, blank=True)
    kk_count = models.PositiveIntegerField(_("jumlah KK"))
    category = models.ForeignKey(
        SizeCategory, verbose_name=_("kategori"), on_delete=models.PROTECT, related_name="entries"
    )
    ketua_rt = models.CharField(_("ketua RT"), max_length=120)
    phone = models.CharField(_("telepon ketua RT"), max_length=20, blank=True)
    address = models.CharField(_("alamat"), max_length=250, blank=True)
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    note = models.TextField(_("catatan"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    # Issue 12.5: an RT every team scores. The assigned team's sheets count for its result as
    # usual; the other teams' sheets only feed the severity panel (scoring.panel, README).
    is_calibration = models.BooleanField(_("RT kalibrasi"), default=False)
    return_note = models.TextField(_("catatan pengembalian"), blank=True)
    client_token = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Dari formulir; membuat kiriman ganda tidak membuat peserta ganda."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diusulkan oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = EntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["competition", "rt__kelurahan__code", "rt__number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "rt"], name="entry_unique_rt"),
        ]
        indexes = [
            # The counts per status of a competition (lists, homes, the stage's checks) read
            # this index alone: without it each entry's row was read for its status.
            models.Index(fields=["competition", "status"], name="entry_competition_status"),
        ]
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")

    def __str__(self) -> str:
        return f"{self.rt} ({self.competition.year})"


class ImportPreview(models.Model):
    """An uploaded list of RTs, checked and waiting for the panitia to confirm it.

    Kept on the server, never in the session: the file holds heads of RT's phone
    numbers. The token in the confirmation form finds it (with its competition and
    the user who uploaded it); confirming, cancelling or its expiry deletes it.
    """

    token = models.CharField(max_length=64, unique=True)
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    file_format = models.CharField(max_length=4)
    status = models.CharField(max_length=12, choices=EntryStatus.choices)
    reason = models.CharField(max_length=300, blank=True)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("pratinjau impor")
        verbose_name_plural = _("pratinjau impor")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"
