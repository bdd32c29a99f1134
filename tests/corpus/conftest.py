"""The corpus runs through the real scoring set-up of tests/scoring."""

from tests.scoring.conftest import (  # noqa: F401 - pytest fixtures
    assessment,
    entry_beringin,
    entry_eka_jaya,
    juror_local,
    juror_polri,
    juror_team2,
    private_media,
    team1,
    team2,
)
