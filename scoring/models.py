"""Jury teams, their assignments, score sheets, scores and photo evidence.

A juror scores each assigned entry on one sheet; the sheet holds one Score per
indicator in the juror's remit. Every change of a score is kept by
django-simple-history (who, when, old and new value, reason). Each change sent
by a tablet carries a client id, so a retried request is applied exactly once.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bantar.models import Role
from scoring.fields import FrozenJSONField, FrozenJSONTextField

if TYPE_CHECKING:
    from bantar.models import User

AGENCY_SUGGESTIONS = [
    "DPMPPA",
    "Dinas Pendidikan",
    "Dinas Kesehatan",
    "Dinas Lingkungan Hidup (DLH)",
    "Satpol PP",
    "TNI",
    "Polri",
    "PMI",
    "Dinas Sosial",
    "Bappeda",
]


class JuryTeamQuerySet(models.QuerySet["JuryTeam"]):
    def for_user(self, user: User) -> JuryTeamQuerySet:
        if user.is_authenticated and user.is_city_wide:
            return self
        if user.is_authenticated and user.role == Role.JURI:
            return self.filter(members__user=user)
        return self.none()


class JuryTeam(models.Model):
    competition = models.ForeignKey(
        "competitions.Competition", on_delete=models.PROTECT, related_name="jury_teams"
    )
    name = models.CharField(_("nama tim"), max_length=60)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ketua tim"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = JuryTeamQuerySet.as_manager()

    class Meta:
        ordering = ["competition", "name"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "name"], name="team_unique_name"),
        ]
        verbose_name = _("tim juri")
        verbose_name_plural = _("tim juri")

    def __str__(self) -> str:
        return self.name


class JuryMember(models.Model):
    team = models.ForeignKey(JuryTeam, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jury_memberships"
    )
    agency = models.CharField(_("instansi"), max_length=80)
    home_kelurahan = models.ForeignKey(
        "competitions.Kelurahan",
        verbose_name=_("kelurahan tempat tinggal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Juri tidak menilai RT di kelurahan tempat tinggalnya."),
    )
    pillars = models.ManyToManyField(
        "indicators.Pillar",
        verbose_name=_("pilar yang dinilai"),
        blank=True,
        help_text=_("Kosong: semua pilar."),
    )

    # A remit changed after scoring changes what counts (scoring.panel): who, when, why, old, new.
    history = HistoricalRecords(m2m_fields=[pillars])

    class Meta:
        ordering = ["team", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="member_unique_user"),
        ]
        verbose_name = _("anggota tim juri")
        verbose_name_plural = _("anggota tim juri")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} ({self.agency})"


class Assignment(models.Model):
    """An entry visited by one team. Reassigning changes the team; no score is deleted."""

    entry = models.OneToOneField(
        "competitions.Entry", on_delete=models.PROTECT, related_name="assignment"
    )
    team = models.ForeignKey(JuryTeam, on_delete=models.PROTECT, related_name="assignments")
    assigned_at = models.DateTimeField(auto_now=True)
    # The panitia's plan for the team's day; the juror's list is ordered by it.
    visit_date = models.DateField(_("tanggal kunjungan"), null=True, blank=True)
    visit_order = models.PositiveSmallIntegerField(
        _("urutan kunjungan"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penugasan")
        verbose_name_plural = _("penugasan")

    def __str__(self) -> str:
        return f"{self.entry} -> {self.team}"


class Recusal(models.Model):
    """A juror who does not score an entry, with the reason the panitia recorded."""

    entry = models.ForeignKey(
        "competitions.Entry", on_delete=models.CASCADE, related_name="recusals"
    )
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("alasan"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "juror"], name="recusal_unique"),
        ]
        verbose_name = _("pengunduran diri juri")
        verbose_name_plural = _("pengunduran diri juri")

    def __str__(self) -> str:
        return f"{self.juror_id} x {self.entry_id}: {self.reason}"


class Excusal(models.Model):
    """An expected juror's missing or unfinished sheet that the panitia excused, with the reason.

    Like a recusal it takes the juror off the entry's panel (scoring.panel): the
    sheet is no longer awaited, and any level on it does not count. Undoing it
    deletes the row; the history keeps who excused, who undid it, when and why.
    """

    entry = models.ForeignKey(
        "competitions.Entry", on_delete=models.CASCADE, related_name="excusals"
    )
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("alasan"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "juror"], name="excusal_unique"),
        ]
        verbose_name = _("lembar nilai dimaafkan")
        verbose_name_plural = _("lembar nilai dimaafkan")

    def __str__(self) -> str:
        return f"{self.juror_id} x {self.entry_id}: {self.reason}"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Sedang dinilai")
    SUBMITTED = "submitted", _("Terkirim")


class ScoreSheetQuerySet(models.QuerySet["ScoreSheet"]):
    def for_user(self, user: User) -> ScoreSheetQuerySet:
        """A juror sees its own sheets only; the panitia sees all."""
        if user.is_authenticated and user.is_city_wide:
            return self
        if user.is_authenticated and user.role == Role.JURI:
            return self.filter(juror=user)
        return self.none()


class ScoreSheet(models.Model):
    entry = models.ForeignKey("competitions.Entry", on_delete=models.PROTECT, related_name="sheets")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sheets"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScoreSheetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "juror"], name="sheet_unique_juror"),
        ]
        verbose_name = _("lembar nilai")
        verbose_name_plural = _("lembar nilai")

    def __str__(self) -> str:
        return f"{self.entry} · {self.juror.username}"

    @property
    def is_locked(self) -> bool:
        return self.status == SheetStatus.SUBMITTED


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="+"
    )
    # Empty while the juror has written a note but not yet picked a level.
    value = models.PositiveSmallIntegerField(
        _("nilai"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(_("catatan"), blank=True)
    # The id of the last change the tablet sent; history keeps every earlier one.
    client_id = models.UUIDField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "indicator"], name="score_unique_indicator"),
        ]
        verbose_name = _("nilai")
        verbose_name_plural = _("nilai")

    def __str__(self) -> str:
        return f"{self.indicator_id}={self.value}"


class ChangeKind(models.TextChoices):
    SUBMIT = "submit", _("Kirim lembar nilai")
    PHOTO_DELETE = "photo_delete", _("Hapus foto")


class AppliedChange(models.Model):
    """A submission or photo deletion from a tablet's outbox, applied once per client id.

    A score change needs no such record: its client id is in the score's history.
    A submission does: replayed after the panitia reopened the sheet, it must not
    lock the sheet again. So does a deletion: its photo is gone, and a replay must
    answer "duplicate", not "not found".
    """

    client_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=12, choices=ChangeKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(
        "competitions.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("perubahan dari perangkat")
        verbose_name_plural = _("perubahan dari perangkat")

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id}"


class FieldDevice(models.Model):
    """A juror's tablet or phone as its last sync described it, for the panitia's tablet page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="field_devices"
    )
    device = models.UUIDField(_("perangkat"))
    first_contact = models.DateTimeField(auto_now_add=True)
    last_contact = models.DateTimeField(_("terakhir tersambung"))
    # What the tablet said it held at the last contact, that request's own items included,
    # and what it still held once the server had answered them.
    outbox = models.PositiveIntegerField(_("antrean dilaporkan"), default=0)
    waiting = models.PositiveIntegerField(_("masih menunggu"), default=0)
    day = models.DateField()  # the WIB day the two counts below are for
    applied_today = models.PositiveIntegerField(_("perubahan diterima hari ini"), default=0)
    refused_today = models.PositiveIntegerField(_("perubahan ditolak hari ini"), default=0)

    class Meta:
        ordering = ["user", "-last_contact"]
        constraints = [
            models.UniqueConstraint(fields=["user", "device"], name="device_unique_user"),
        ]
        verbose_name = _("perangkat juri")
        verbose_name_plural = _("perangkat juri")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.device}"


