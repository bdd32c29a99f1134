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
