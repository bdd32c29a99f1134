"""What the self-check page hands its script: the rules of the current competition and the guide.

The page computes in the browser (static/js/selfcheck-maths.js) and stores nothing on the
server; this module only reads, in a fixed number of queries. The maths the script does is
scoring.results.score_entry with one juror; tests/coaching/test_selfcheck_maths.py holds the
two to the same answers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from competitions.models import Competition, CompetitionStatus
from indicators.models import Instrument
from indicators.selectors import default_weights_for, indicators_of, newest_instrument, pillars_of


def current_competition() -> Competition | None:
    """The latest competition past its draft: a draft's rules are still being written."""
    return (
        Competition.objects.exclude(status=CompetitionStatus.DRAFT)
        .select_related("instrument")
        .prefetch_related("size_categories")
        .order_by("-year", "-period")
        .first()
    )


def _default_rules(instrument: Instrument) -> dict[str, Any]:
    """Before any competition: a new competition's rules on the newest instrument."""
    return {
        "competition": None,
        "scale": [instrument.scale_min, instrument.scale_max],
        "pass_mark": str(settings.BANTAR_DEFAULT_PASS_MARK),
        "pillar_minimum": None,
        "weights": default_weights_for(instrument),
        "categories": [
            {"code": code, "name": name, "min_kk": min_kk, "max_kk": max_kk}
            for code, name, min_kk, max_kk, _prize in settings.BANTAR_DEFAULT_SIZE_CATEGORIES
        ],
    }


def _competition_rules(competition: Competition) -> dict[str, Any]:
    return {
        "competition": competition.title,
        "scale": [competition.scale_min, competition.scale_max],
        "pass_mark": str(competition.pass_mark),
        "pillar_minimum": (
            None if competition.pillar_minimum is None else str(competition.pillar_minimum)
        ),
        "weights": {code: str(w) for code, w in competition.pillar_weights.items()},
        "categories": [
            {"code": c.code, "name": c.name, "min_kk": c.min_kk, "max_kk": c.max_kk}
            for c in sorted(competition.size_categories.all(), key=lambda c: -c.min_kk)
            if not c.is_kencana  # by winning streak, not by KK: not a band
        ],
    }


def selfcheck_rules() -> dict[str, Any]:
    """Rules and catalogue as plain JSON: the page's <script type="application/json">."""
    competition = current_competition()
    # The competition's instrument decides the pillars, indicators and scale (issue 14).
    instrument = competition.instrument if competition else newest_instrument()
    if instrument is None:  # an empty portal: nothing to check against yet
        return {**_empty_rules(), "missing": settings.BANTAR_MISSING_INDICATOR, "pillars": []}
    data = _competition_rules(competition) if competition else _default_rules(instrument)
    indicators = list(indicators_of(instrument).with_levels())
    data["missing"] = settings.BANTAR_MISSING_INDICATOR
    data["texts"] = {key: str(text) for key, text in TEXTS.items()}
    data["pillars"] = [
        {
            "code": pillar.code,
            "name": pillar.name,
            "weight": data["weights"].get(pillar.code, "0"),  # for the page's line of rules
            "indicators": [
                {
                    "code": indicator.code,
                    "text": indicator.text,
                    "levels": [
                        {
                            "value": level.value,
                            "name": level.name,
                            "tone": level.tone,
                            "descriptor": level.descriptor,
                        }
                        for level in indicator.levels.all()
                    ],
                }
                for indicator in indicators
                if indicator.pillar_id == pillar.pk
            ],
        }
        for pillar in pillars_of(instrument)
    ]
    return data


def _empty_rules() -> dict[str, Any]:
    return {
        "competition": None,
        "scale": [0, 1],
        "pass_mark": str(settings.BANTAR_DEFAULT_PASS_MARK),
        "pillar_minimum": None,
        "weights": {},
        "categories": [],
        "texts": {key: str(text) for key, text in TEXTS.items()},
    }


# What the script writes on the page, in the visitor's language.
TEXTS = {
    "answered": _("%(done)s dari %(total)s indikator dijawab"),
    "passed": _("Dengan jawaban ini, RT mencapai batas lulus %(mark)s."),
    "not_passed": _("Dengan jawaban ini, RT belum mencapai batas lulus %(mark)s."),
    "gated": _("Nilai pilar %(pillars)s di bawah minimum %(minimum)s: RT belum dapat lulus."),
    "no_category": _("Jumlah KK %(kk)s tidak masuk kategori mana pun (%(bands)s)."),
    "no_kk": _("Isi jumlah KK untuk melihat kategori."),
    "category": _("Kategori %(name)s (%(band)s)"),
    "band_open": _("%(min)s KK atau lebih"),
    "band": _("%(min)s-%(max)s KK"),
    "gain": _("+%(gain)s pada nilai akhir"),
    "from_to": _("dari nilai %(from)s ke %(to)s"),
    "nothing_to_improve": _("Semua indikator yang dijawab sudah di nilai tertinggi."),
    "copied": _("Tautan disalin."),
    "copy_failed": _("Salin tautan di atas secara manual."),
    "unanswered": _("belum dijawab"),
    "confirm_clear": _("Hapus semua jawaban di ponsel ini?"),
}
