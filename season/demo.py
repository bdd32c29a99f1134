"""A real season out of the box: the 2020 competition and this year's, mid-season.

The 2020 season is built so that, once its results are computed from the seeded
scores, the city's published recap comes out (fixtures/rekap_2020.csv): the
kelurahan, RTs, proposals and winners per kecamatan. The recap is never copied:
the seed only decides which RTs score well, the portal does the rest.

The 2020 scores spread like a real contest: winners from exactly 70,00 up,
RTs just under the pass mark (69,84 and 69,76), tied RTs in every category (at the
pass mark too), RTs with exactly 30, 60 and 100 KK (the first KK of each size
category), and every head of RT with a phone number of his own. One of the six
teams has five jurors: with 3 jurors x 21 indicators no mean gives exactly 70,00
(the scores step by 25/63), with 5 the total 399 of 105 levels does.

This year has two periods: period 1 in field assessment (jurors at work),
period 2 open for registration (kelurahan and kecamatan at work). One RT of Eka
Jaya won the three years before (small published competitions of those years,
scored and finalised like 2020), so the registration places it in the Kencana
category through the normal entry service.
"""

from __future__ import annotations

import csv
import io
import math
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from fractions import Fraction
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
from competitions.services import (
    EntryData,
    category_saved,
    competition_create,
    entry_return,
    entry_save,
    size_category_for,
)
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
    # Each category's first KK, twice, and the last, once: the edges of the KK bands.
    edges = {"besar": [100, 100], "sedang": [60, 60, 99], "kecil": [30, 30, 59]}
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
            kk = _kk_count(category, edges, rng)
            entry = Entry(
                competition=competition,
                rt=rt,
                kampung_name=rt.name_kampung,
                kk_count=kk,
                category=size_category_for(competition=competition, kk_count=kk),
                ketua_rt=f"Ketua RT {rt.number:02d} {home.name}",
                phone=phone_for(rt),
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
        for seat in range(5 if number == 6 else 3):  # Tim 6: five jurors (exactly 70,00)
            agency = AGENCIES[(number + seat) % len(AGENCIES)]
            juror = _juror(
                f"juri2020.t{number}{'abcde'[seat]}", f"Juri {number}{'ABCDE'[seat]} {agency}"
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
    entries = list(
        Entry.objects.filter(competition=competition)
        .select_related("assignment", "category")
        .order_by("pk")
    )
    totals = _totals_2020(entries, members, wins, rng)
    for entry in entries:
        jurors = members[entry.assignment.team_id]
        entry_sheets = [
            ScoreSheet(
                entry=entry, juror=juror, status=SheetStatus.SUBMITTED, submitted_at=submitted
            )
            for juror in jurors
        ]
        ScoreSheet.objects.bulk_create(entry_sheets)
        sheets += entry_sheets
        scores += _scores_summing_to(entry_sheets, indicators, totals[entry.pk], rng)
        photos += make_photos(entry, jurors[0], indicators, rng, count=2)
    bulk_create_with_history(
        scores, Score, batch_size=2000, default_change_reason="Data penilaian 2020"
    )
    Evidence.objects.bulk_create(photos)


# With every juror scoring every indicator and equal weights, the final score is
# 25 x (total / levels - 1): the pass mark 70 is a total of 3.8 per level.
PASS_LEVEL = Fraction(19, 5)


def _totals_2020(
    entries: list[Entry], members: dict[int, list[User]], wins: dict[int, bool], rng: random.Random
) -> dict[int, tuple[int, int, int]]:
    """Entry -> the sums of its levels per pillar (Bersih, Aman, Pintar), spread like a contest.

    Winners from the pass mark up (exactly 70,00 where five jurors make it possible),
    losers below it, some just under; in every category two RTs with the same sums
    (a tie, with the same rank), one such pair at the pass mark.
    """
    totals: dict[int, tuple[int, int, int]] = {}
    by_group: dict[tuple[str, bool, int], list[Entry]] = defaultdict(list)
    for entry in entries:
        by_group[
            entry.category.code, wins[entry.pk], len(members[entry.assignment.team_id])
        ].append(entry)
    for (_category, won, jurors), group in sorted(by_group.items()):
        levels = 21 * jurors
        lowest_pass = math.ceil(PASS_LEVEL * levels)  # 240 of 63 (70,24), 399 of 105 (70,00)
        for index, entry in enumerate(group):
            if index == 1:  # a tie with the first, at the pass mark (or just under it)
                totals[entry.pk] = totals[group[0].pk]
                continue
            if won:
                total = lowest_pass if index < 2 else rng.randint(lowest_pass, levels * 19 // 4)
            else:
                total = (
                    lowest_pass - 1 if index < 2 else rng.randint(levels * 9 // 4, lowest_pass - 1)
                )
            totals[entry.pk] = _split(total, jurors * 7, rng)
        if len(group) > 3:  # another tie, away from the pass mark
            totals[group[3].pk] = totals[group[2].pk]
    return totals


def _split(total: int, per_pillar: int, rng: random.Random) -> tuple[int, int, int]:
    """`total` as three pillar sums, each possible with `per_pillar` levels of 1-5."""
    shift = per_pillar // 6
    bersih = min(5 * per_pillar, max(per_pillar, total // 3 + rng.randint(0, shift)))
    aman = min(5 * per_pillar, max(per_pillar, (total - bersih) // 2 - rng.randint(0, shift)))
    pintar = total - bersih - aman
    if not per_pillar <= pintar <= 5 * per_pillar:
        bersih = aman = total // 3
        pintar = total - bersih - aman
    return bersih, aman, pintar


def _scores_summing_to(
    sheets: list[ScoreSheet],
    indicators: list[Indicator],
    sums: tuple[int, int, int],
    rng: random.Random,
) -> list[Score]:
    """Levels of 1-5 whose sum over the sheets, pillar by pillar, is `sums`, not all alike."""
    by_pillar: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_pillar[indicator.pillar.code].append(indicator)
    scores = []
    for code, total in zip(("B", "A", "P"), sums, strict=True):
        cells = [(sheet, indicator) for sheet in sheets for indicator in by_pillar[code]]
        base, extra = divmod(total, len(cells))
        values = [base + 1] * extra + [base] * (len(cells) - extra)
        for _swap in range(len(values) // 2):  # spread them, keeping the sum: one up, one down
            up, down = rng.randrange(len(values)), rng.randrange(len(values))
            if values[up] < 5 and values[down] > 1 and up != down:
                values[up] += 1
                values[down] -= 1
        rng.shuffle(values)
        scores += [
            Score(
                sheet=sheet,
                indicator=indicator,
                value=value,
                note=rng.choice(NOTES) if rng.random() < 0.12 else "",
                client_id=uuid.uuid4(),
            )
            for (sheet, indicator), value in zip(cells, values, strict=True)
        ]
    for score in scores:
        stamp(score, by=score.sheet.juror)  # each level credited to the juror of its sheet
    return scores


def _kk_count(category: str, edges: dict[str, list[int]], rng: random.Random) -> int:
    return edges[category].pop(0) if edges[category] else rng.randint(*KK_RANGES[category])


def phone_for(rt: RT) -> str:
    """The head of the RT's mobile number (0812, 12 digits): his own, the same every year.

    7,919 is prime to 10, so multiplying by it is one-to-one on 8 digits: no two RTs share one.
    """
    return f"0812{rt.pk * 7919 % 10**8:08d}"


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
                phone=phone_for(rt),
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
    build_kencana_years(panitia=panitia, year=year, indicators=indicators)
    _registrations(second, officers, rng)
    return first, second


KENCANA_RT = ("Eka Jaya", 7)  # won the three years before this one: Kencana at registration


def build_kencana_years(*, panitia: User, year: int, indicators: list[Indicator]) -> RT:
    """The three years before `year`, each a small published competition that Eka Jaya RT 07
    won, so that its streak is read from published results, not written anywhere."""
    kelurahan = Kelurahan.objects.get(name=KENCANA_RT[0])
    rt, _created = RT.objects.get_or_create(
        kelurahan=kelurahan, number=KENCANA_RT[1], defaults={"name_kampung": "Kampung Seroja"}
    )
    others = list(
        RT.objects.filter(kelurahan__kecamatan=kelurahan.kecamatan)
        .exclude(kelurahan=kelurahan)
        .order_by("kelurahan__code", "number")[:4]
    )
    jurors = [_juror(f"juri.lalu{n}", f"Juri Lalu{n} {AGENCIES[n]}") for n in range(1, 4)]
    for past in range(year - 3, year):
        if Competition.objects.filter(year=past, period=1).exists():
            continue
        _build_past_year(past, panitia, rt, others, jurors, indicators)
    return rt


def _build_past_year(
    year: int,
    panitia: User,
    champion: RT,
    others: list[RT],
    jurors: list[User],
    indicators: list[Indicator],
) -> Competition:
    """Five RTs of Paal Merah scored by one team, finalised and published: the champion wins."""
    rng = random.Random(year)
    competition = competition_create(
        year=year, period=1, registration_closes=datetime(year, 8, 31, 23, 59, tzinfo=WIB)
    )
    entries = []
    wins = []
    for index, rt in enumerate([champion, *others]):
        kk = 118 if rt == champion else rng.randint(35, 180)
        wins.append(index == 0 or index % 2 == 1)  # the champion, and every other RT
        category = size_category_for(competition=competition, kk_count=kk, rt=rt)
        entries.append(
            Entry(
                competition=competition,
                rt=rt,
                kampung_name=rt.name_kampung or "Kampung Harapan",
                kk_count=kk,
                category=category_saved(category),
                ketua_rt=f"Ketua RT {rt.number:02d} {rt.kelurahan.name}",
                phone=phone_for(rt),
                status=EntryStatus.VERIFIED,
                submitted_by=panitia,
            )
        )
    Entry.objects.bulk_create(entries)
    competition.status = CompetitionStatus.ASSESSMENT
    competition.save()
    team = team_create(competition=competition, name="Tim 1")
    for juror, agency in zip(jurors, AGENCIES[1:4], strict=True):
        team_add_member(team=team, user=juror, agency=agency)
    submitted = datetime(year, 9, 14, 15, 0, tzinfo=WIB)
    scores = []
    for entry, won in zip(entries, wins, strict=True):
        entry_assign(entry=entry, team=team, by=panitia)
        sheets = ScoreSheet.objects.bulk_create(
            ScoreSheet(entry=entry, juror=j, status=SheetStatus.SUBMITTED, submitted_at=submitted)
            for j in jurors
        )
        total = rng.randint(245, 290) if won else rng.randint(160, 235)
        scores += _scores_summing_to(sheets, indicators, _split(total, 21, rng), rng)
    bulk_create_with_history(scores, Score, default_change_reason=f"Data penilaian {year}")
    competition.status = CompetitionStatus.PLENARY
    competition.save()
    competition_finalise(competition=competition, by=panitia)
    result_set = competition_publish(competition=competition, by=panitia)
    result_set.finalised_at = datetime(year, 10, 19, 10, 0, tzinfo=WIB)
    result_set.published_at = datetime(year, 10, 26, 9, 0, tzinfo=WIB)
    result_set.save(update_fields=["finalised_at", "published_at"])
    return competition


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
            phone=phone_for(rt),
            address=f"Jl. RT {number:02d}, {name}",
            status=status,
            submitted_by=officers[officer],
        )
    # The RT that won the three years before: the normal service places it in Kencana.
    kencana = RT.objects.get(kelurahan__name=KENCANA_RT[0], number=KENCANA_RT[1])
    entry_save(
        competition=competition,
        officer=officers["kelurahan.ekajaya"],
        rt=kencana,
        data=EntryData(
            kampung_name=kencana.name_kampung or "Kampung Seroja",
            ketua_rt=f"Ketua RT {kencana.number:02d} {KENCANA_RT[0]}",
            phone=phone_for(kencana),
            kk_count=121,
            address=f"Jl. RT {kencana.number:02d}, {KENCANA_RT[0]}",
        ),
        propose=True,
    )
    entry_return(
        entry=made[("Eka Jaya", 9)],
        by=officers["kecamatan.paalmerah"],
        note="Jumlah KK berbeda dengan data kelurahan; mohon diperiksa dan diusulkan kembali.",
    )
