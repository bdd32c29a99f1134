"""Reads for competitions: the per-kecamatan table's total row speaks the user's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from competitions.selectors import kecamatan_category_table
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "total"), [("id", "Jumlah"), ("en", "Total")])
def test_the_total_row_of_the_kecamatan_table_is_translated(
    pejabat, open_competition, eka_jaya, language, total
):
    EntryFactory(competition=open_competition, rt=RTFactory(kelurahan=eka_jaya, number=1))
    with translation.override(language):
        _, rows = kecamatan_category_table(pejabat, open_competition)
    assert rows[-1].name == total
    assert rows[-1].proposed[-1] == sum(row.proposed[-1] for row in rows[:-1])
