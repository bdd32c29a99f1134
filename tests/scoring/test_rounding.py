"""One rounding rule: half up to 2 places, on every page and file, with a decimal comma.

The season's RT X has an exact final of 65.625 (Bersih 75 twice, Aman 62,5, Pintar 50,
weights 2/1/1): half to even, as Python formats a Decimal, would show 65,62.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from bantar.numbers import comma, hundredths
from bantar.templatetags.bantar import comma as comma_filter
from scoring import results
from scoring.result_selectors import result_table
from tests.scoring.seasons import Plan, build_season

pytestmark = pytest.mark.django_db

X = Plan("X", "Eka Jaya", 9, 120, (4, 4, 3), (4, 3, 3))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(525, 8), "65.63"),  # exactly 65.625
        (Decimal("65.6250"), "65.63"),  # as stored
        (Decimal("65.625"), "65.63"),
        (Decimal("65.6249"), "65.62"),
        (Fraction(200, 3), "66.67"),
        (Decimal("-0.005"), "-0.01"),
        (70, "70.00"),
        ("87.5", "87.50"),
    ],
)
def test_hundredths_rounds_half_up_once(value, shown):
    assert str(hundredths(value)) == shown
    assert results.display(value) == Decimal(shown)
    assert comma(value) == comma_filter(value) == shown.replace(".", ",")


def test_the_stored_and_the_exact_value_show_alike():
    """Whatever the path, a page shows what the 4-place stored value shows."""
    for numerator in range(0, 100_001, 37):
        exact = Fraction(numerator, 800)
        assert hundredths(exact) == hundredths(results.as_decimal(exact, 4))


@pytest.fixture
def season(open_competition):
    open_competition.pillar_weights = {"B": "2", "A": "1", "P": "1"}
    open_competition.pass_mark = Decimal("65")
    open_competition.save()
    return build_season(open_competition, plans=[X])


def test_the_exact_final_is_65_625(season, open_competition):
    row = result_table(open_competition).row(season["X"].pk)
    assert row.final == Decimal("65.6250") and row.is_winner
    assert f"{row.final:.2f}" == "65.62"  # the trap: Python's format rounds half to even


def test_65_625_shows_65_63_on_every_page_and_file(client, panitia, season, open_competition):
    client.force_login(panitia)
    base = f"/kompetisi/{open_competition.pk}"
    plenary = client.get(f"{base}/pleno/").content.decode()
    assert '<span class="fw-semibold" data-testid="final">65,63</span>' in plenary
    assert "65,62" not in plenary
    explain = client.get(f"{base}/pleno/rt/{season['X'].pk}/").content.decode()
    assert '<strong data-testid="final">65,63</strong>' in explain and "65,62" not in explain
    winners = load_workbook(io.BytesIO(client.get(f"{base}/laporan/pemenang.xlsx").content))
    cells = [c for row in winners["Kategori Besar"].iter_cols() for c in row]
    final = next(c for c in cells if c.value == 65.63)
    assert final.number_format == "0.00"  # a real number; Excel shows the local comma
    assert not any(c.value == 65.62 for c in cells)
    matrix = load_workbook(io.BytesIO(client.get(f"{base}/laporan/matriks.xlsx").content))
    assert 65.63 in [c.value for row in matrix["Matriks"].iter_rows() for c in row]
    for name in ("pemenang", "matriks"):
        text = client.get(f"{base}/laporan/{name}.csv").content.decode("utf-8-sig")
        values = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert "65,63" in values and "65.63" not in values and "65,62" not in values
        page = client.get(f"{base}/laporan/{name}/").content.decode()
        assert "65,63" in page and "65,62" not in page
