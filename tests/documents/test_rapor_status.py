"""The rapor's history column names a status (one winner), not the heading "the winners"."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation


def history_cell(language: str) -> str:
    line = SimpleNamespace(title="Lomba 2025", category="Kecil", final=None, rank=1, is_winner=True)
    card = {"row": SimpleNamespace(entry=None), "pillars": [], "history": [line]}
    with translation.override(language):
        html = render_to_string(
            "documents/rapor.html", {"cards": [card], "competition": SimpleNamespace(title="X")}
        )
    row = html[html.index("Lomba 2025") :]
    return row[: row.index("</tr>")].rsplit("<td>", 1)[1].removesuffix("</td>")


@pytest.mark.parametrize(("language", "status"), [("id", "Pemenang"), ("en", "Winner")])
def test_a_winning_year_in_the_rapor_history_reads_as_a_status(language, status):
    assert history_cell(language) == status
