"""A small published season (tests/scoring/seasons.py) and the PDF read back as text."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from scoring.result_services import competition_finalise, competition_publish
from tests.scoring.seasons import build_season


@pytest.fixture
def season(open_competition):
    return build_season(open_competition)


@pytest.fixture
def final(season, open_competition, panitia):
    competition_finalise(competition=open_competition, by=panitia)
    return season


@pytest.fixture
def published(final, open_competition, panitia):
    competition_publish(competition=open_competition, by=panitia)
    return final


def pdf_pages(response) -> list[str]:
    """Each page's text, with runs of white space made single spaces."""
    assert response.status_code == 200, response.content[:400]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def pdf_reader(response) -> PdfReader:
    return PdfReader(io.BytesIO(response.content))
