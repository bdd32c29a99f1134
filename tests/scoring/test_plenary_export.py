"""scoring/plenary_export.py: the plenary's "Hasil" column says what became of one RT."""

from __future__ import annotations

import pytest
from django.utils import translation

from scoring.plenary_export import result_text
from scoring.result_selectors import result_table
from tests.scoring.seasons import build_season

pytestmark = pytest.mark.django_db


def test_a_winner_is_called_a_winner_not_the_winners_column(open_competition):
    build_season(open_competition)
    winner = next(row for row in result_table(open_competition).rows if row.is_winner)

    assert result_text(winner) == "Pemenang"
    with translation.override("en"):
        # The status ("status" context), not the rekap's column of counts ("Winners").
        assert result_text(winner) == "Winner"
