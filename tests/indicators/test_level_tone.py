"""A level's colour follows its place in its instrument's scale, not its value (1-5 only)."""

from __future__ import annotations

import pytest
from django.test import Client

from indicators.models import Instrument


@pytest.mark.parametrize(
    ("scale", "tones"),
    [
        ((1, 5), [1, 2, 3, 4, 5]),
        ((1, 4), [1, 2, 4, 5]),
        ((0, 10), [1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5]),
        ((0, 1), [1, 5]),
    ],
)
def test_a_levels_colour_follows_its_place_in_the_scale(scale, tones):
    low, high = scale
    instrument = Instrument(scale_min=low, scale_max=high)
    assert [instrument.level_tone(value) for value in instrument.scale] == tones


@pytest.mark.django_db
def test_the_guide_colours_the_perwali_levels_as_before(client: Client):
    page = client.get("/panduan/").content.decode()
    for value in range(1, 6):
        assert f'<span class="level-dot" data-tone="{value}">{value}</span>' in page
