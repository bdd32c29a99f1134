"""Re-visits of past winners (monitoring pasca-lomba, issue 16.3).

A re-visit round is carried by a competition of its own: its entries are the drawn RTs (the
same RT master record), its teams, assignments, sheets, photos and offline kit are the
scoring app's, unchanged. This app only links that competition to the published one it
re-visits, keeps how the RTs were chosen (the seed of a draw, so it can be repeated), and
freezes each RT's outcome against its award score. The round is information for the
committee, never a ranking: its competition is never finalised or published.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Selection(models.TextChoices):
    DRAW = "draw", _("Undian acak")
    HAND = "hand", _("Dipilih panitia")


class Verdict(models.TextChoices):
    KEPT = "terjaga", _("Terjaga")
    DROPPED = "menurun", _("Menurun")


DEFAULT_THRESHOLD = Decimal("5.00")


class RevisitRound(models.Model):
    source = models.ForeignKey(
        "competitions.Competition",
        verbose_name=_("lomba yang dikunjungi ulang"),
        on_delete=models.PROTECT,
        related_name="revisit_rounds",
    )
    competition = models.OneToOneField(
        "competitions.Competition",
        verbose_name=_("kompetisi kunjungan ulang"),
        on_delete=models.PROTECT,
        related_name="revisit",
    )
    selection = models.CharField(_("cara memilih"), max_length=8, choices=Selection.choices)
    seed = models.PositiveBigIntegerField(_("benih undian"), null=True, blank=True)
    sample_size = models.PositiveSmallIntegerField(_("jumlah sampel"), null=True, blank=True)
    # The RT ids in the order chosen (the draw's order), for the audit: the draw repeated
    # with the seed over the same winners must give exactly this list.
    chosen = models.JSONField(_("RT terpilih"), default=list)
    threshold = models.DecimalField(
        _("batas penurunan (poin)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "RT terjaga bila nilai kunjungan ulang turun paling banyak sekian poin dari nilai "
            "saat menang; lebih dari itu: menurun."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    concluded_at = models.DateTimeField(_("disimpulkan"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kunjungan ulang")
        verbose_name_plural = _("kunjungan ulang")

    def __str__(self) -> str:
        return self.competition.title


class RevisitOutcome(models.Model):
    """One RT's outcome, frozen when the panitia concludes the round (again: replaced)."""

    round = models.ForeignKey(RevisitRound, on_delete=models.CASCADE, related_name="outcomes")
    rt = models.ForeignKey(
        "competitions.RT", on_delete=models.PROTECT, related_name="revisit_outcomes"
    )
    award_final = models.DecimalField(_("nilai saat menang"), max_digits=7, decimal_places=4)
    revisit_final = models.DecimalField(_("nilai kunjungan ulang"), max_digits=7, decimal_places=4)
    # pillar code -> the re-visit's pillar score as text with 4 places, in the instrument's order
    pillar_scores = models.JSONField(default=dict)
    verdict = models.CharField(_("hasil"), max_length=8, choices=Verdict.choices)

    class Meta:
        ordering = ["round", "rt__kelurahan__code", "rt__number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "rt"], name="revisit_outcome_unique_rt"),
        ]
        verbose_name = _("hasil kunjungan ulang")
        verbose_name_plural = _("hasil kunjungan ulang")

    def __str__(self) -> str:
        return f"{self.rt} · {self.get_verdict_display()}"

    @property
    def change(self) -> Decimal:
        return self.revisit_final - self.award_final


class KeptSums(models.Model):
    """One published result set's frozen indicator means, summed once for the coaching view.

    Summing them from the explanations (3 KB of JSON a result) takes 1 s a set at city scale
    and 9 s at 10x (issue 19); a set never changes (a correction is a new set), so the sums
    are kept in the database, where every worker process finds them. `part` 0 holds the whole
    set's sums ({"total": {code: [sum in ten-thousandths, results]}}); any other `part` is a
    kelurahan's pk at computation time, holding its RTs' total and which RTs they are
    ({"ids": [rt pk, ...], "total": ...}). Not a foreign key: when the RTs that took part are
    no longer a kelurahan's kept ones (an RT moved since), the set is computed again.
    """

    result_set = models.ForeignKey(
        "scoring.ResultSet", on_delete=models.CASCADE, related_name="coaching_sums"
    )
    part = models.PositiveIntegerField()
    sums = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result_set", "part"], name="kept_sums_unique_part"),
        ]

    def __str__(self) -> str:
        return f"{self.result_set_id}:{self.part}"


