"""A real season out of the box: the 2020 competition and this year's, mid-season.

The 2020 season is built so that, once its results are computed from the seeded
scores, the city's published recap comes out (fixtures/rekap_2020.csv): the
kelurahan, RTs, proposals and winners per kecamatan. The recap is never copied:
the seed only decides which RTs score well, the portal does the rest.

This year has two periods: period 1 in field assessment (jurors at work),
period 2 open for registration (kelurahan and kecamatan at work).
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from PIL import Image, ImageDraw
from simple_history.utils import bulk_create_with_history

from bantar.history import stamp
from bantar.models import Role, User
from competitions.models import (
    RT,
    Competition,
    CompetitionStatus,
    Entry,
    EntryStatus,
    Kecamatan,
    Kelurahan,
)
from competitions.services import competition_create, entry_return, size_category_for
from indicators.models import Indicator
from scoring.images import process_photo
from scoring.models import Evidence, Score, ScoreSheet, SheetStatus
from scoring.result_services import competition_finalise, competition_publish
from scoring.services import entries_assign_balanced, entry_assign, team_add_member, team_create

RECAP = Path(settings.BASE_DIR) / "fixtures" / "rekap_2020.csv"
WIB = timezone.get_fixed_timezone(7 * 60)
KK_RANGES = {"besar": (100, 260), "sedang": (60, 99), "kecil": (30, 59)}
AGENCIES = [
    "DPMPPA",
    "Dinas Kesehatan",
    "Dinas Pendidikan",
    "DLH",
    "Satpol PP",
    "Polri",
    "TNI",
    "PMI",
]
NOTES = [
    "Bank sampah aktif, buku tabungan nasabah diperlihatkan.",
    "Drainase bersih, kerja bakti rutin setiap Minggu.",
    "Poskamling terawat, jadwal ronda terpasang.",
    "Posyandu dan PAUD berjalan, data balita lengkap.",
    "Taman baca ada, tetapi koleksi buku masih sedikit.",
    "Tanaman obat keluarga di pekarangan warga.",
    "Masih ada sampah di parit belakang pasar.",
]
KAMPUNG = [
    "Melati",
    "Mawar",
    "Kenanga",
    "Cempaka",
    "Anggrek",
    "Flamboyan",
    "Seroja",
    "Teratai",
    "Bougenville",
    "Dahlia",
]


@dataclass(frozen=True)
class RecapRow:
    kecamatan: str
    kelurahan: int
    rts: int
    proposed: int
    winners: dict[str, int]


def recap_rows() -> list[RecapRow]:
    with RECAP.open(encoding="utf-8") as handle:
        return [
            RecapRow(
                row["kecamatan"],
                int(row["jumlah_kelurahan"]),
                int(row["jumlah_rt"]),
                int(row["rt_diusulkan"]),
                {
                    "besar": int(row["pemenang_besar"]),
                    "sedang": int(row["pemenang_sedang"]),
                    "kecil": int(row["pemenang_kecil"]),
                },
            )
            for row in csv.DictReader(handle)
        ]


def _juror(username: str, full_name: str) -> User:
    first, _space, last = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": Role.JURI, "first_name": first, "last_name": last}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _photo(rng: random.Random) -> bytes:
    """A distinct little scene: sky, ground, houses; every RT's photo differs."""
    image = Image.new("RGB", (640, 480), (120 + rng.randrange(100), 170 + rng.randrange(60), 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        [0, 300 + rng.randrange(60), 640, 480],
        fill=(60 + rng.randrange(60), 120 + rng.randrange(80), 50),
    )
    for _house in range(rng.randrange(3, 8)):
        x, y = rng.randrange(0, 560), rng.randrange(180, 360)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle([x, y, x + rng.randrange(40, 120), y + rng.randrange(40, 100)], fill=colour)
        draw.polygon(
            [(x - 10, y), (x + 60, y - 40), (x + 130, y)], fill=(150, 40 + rng.randrange(60), 30)
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _scores_for(
    sheets: list[ScoreSheet],
    indicators: list[Indicator],
    levels: tuple[int, ...],
    rng: random.Random,
) -> list[Score]:
    scores = [
        Score(
            sheet=sheet,
            indicator=indicator,
            value=rng.choice(levels),
            note=rng.choice(NOTES) if rng.random() < 0.12 else "",
            client_id=uuid.uuid4(),
        )
        for sheet in sheets
        for indicator in indicators
    ]
    for score in scores:
        # The score history credits each level to the juror of its own sheet (one
        # default user for the whole batch credited juri1 with juri2's levels).
        stamp(score, by=score.sheet.juror)
    return scores


def make_photos(
    entry: Entry, juror: User, indicators: list[Indicator], rng: random.Random, count: int
) -> list[Evidence]:
    made = []
    for _number in range(count):
        photo = process_photo(_photo(rng))
        evidence = Evidence(
            entry=entry,
            indicator=rng.choice(indicators),
            juror=juror,
            width=photo.width,
            height=photo.height,
            sha256=photo.sha256,
            phash=photo.phash,
        )
        stem = uuid.uuid4().hex
        evidence.image.save(f"{stem}-full.jpg", ContentFile(photo.full), save=False)
        evidence.web.save(f"{stem}-web.jpg", ContentFile(photo.web), save=False)
        evidence.thumb.save(f"{stem}-thumb.jpg", ContentFile(photo.thumb), save=False)
        made.append(evidence)
    return made


@transaction.atomic
def build_2020(*, panitia: User) -> Competition:
    """Entries, teams, submitted sheets with notes, photos; then the real finalise and publish."""
    competition = Competition.objects.get(year=2020, period=1)
    if competition.result_sets.exists():
        return competition
    rng = random.Random(2020)
    indicators = list(Indicator.objects.select_related("pillar"))
    entries: list[tuple[Entry, bool]] = []
    for row in recap_rows():
        kecamatan = Kecamatan.objects.get(name=row.kecamatan)
        kelurahan = list(
            Kelurahan.objects.active_in(2020).filter(kecamatan=kecamatan).order_by("code")
        )
        assert len(kelurahan) == row.kelurahan, (
            f"{row.kecamatan}: master data has {len(kelurahan)} kelurahan"
        )
        _set_rt_counts(kelurahan, row.rts)
        plan = [(code, True) for code, n in row.winners.items() for _ in range(n)]
        losers = row.proposed - len(plan)
        plan += [(("besar", "sedang", "kecil")[i % 3], False) for i in range(losers)]
        rng.shuffle(plan)
        for index, (category, wins) in enumerate(plan):
            home = kelurahan[index % len(kelurahan)]
            number = 1 + (index // len(kelurahan)) * 3 + rng.randrange(3)
            rt = RT.objects.get(kelurahan=home, number=min(number, home.rt_count or number))
            kk = rng.randint(*KK_RANGES[category])
            entry = Entry(
                competition=competition,
                rt=rt,
                kampung_name=rt.name_kampung,
                kk_count=kk,
                category=size_category_for(competition=competition, kk_count=kk),
                ketua_rt=f"Ketua RT {rt.number:02d} {home.name}",
                phone=f"0812{rng.randrange(10**7, 10**8)}",
                status=EntryStatus.VERIFIED,
                submitted_by=panitia,
            )
            entries.append((entry, wins))
    Entry.objects.bulk_create([entry for entry, _wins in entries])
    competition.status = CompetitionStatus.ASSESSMENT
    competition.save()
    teams = _teams_2020(competition)
    entries_assign_balanced(
        competition=competition,
        entries=Entry.objects.filter(competition=competition).select_related(
            "rt__kelurahan__kecamatan"
        ),
        by=panitia,
    )
    _score_2020(
        competition, teams, dict((entry.pk, wins) for entry, wins in entries), indicators, rng
    )
    competition.status = CompetitionStatus.PLENARY
    competition.save()
    competition_finalise(competition=competition, by=panitia)
    result_set = competition_publish(competition=competition, by=panitia)
    # Historical dates: the plenary in October 2020, the announcement a week later.
    result_set.finalised_at = datetime(2020, 10, 19, 10, 0, tzinfo=WIB)
    result_set.published_at = datetime(2020, 10, 26, 9, 0, tzinfo=WIB)
    result_set.save(update_fields=["finalised_at", "published_at"])
    competition.refresh_from_db()
    for step in settings.BANTAR_DEMO_AFTER_2020:  # coaching: a re-visit round of 2020's winners
        import_string(step)(panitia=panitia)
    return competition


def _set_rt_counts(kelurahan: list[Kelurahan], total: int) -> None:
    """Spread the kecamatan's RTs over its kelurahan and register them in the master data."""
    base, extra = divmod(total, len(kelurahan))
    for index, item in enumerate(kelurahan):
        item.rt_count = base + (1 if index < extra else 0)
        item.save(update_fields=["rt_count"])
        RT.objects.bulk_create(
            [
                RT(
                    kelurahan=item,
                    number=n,
                    name_kampung=f"Kampung {KAMPUNG[(n + index) % len(KAMPUNG)]}",
                )
                for n in range(1, item.rt_count + 1)
            ],
            ignore_conflicts=True,
        )


def _teams_2020(competition: Competition) -> list:
    teams = []
    for number in range(1, 7):
        team = team_create(competition=competition, name=f"Tim {number}")
        seated = []
        for seat in range(3):
            agency = AGENCIES[(number + seat) % len(AGENCIES)]
            juror = _juror(
                f"juri2020.t{number}{'abc'[seat]}", f"Juri {number}{'ABC'[seat]} {agency}"
            )
            team_add_member(team=team, user=juror, agency=agency)
            seated.append(juror)
        team.leader = seated[0]  # juri2020.t<n>a, the first by username
        team.save(update_fields=["leader"])
        teams.append(team)
    return teams


def _score_2020(
    competition: Competition,
    teams: list,
    wins: dict[int, bool],
    indicators: list[Indicator],
    rng: random.Random,
) -> None:
    members = {team.pk: [member.user for member in team.members.all()] for team in teams}
    submitted = datetime(2020, 9, 14, 15, 0, tzinfo=WIB)
    sheets, scores, photos = [], [], []
    for entry in Entry.objects.filter(competition=competition).select_related("assignment"):
        jurors = members[entry.assignment.team_id]
        entry_sheets = [
            ScoreSheet(
                entry=entry, juror=juror, status=SheetStatus.SUBMITTED, submitted_at=submitted
            )
            for juror in jurors
        ]
        ScoreSheet.objects.bulk_create(entry_sheets)
        sheets += entry_sheets
        # Winners were scored 4-5 on every indicator, the others 2-3: pass or not, by the rules.
        scores += _scores_for(entry_sheets, indicators, (4, 5) if wins[entry.pk] else (2, 3), rng)
        photos += make_photos(entry, jurors[0], indicators, rng, count=2)
    bulk_create_with_history(
        scores, Score, batch_size=2000, default_change_reason="Data penilaian 2020"
    )
    Evidence.objects.bulk_create(photos)


@transaction.atomic
def build_current_year(
    *, panitia: User, officers: dict[str, User], jurors: list[User]
) -> tuple[Competition, Competition]:
    """Period 1 in field assessment with the demo jurors; period 2 open for registration."""
    year = timezone.localdate().year
    second = ensure_registration_competition(year)
    first = Competition.objects.filter(year=year, period=1).first()
    if first is not None:
        return first, second
    rng = random.Random(year)
    first = competition_create(
        year=year, period=1, registration_closes=timezone.now() - timedelta(days=60)
    )
    indicators = list(Indicator.objects.select_related("pillar"))
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    picks = [(eka_jaya, 2), (eka_jaya, 5)] + [
        (k, 4)
        for k in Kelurahan.objects.filter(
            kecamatan__name__in=["Paal Merah", "Pasar Jambi"]
        ).exclude(pk=eka_jaya.pk)[:8]
    ]
    entries = []
    for kelurahan, number in picks:
        rt, _created = RT.objects.get_or_create(
            kelurahan=kelurahan, number=number, defaults={"name_kampung": "Kampung Harapan"}
        )
        kk = rng.randint(35, 180)
        entries.append(
            Entry.objects.create(
                competition=first,
                rt=rt,
                kampung_name=rt.name_kampung or "Kampung Harapan",
                kk_count=kk,
                category=size_category_for(competition=first, kk_count=kk),
                ketua_rt=f"Ketua RT {number:02d} {kelurahan.name}",
                phone="081234500000",
                status=EntryStatus.VERIFIED,
                submitted_by=officers["kelurahan.ekajaya"],
            )
        )
    first.status = CompetitionStatus.ASSESSMENT
    first.save()
    team = team_create(competition=first, name="Tim 1")
    homes = [Kelurahan.objects.get(name="Thehok"), None, eka_jaya]  # juri3 lives in Eka Jaya
    for juror, home, agency in zip(
        jurors, homes, ["DLH", "Polri", "Dinas Pendidikan"], strict=True
    ):
        team_add_member(team=team, user=juror, agency=agency, home_kelurahan=home)
    team.leader = jurors[0]
    team.save(update_fields=["leader"])
    for entry in entries[:6]:
        entry_assign(entry=entry, team=team, by=panitia)
    # juri1 has finished two RTs and started a third; juri2 has started one; the rest wait.
    done = [
        ScoreSheet.objects.create(
            entry=e, juror=jurors[0], status=SheetStatus.SUBMITTED, submitted_at=timezone.now()
        )
        for e in entries[:2]
    ]
    started = [
        ScoreSheet.objects.create(entry=entries[2], juror=jurors[0]),
        ScoreSheet.objects.create(entry=entries[3], juror=jurors[1]),
    ]
    scores = _scores_for(done, indicators, (3, 4, 5), rng)
    scores += _scores_for(started, indicators[:9], (2, 3, 4), rng)
    bulk_create_with_history(scores, Score, default_change_reason="Diisi juri")
    Evidence.objects.bulk_create(make_photos(entries[0], jurors[0], indicators, rng, count=2))
    _registrations(second, officers, rng)
    return first, second


def ensure_registration_competition(year: int) -> Competition:
    """This year's period 2, open for registration for the next 30 days."""
    competition = Competition.objects.filter(year=year, period=2).first()
    if competition is None:
        closes = timezone.make_aware(
            datetime.combine(timezone.localdate() + timedelta(days=30), time(23, 59))
        )
        competition = competition_create(year=year, period=2, registration_closes=closes)
    if competition.status == CompetitionStatus.DRAFT:
        from competitions.services import competition_advance

        competition = competition_advance(
            competition=competition, to_status=CompetitionStatus.REGISTRATION, by=None
        )
    return competition


def _registrations(competition: Competition, officers: dict[str, User], rng: random.Random) -> None:
    """Proposals in every state, so that kelurahan and kecamatan have work waiting."""
    plan = [
        ("Eka Jaya", 3, EntryStatus.DRAFT, "kelurahan.ekajaya"),
        ("Eka Jaya", 6, EntryStatus.PROPOSED, "kelurahan.ekajaya"),
        ("Eka Jaya", 9, EntryStatus.PROPOSED, "kelurahan.ekajaya"),
        ("Beringin", 2, EntryStatus.DRAFT, "kelurahan.beringin"),
        ("Beringin", 4, EntryStatus.PROPOSED, "kelurahan.beringin"),
    ]
    made = {}
    for name, number, status, officer in plan:
        rt, _created = RT.objects.get_or_create(
            kelurahan=Kelurahan.objects.get(name=name), number=number
        )
        kk = rng.randint(40, 150)
        made[(name, number)] = Entry.objects.create(
            competition=competition,
            rt=rt,
            kampung_name=rt.name_kampung or f"Kampung {KAMPUNG[number % 10]}",
            kk_count=kk,
            category=size_category_for(competition=competition, kk_count=kk),
            ketua_rt=f"Ketua RT {number:02d} {name}",
            phone="081377700000",
            address=f"Jl. RT {number:02d}, {name}",
            status=status,
            submitted_by=officers[officer],
        )
    entry_return(
        entry=made[("Eka Jaya", 9)],
        by=officers["kecamatan.paalmerah"],
        note="Jumlah KK berbeda dengan data kelurahan; mohon diperiksa dan diusulkan kembali.",
    )
