"""A city-scale season in a throwaway database, built with bulk_create.

City scale (DESIGN.md, "Performance budgets"): 1,650 verified entries over the
68 kelurahan, in the three size categories; 6 jury teams x 3 jurors; every
entry assigned; 3 submitted sheets per entry with 21 scores each (103,950
scores). `--scale 10` builds 16,500 entries and 1,039,500 scores.

    .venv/bin/python benchmarks/citydata.py [--scale 1] [--database-url URL]

Without a URL the season goes into a fresh SQLite file under /tmp (migrated,
master data loaded) that the command keeps and names, so that it can be
opened afterwards. With DATABASE_URL (or --database-url) it goes into that
database, which should be a throwaway one: migrate and loaddata run there
first, and the season is a new competition next to whatever is there.

Other benchmarks import `setup(...)` and `build_city(...)`. `setup` must run
before anything imports Django models: it sets DATABASE_URL and
DJANGO_SETTINGS_MODULE and calls django.setup().

The data are deterministic for a given seed: each entry has a "quality" and
each juror's level for an indicator is that quality plus noise, so there are
clear winners, losers, near ties and exact ties, as in a real season.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CITY_ENTRIES = 1650
TEAMS = 6
JURORS_PER_TEAM = 3
MASTER_FIXTURES = ("wilayah_kota_jambi", "indicators", "competition_2020")
BATCH = 5000  # rows per INSERT batch; also bounds the memory of the score generator
# One password hash for every generated account: hashing is slow on purpose.
PASSWORD = "bantar-bench-2099"


def setup(database_url: str | None = None, *, settings_module: str = "bantar.settings") -> str:
    """Point Django at a database (a fresh SQLite file by default) and set it up.

    Returns the database URL in use. Call once per process, before importing models.
    """
    if database_url is None:
        database_url = os.environ.get("DATABASE_URL") or fresh_sqlite_url()
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    return database_url


def fresh_sqlite_url(prefix: str = "bantar-city-") -> str:
    handle, path = tempfile.mkstemp(prefix=prefix, suffix=".sqlite3", dir="/tmp")
    os.close(handle)
    os.unlink(path)  # Django creates it; an empty file is a valid, empty database anyway
    return f"sqlite:///{path}"


def sqlite_path(database_url: str) -> Path | None:
    prefix = "sqlite:///"
    return Path(database_url[len(prefix) :]) if database_url.startswith(prefix) else None


def prepare_schema(verbosity: int = 0) -> float:
    """migrate + loaddata of the master data; returns the seconds it took."""
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("loaddata", *MASTER_FIXTURES, verbosity=verbosity)
    return time.perf_counter() - start


@dataclass
class City:
    competition_id: int
    entries: int
    teams: int
    jurors: list[str]  # usernames, in team order
    sheets: int
    scores: int
    seconds: float
    juror_entry: dict[str, int] = field(default_factory=dict)  # username -> one entry to score

    def describe(self) -> str:
        return (
            f"{self.entries:,} entries, {self.teams} teams x {len(self.jurors) // self.teams} "
            f"jurors, {self.sheets:,} sheets, {self.scores:,} scores "
            f"(competition {self.competition_id}), built in {self.seconds:.1f} s"
        )


def _free_year_period() -> tuple[int, int]:
    from competitions.models import Competition

    taken = set(Competition.objects.values_list("year", "period"))
    for year in range(2025, 2101):
        for period in range(1, 5):
            if (year, period) not in taken:
                return year, period
    raise RuntimeError("no free (year, period) left for a benchmark competition")


def build_city(
    *,
    scale: float = 1,
    entries: int | None = None,
    teams: int = TEAMS,
    jurors_per_team: int = JURORS_PER_TEAM,
    scored: bool = True,
    status: str = "plenary",
    seed: int = 2019,
    password: str = PASSWORD,
    quiet: bool = False,
) -> City:
    """One competition with verified, assigned entries and (if `scored`) submitted sheets.

    `entries` overrides `scale` (entries = round(1,650 x scale)). With
    `scored=False` no sheet exists yet, as at the start of the field
    assessment. The competition ends in `status` (set directly, not through
    the stage services, whose checks are not what is measured here).
    """
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from bantar.models import Role, User
    from competitions.models import RT, Competition, Entry, EntryStatus, Kelurahan
    from competitions.services import competition_create
    from indicators.models import Indicator
    from scoring.models import Assignment, JuryMember, JuryTeam, Score, ScoreSheet, SheetStatus

    start = time.perf_counter()
    count = entries if entries is not None else round(CITY_ENTRIES * scale)
    rng = random.Random(seed)
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))

    with transaction.atomic():
        year, period = _free_year_period()
        competition = competition_create(
            year=year,
            period=period,
            title=f"Benchmark kota x{count / CITY_ENTRIES:g} ({year}/{period})",
        )
        competition.pillar_minimum = 50
        competition.save(update_fields=["pillar_minimum"])
        categories = list(competition.size_categories.order_by("-min_kk"))
        kelurahan = list(Kelurahan.objects.order_by("code"))
        indicators = list(Indicator.objects.order_by("pk"))

        # RTs persist across competitions: reuse those that exist, add the rest.
        wanted = [(kelurahan[i % len(kelurahan)], i // len(kelurahan) + 1) for i in range(count)]
        existing = {
            (kelurahan_id, number): pk
            for pk, kelurahan_id, number in RT.objects.values_list("pk", "kelurahan_id", "number")
        }
        RT.objects.bulk_create(
            [
                RT(kelurahan=k, number=n, name_kampung=f"Kampung {k.name} {n}")
                for k, n in wanted
                if (k.pk, n) not in existing
            ],
            batch_size=BATCH,
        )
        rt_ids = {
            (kelurahan_id, number): pk
            for pk, kelurahan_id, number in RT.objects.values_list("pk", "kelurahan_id", "number")
        }

        # Households: a spread over the three bands (about 35 % besar, 35 % sedang, 30 % kecil).
        entry_objects = []
        qualities = []
        for index, (k, number) in enumerate(wanted):
            kk = rng.choice((rng.randint(30, 59), rng.randint(60, 99), rng.randint(100, 400)))
            category = next(c for c in categories if c.contains(kk))
            entry_objects.append(
                Entry(
                    competition=competition,
                    rt_id=rt_ids[(k.pk, number)],
                    kampung_name=f"Kampung {k.name} {number}",
                    kk_count=kk,
                    category=category,
                    ketua_rt=f"Ketua RT {number:02d} {k.name}",
                    phone=f"0812{index:08d}",
                    address=f"Jl. Bantar {number}, {k.name}",
                    status=EntryStatus.VERIFIED,
                )
            )
            qualities.append(rng.uniform(2.0, 5.2))
        made = Entry.objects.bulk_create(entry_objects, batch_size=BATCH)
        entry_ids = [e.pk for e in made]
        say(f"  {len(entry_ids):,} entries ({time.perf_counter() - start:.1f} s)")

        # Jury: teams of jurors; usernames unique per competition so builds can share a database.
        hashed = make_password(password)
        usernames = [
            f"bench.c{competition.pk}.t{t + 1}.j{j + 1}"
            for t in range(teams)
            for j in range(jurors_per_team)
        ]
        users = User.objects.bulk_create(
            [
                User(
                    username=name,
                    first_name=f"Juri {name.split('.', 2)[2]}",
                    role=Role.JURI,
                    password=hashed,
                )
                for name in usernames
            ]
        )
        team_objects = JuryTeam.objects.bulk_create(
            [JuryTeam(competition=competition, name=f"Tim {t + 1}") for t in range(teams)]
        )
        members = [
            JuryMember(team=team_objects[t], user=users[t * jurors_per_team + j], agency="DPMPPA")
            for t in range(teams)
            for j in range(jurors_per_team)
        ]
        JuryMember.objects.bulk_create(members)
        # Round robin over the teams, as entries_assign_balanced would spread them.
        Assignment.objects.bulk_create(
            [
                Assignment(entry_id=entry_id, team=team_objects[i % teams])
                for i, entry_id in enumerate(entry_ids)
            ],
            batch_size=BATCH,
        )
        juror_entry = {}
        for t in range(teams):
            team_entries = entry_ids[t::teams]
            for j in range(jurors_per_team):
                if team_entries:
                    juror_entry[usernames[t * jurors_per_team + j]] = team_entries[
                        j % len(team_entries)
                    ]

        sheets = scores = 0
        if scored:
            now = timezone.now()
            sheet_objects = [
                ScoreSheet(
                    entry_id=entry_id,
                    juror=users[(i % teams) * jurors_per_team + j],
                    status=SheetStatus.SUBMITTED,
                    submitted_at=now,
                )
                for i, entry_id in enumerate(entry_ids)
                for j in range(jurors_per_team)
            ]
            sheet_objects = ScoreSheet.objects.bulk_create(sheet_objects, batch_size=BATCH)
            sheets = len(sheet_objects)
            say(f"  {sheets:,} sheets ({time.perf_counter() - start:.1f} s)")
            quality = dict(zip(entry_ids, qualities, strict=True))
            tag = uuid.uuid4().int >> 64 << 64  # unique client ids across builds

            def score_batches():
                batch = []
                serial = 0
                for sheet in sheet_objects:
                    base = quality[sheet.entry_id]
                    for indicator in indicators:
                        level = round(base + rng.gauss(0, 0.8))
                        serial += 1
                        batch.append(
                            Score(
                                sheet_id=sheet.pk,
                                indicator_id=indicator.pk,
                                value=min(5, max(1, level)),
                                client_id=uuid.UUID(int=tag | serial),
                            )
                        )
                        if len(batch) == BATCH:
                            yield batch
                            batch = []
                if batch:
                    yield batch

            for batch in score_batches():
                Score.objects.bulk_create(batch)
                scores += len(batch)
            say(f"  {scores:,} scores ({time.perf_counter() - start:.1f} s)")

        Competition.objects.filter(pk=competition.pk).update(
            status=status, status_changed_at=timezone.now()
        )

    return City(
        competition_id=competition.pk,
        entries=len(entry_ids),
        teams=teams,
        jurors=usernames,
        sheets=sheets,
        scores=scores,
        seconds=time.perf_counter() - start,
        juror_entry=juror_entry,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1, help="1 = 1,650 entries; 10 = 16,500")
    parser.add_argument("--database-url", help="default: $DATABASE_URL, else a new SQLite file")
    arguments = parser.parse_args()
    url = setup(arguments.database_url)
    print(f"database: {url}")
    print(f"migrate + loaddata: {prepare_schema():.1f} s")
    city = build_city(scale=arguments.scale)
    print(city.describe())
    path = sqlite_path(url)
    if path is not None:
        print(f"kept: {path} ({path.stat().st_size / 1024 / 1024:.0f} MB); delete it when done")


if __name__ == "__main__":
    main()