class KeptShowing(models.Model):
    """One RT's result in a published set, narrow, for the coaching view's lists (issue 19).

    A result row carries its 3 KB explanation: SQLite reads a row's pages to reach its final
    and winner flag, and one pass over 33,000 results (10x) took 0.16 s where this table's
    covering index takes 0.03 s. The lists pass over it several times a page. Written with
    the set's `KeptSums`, at once; a set never changes, its rows go with it.
    """

    result_set = models.ForeignKey("scoring.ResultSet", on_delete=models.CASCADE, related_name="+")
    rt = models.ForeignKey("competitions.RT", on_delete=models.CASCADE, related_name="+")
    final = models.DecimalField(max_digits=7, decimal_places=4)
    is_winner = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result_set", "rt"], name="kept_showing_unique_rt"),
        ]
        indexes = [
            models.Index(
                fields=["result_set", "rt", "final", "is_winner"], name="kept_showing_covering"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result_set_id}:{self.rt_id}"


class KeptView(models.Model):
    """The coaching view's lists worked out once for one combination of published sets.

    The page's lists depend on every published edition together (who never took part, who won
    and did not come back, the drops between editions): counting, ordering and paging them in
    SQL still passed over every result of the city on each request, 3.5x the city-scale time
    at 10x (issue 19). So at publication (and on reopening) each RT's list and position, each
    drop's rank and each kelurahan's counts are kept here; a page reads a range of an index.

    `sets` names the combination ("12,15": the current published result sets, oldest edition
    first). Each kelurahan's counts carry the fingerprint of the master data they were worked
    out over (`KeptCount`); a page whose sets or area's master data differ reads the lists as
    before, never a stale row.
    """

    sets = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sets


class KeptStanding(models.Model):
    """One RT's list in a kept view ("never", "not_won", "won_not_back", or "" for none) and
    its position in the master data's order (kelurahan code, RT number). Every RT has one."""

    view = models.ForeignKey(KeptView, on_delete=models.CASCADE, related_name="+")
    rt = models.ForeignKey("competitions.RT", on_delete=models.CASCADE, related_name="+")
    kelurahan_id = models.PositiveIntegerField()  # the RT's then (the fingerprints: now)
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16)

    class Meta:
        indexes = [
            models.Index(fields=["view", "kind", "position"], name="kept_standing_list"),
            models.Index(
                fields=["view", "kind", "kelurahan_id", "position"], name="kept_standing_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.view_id}:{self.rt_id}:{self.kind}"


class KeptDrop(models.Model):
    """One drop of a kept view (an RT's final lower than in its edition before), with its
    rank in the page's order: by the change, the RT's name, the master data's order."""

    view = models.ForeignKey(KeptView, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    rt = models.ForeignKey("competitions.RT", on_delete=models.CASCADE, related_name="+")
    kelurahan_id = models.PositiveIntegerField()
    before_set = models.PositiveIntegerField()
    before_final = models.DecimalField(max_digits=7, decimal_places=4)
    before_winner = models.BooleanField()
    after_set = models.PositiveIntegerField()
    after_final = models.DecimalField(max_digits=7, decimal_places=4)
    after_winner = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["view", "rank"], name="kept_drop_rank"),
            models.Index(fields=["view", "kelurahan_id", "rank"], name="kept_drop_area"),
        ]

    def __str__(self) -> str:
        return f"{self.view_id}:{self.rank}"


class KeptCount(models.Model):
    """A kelurahan's counts in a kept view: [total RTs, never, not_won, won_not_back, drops,
    then per year (the view's years, in order) the RTs that took part and that won].

    `fingerprint`: the kelurahan's master data then (its code and name, its RTs' ids and
    numbers: what orders, names and places its rows; `coaching.selectors.area_fingerprints`).
    An area's rows are read only while each of its kelurahan's is the same today.
    """

    view = models.ForeignKey(KeptView, on_delete=models.CASCADE, related_name="+")
    kelurahan_id = models.PositiveIntegerField()
    counts = models.JSONField(default=list)
    fingerprint = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["view", "kelurahan_id"], name="kept_count_unique_kelurahan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.view_id}:{self.kelurahan_id}"
