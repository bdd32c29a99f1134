"""factory_boy factories for the objects tests build in numbers."""

from __future__ import annotations

import factory

from competitions.models import RT, Entry, EntryStatus, Kelurahan
from competitions.services import size_category_for


class RTFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RT

    kelurahan = factory.LazyFunction(lambda: Kelurahan.objects.get(name="Eka Jaya"))
    number = factory.Sequence(lambda n: n % 999 + 1)
    name_kampung = factory.Sequence(lambda n: f"Kampung {n}")


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    rt = factory.SubFactory(RTFactory)
    kk_count = 75
    kampung_name = factory.LazyAttribute(lambda entry: entry.rt.name_kampung)
    ketua_rt = factory.Sequence(lambda n: f"Ketua RT {n}")
    phone = "081234567890"
    status = EntryStatus.PROPOSED
    category = factory.LazyAttribute(
        lambda entry: size_category_for(competition=entry.competition, kk_count=entry.kk_count)
    )


def xlsx_upload(header: list[str], rows: list[list[object]], name: str = "daftar.xlsx"):
    """A real .xlsx file, as a browser would upload it."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# A second instrument (issue 14, proof of generality): 4 pillars, 10 indicators, 1-4.
FOUR_PILLARS = (
    ("LH", "Lingkungan Hidup", 3),
    ("SO", "Sosial Budaya", 3),
    ("EK", "Ekonomi Warga", 2),
    ("KS", "Kesehatan", 2),
)
FOUR_LEVEL_NAMES = {"1": "Belum ada", "2": "Mulai", "3": "Berjalan", "4": "Membudaya"}


def four_pillar_descriptor(code: str, value: int) -> str:
    return f"Deskriptor {code} tingkat {value}: {FOUR_LEVEL_NAMES[str(value)].lower()}"


def four_pillar_instrument(name: str = "Instrumen Lomba Kampung Empat Pilar"):
    """An instrument unlike the Perwali one: pillars LH, SO, EK, KS in that (tie-break) order,
    of 3, 3, 2 and 2 indicators (LH1..KS2), on a 1-4 scale with its own level names and a
    descriptor for every level. Built through the models' full_clean()."""
    from indicators.models import Indicator, Instrument, Level, Pillar

    instrument = Instrument(
        name=name,
        legal_basis="Peraturan Bupati Contoh No. 4 Tahun 2026",
        version=1,
        scale_min=1,
        scale_max=4,
        level_names=dict(FOUR_LEVEL_NAMES),
        # Finished, not a draft: competitions are made on it.
        ready=True,
    )
    instrument.full_clean()
    instrument.save()
    for order, (code, pillar_name, count) in enumerate(FOUR_PILLARS, start=1):
        pillar = Pillar(instrument=instrument, code=code, name=pillar_name, order=order)
        pillar.full_clean()
        pillar.save()
        for number in range(1, count + 1):
            indicator = Indicator(
                instrument=instrument,
                pillar=pillar,
                code=f"{code}{number}",
                number=number,
                text=f"Indikator {code}{number} untuk {pillar_name.lower()}",
                guidance=f"Petunjuk juri untuk {code}{number}",
            )
            indicator.full_clean()
            indicator.save()
            for value in range(1, 5):
                level = Level(
                    indicator=indicator,
                    value=value,
                    descriptor=four_pillar_descriptor(indicator.code, value),
                )
                level.full_clean()
                level.save()
    return instrument