def evidence_path(evidence: Evidence, filename: str) -> str:
    return f"evidence/{evidence.entry.competition_id}/{evidence.entry_id}/{filename}"


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def for_user(self, user: User) -> EvidenceQuerySet:
        """Photos are private: the juror who took them and the city-wide roles."""
        if user.is_authenticated and user.is_city_wide:
            return self
        if user.is_authenticated and user.role == Role.JURI:
            return self.filter(juror=user)
        return self.none()


class Evidence(models.Model):
    entry = models.ForeignKey(
        "competitions.Entry", on_delete=models.PROTECT, related_name="evidence"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    image = models.FileField(upload_to=evidence_path, max_length=200)
    web = models.FileField(upload_to=evidence_path, max_length=200)
    thumb = models.FileField(upload_to=evidence_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    phash = models.CharField(max_length=16, db_index=True)
    # Private: never written into the served files.
    taken_at = models.DateTimeField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("foto bukti")
        verbose_name_plural = _("foto bukti")

    def __str__(self) -> str:
        return f"{self.entry} · {self.indicator_id or '-'} · {self.pk}"


class ResultSetQuerySet(models.QuerySet["ResultSet"]):
    def current(self) -> ResultSetQuerySet:
        return self.filter(superseded_at__isnull=True)


class ResultSet(models.Model):
    """The frozen results of one finalisation. A correction supersedes it, with a reason."""

    competition = models.ForeignKey(
        "competitions.Competition", on_delete=models.PROTECT, related_name="result_sets"
    )
    finalised_at = models.DateTimeField(_("difinalisasi"), auto_now_add=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    inputs_hash = models.CharField(_("sidik data masukan"), max_length=64)
    total_prize = models.PositiveBigIntegerField(_("total hadiah"))
    warnings = models.JSONField(_("catatan perhitungan"), default=list, blank=True)
    published_at = models.DateTimeField(_("diumumkan"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("diganti"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_reason = models.TextField(_("alasan koreksi"), blank=True)

    objects = ResultSetQuerySet.as_manager()

    class Meta:
        ordering = ["-finalised_at"]
        verbose_name = _("hasil final")
        verbose_name_plural = _("hasil final")

    def __str__(self) -> str:
        return f"{self.competition} · {self.finalised_at:%Y-%m-%d %H:%M}"


class Result(models.Model):
    """One entry's frozen result. Rows are written once and never updated."""

    # No index of its own: the unique (result_set, entry) index starts with it (finalising
    # wrote both, ~5 ms of the server's COPY at city scale, issue 12.10).
    result_set = models.ForeignKey(
        ResultSet, on_delete=models.PROTECT, related_name="results", db_index=False
    )
    entry = models.ForeignKey(
        "competitions.Entry", on_delete=models.PROTECT, related_name="results"
    )
    category_code = models.CharField(max_length=20)
    # Pillar code -> score as text with 4 places ("48.2143"), for the competition's
    # instrument's pillars (issue 14). Text, not a float: the frozen figures stay exact.
    # Frozen JSON: no JSON_VALID check on SQLite (scoring.fields), written once by finalising.
    pillar_scores = FrozenJSONField(default=dict)
    final = models.DecimalField(max_digits=7, decimal_places=4)
    passed = models.BooleanField()
    rank = models.PositiveIntegerField()
    is_winner = models.BooleanField()
    held_back = models.CharField(max_length=10, blank=True)
    prize = models.PositiveBigIntegerField()
    # json, not jsonb, on PostgreSQL: kept as written, read whole (scoring.fields).
    explanation = FrozenJSONTextField(default=dict)

    class Meta:
        ordering = ["result_set", "category_code", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["result_set", "entry"], name="result_unique_entry"),
        ]
        verbose_name = _("hasil RT")
        verbose_name_plural = _("hasil RT")

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.final} (#{self.rank})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Hasil final tidak dapat diubah; buka kembali hasil dengan alasan.")
        super().save(*args, **kwargs)

    def pillar_score(self, code: str) -> Decimal:
        """One pillar's frozen score (0 for a pillar the row does not name)."""
        return Decimal(self.pillar_scores.get(code, "0"))


class ResultVersion(models.Model):
    """The data version of one competition's results: a new random token on every write that
    can change them (`scoring.result_cache`), so a result table kept under the token is never
    read once the data differ. Random, not a counter: a database reset or a test's rollback
    would reuse a counter's values and find an old table under them."""

    competition = models.OneToOneField(
        "competitions.Competition",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="result_version",
    )
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.competition_id}: {self.token}"
