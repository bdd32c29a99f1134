"""The portal a fault test runs against, built in its own database by a subprocess.

    DATABASE_URL=... python -m tests.faults.world

Migrations, the city's master data and the demo accounts (`seed_demo --minimal`,
password `bantar-demo`), then this year's period-2 competition moved on to field
assessment with one verified RT of Eka Jaya assigned to a team of one: the demo
juror `juri1`, who scores every pillar. The fault tests copy this database once
per test, so each starts from the same portal.
"""

from __future__ import annotations

import io

JUROR = "juri1"
PASSWORD = "bantar-demo"  # seed_demo's DEMO_PASSWORD
RT_NUMBER = 8
KELURAHAN = "Eka Jaya"


def build() -> None:
    from django.core.management import call_command

    from bantar.models import User
    from competitions.models import Competition, CompetitionStatus, EntryStatus, Kelurahan
    from scoring.services import entry_assign, team_add_member, team_create
    from tests.conftest import MASTER_FIXTURES
    from tests.factories import EntryFactory, RTFactory

    call_command("migrate", "--noinput", verbosity=0)
    call_command("loaddata", *MASTER_FIXTURES, verbosity=0)
    call_command("seed_demo", "--minimal", stdout=io.StringIO())
    competition = Competition.objects.get(status=CompetitionStatus.REGISTRATION)
    competition.status = CompetitionStatus.ASSESSMENT
    competition.save()
    entry = EntryFactory(
        competition=competition,
        rt=RTFactory(kelurahan=Kelurahan.objects.get(name=KELURAHAN), number=RT_NUMBER),
        status=EntryStatus.VERIFIED,
    )
    team = team_create(competition=competition, name="Tim Lapangan")
    team_add_member(team=team, user=User.objects.get(username=JUROR), agency="DLH")
    entry_assign(entry=entry, team=team, by=User.objects.get(username="panitia"))


if __name__ == "__main__":
    import django

    django.setup()
    build()
