"""The coaching view's print page (/pembinaan/?cetak=1, issue 19): it prints the area asked for
(the user's own, or one kecamatan or kelurahan of it) in pages of BANTAR_PRINT_ROWS rows a
list, in plain markup, and points to the xlsx for the rest; an officer prints only its region."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from coaching.forms import ERROR_PRINT_AREA
from coaching.selectors import coaching_figures
from competitions.models import RT, Kecamatan, Kelurahan
from scoring.result_filters import ERROR_KELURAHAN_ELSEWHERE
from tests.coaching.city import build_city
from tests.conftest import count_queries

pytestmark = pytest.mark.django_db

LISTS = ("never", "not_won", "won_not_back")


@pytest.fixture
def city(panitia):
    return build_city(panitia)


def printed(client, **params) -> str:
    response = client.get(reverse("coaching"), {"cetak": 1, **params})
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, testid: str) -> str:
    start = html.index(f'<section class="mb-4" data-testid="{testid}">')
    return html[start : html.index("</section>", start)]


def rts_in(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-rt="(\d+)"', html)}


def every_row(user) -> dict[str, set[int]]:
    """What the plain computation (the xlsx's) puts in each list for this user."""
    figures = coaching_figures(user)
    rows = {name: {record.rt.pk for record in getattr(figures, name)} for name in LISTS}
    rows["drops"] = {drop.record.rt.pk for drop in figures.drops}
    return rows


def test_a_lurah_prints_every_rt_of_its_kelurahan_even_at_the_largest_size(
    city, client, officer_eka_jaya
):
    """243 RTs in one kelurahan is the worst case at 10x: one print page, by name (the screen
    shows a list of more than 100 as counts per kelurahan)."""
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    RT.objects.bulk_create(RT(kelurahan=eka_jaya, number=11 + n) for n in range(238))
    assert RT.objects.filter(kelurahan=eka_jaya).count() == 243
    client.force_login(officer_eka_jaya)
    html = printed(client)
    expected = every_row(officer_eka_jaya)
    assert len(expected["never"]) == 239  # RT 09 and the 238 new ones
    for name, testid in (
        ("never", "never"),
        ("not_won", "not-won"),
        ("won_not_back", "won-not-back"),
        ("drops", "drops"),
    ):
        assert rts_in(section(html, testid)) == expected[name], name
    assert 'data-testid="never-summary"' not in html
    assert 'data-testid="print-cut"' not in html and 'data-testid="pager-' not in html
    # Compact: no phone-layout labels, one kelurahan's name in the heading, not in every row.
    assert "data-label" not in html
    assert html.count("<td>Eka Jaya</td>") == 0
    assert "Pembinaan RT · Eka Jaya" in html
    # The screen page of the same officer: the never list as counts, 50 rows a list at most.
    screen = client.get(reverse("coaching")).content.decode()
    assert 'data-testid="never-summary"' in screen


def test_the_panitia_prints_one_kelurahan_or_one_kecamatan(city, client, panitia):
    client.force_login(panitia)
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    beringin = Kelurahan.objects.get(name="Beringin")
    eka_rts = set(RT.objects.filter(kelurahan=eka_jaya).values_list("pk", flat=True))
    beringin_rts = set(RT.objects.filter(kelurahan=beringin).values_list("pk", flat=True))
    html = printed(client, kelurahan=eka_jaya.pk)
    assert rts_in(html) and rts_in(html) <= eka_rts
    assert "Pembinaan RT · Eka Jaya" in html
    html = printed(client, kecamatan=beringin.kecamatan_id)
    assert rts_in(html) and rts_in(html) <= beringin_rts
    assert f"Pembinaan RT · {beringin.kecamatan.name}" in html
    assert "<td>Beringin</td>" in html  # a kecamatan's rows name their kelurahan
    whole = printed(client)
    assert rts_in(whole) == eka_rts - {city["E10"].pk} | beringin_rts  # RT 10 is in no list
    assert 'name="kelurahan"' in whole  # the choice of the area, on the screen only
    assert 'data-testid="print-area"' in whole and "d-print-none" in whole


def test_a_long_list_prints_in_bounded_pages_pointing_to_the_xlsx(city, client, panitia, settings):
    settings.BANTAR_PRINT_ROWS = 1
    client.force_login(panitia)
    html = printed(client)
    expected = every_row(panitia)
    assert len(expected["not_won"]) == 2
    first = rts_in(section(html, "not-won"))
    assert len(first) == 1 and first < expected["not_won"]
    assert 'data-testid="print-cut"' in html
    assert "daftar lengkap seluruh wilayah ada di xlsx" in html
    assert 'data-testid="print-part-not-won"' in html
    assert "Dicetak baris 1–1 dari 2. Daftar lengkap ada di xlsx." in html
    assert reverse("coaching-export") in html
    # The next print page of that list, the area and the other lists kept.
    assert "?cetak=1&amp;halaman_ikut=2" in html
    second = printed(client, halaman_ikut=2)
    assert rts_in(section(second, "not-won")) == expected["not_won"] - first
    assert "Dicetak baris 2–2 dari 2." in second


def test_an_officer_prints_only_its_own_region(city, client, officer_eka_jaya, officer_paal_merah):
    beringin = Kelurahan.objects.get(name="Beringin")
    beringin_rts = set(RT.objects.filter(kelurahan=beringin).values_list("pk", flat=True))
    eka_rts = set(RT.objects.filter(kelurahan__name="Eka Jaya").values_list("pk", flat=True))
    client.force_login(officer_eka_jaya)
    html = printed(client, kelurahan=beringin.pk)
    assert str(ERROR_PRINT_AREA) in html
    assert not rts_in(html) & beringin_rts
    assert rts_in(html) and rts_in(html) <= eka_rts  # its own area instead
    assert "Pembinaan RT · Eka Jaya" in html
    # Its own kelurahan's kecamatan is not its area: the other kelurahan of it stay hidden.
    html = printed(client, kecamatan=beringin.kecamatan_id)
    assert str(ERROR_PRINT_AREA) in html
    assert rts_in(html) and rts_in(html) <= eka_rts
    eka_kecamatan = Kelurahan.objects.get(name="Eka Jaya").kecamatan_id
    html = printed(client, kecamatan=eka_kecamatan)
    assert str(ERROR_PRINT_AREA) in html
    assert rts_in(html) and rts_in(html) <= eka_rts
    assert "Pembinaan RT · Eka Jaya" in html
    client.force_login(officer_paal_merah)
    pasar_jambi = Kecamatan.objects.get(pk=beringin.kecamatan_id)
    html = printed(client, kecamatan=pasar_jambi.pk)
    assert str(ERROR_PRINT_AREA) in html
    assert not rts_in(html) & beringin_rts
    # Its own kecamatan with a kelurahan of another: refused as well.
    html = printed(client, kecamatan=officer_paal_merah.kecamatan_id, kelurahan=beringin.pk)
    assert str(ERROR_PRINT_AREA) in html
    assert not rts_in(html) & beringin_rts
    # A kelurahan of its own kecamatan, with its kecamatan: that kelurahan.
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    html = printed(client, kecamatan=officer_paal_merah.kecamatan_id, kelurahan=eka_jaya.pk)
    assert rts_in(html) and rts_in(html) <= eka_rts


def test_a_kelurahan_outside_the_chosen_kecamatan_is_said(city, client, panitia):
    client.force_login(panitia)
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    beringin = Kelurahan.objects.get(name="Beringin")
    html = printed(client, kecamatan=beringin.kecamatan_id, kelurahan=eka_jaya.pk)
    assert str(ERROR_KELURAHAN_ELSEWHERE) in html
    assert "Pembinaan RT · Kota Jambi" in html  # nothing narrowed on a refused choice


def test_a_print_page_costs_the_same_queries_with_or_without_rows(city, client, panitia):
    """Eka Jaya has drops, Beringin none (its RT 05 rose): the same queries for both prints,
    and for the screen pages of their officers."""
    client.force_login(panitia)
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    beringin = Kelurahan.objects.get(name="Beringin")
    url = reverse("coaching") + "?cetak=1&kelurahan={}"
    assert every_row(panitia)["drops"]
    assert "Tidak ada RT yang nilainya turun" in printed(client, kelurahan=beringin.pk)
    assert "Tidak ada RT yang nilainya turun" not in printed(client, kelurahan=eka_jaya.pk)
    assert count_queries(client, url.format(beringin.pk)) == count_queries(
        client, url.format(eka_jaya.pk)
    )


def test_the_screen_page_costs_the_same_queries_with_or_without_rows(
    city, client, officer_eka_jaya, officer_beringin
):
    client.force_login(officer_beringin)
    empty = count_queries(client, reverse("coaching"))
    assert "Tidak ada RT yang nilainya turun" in client.get(reverse("coaching")).content.decode()
    client.force_login(officer_eka_jaya)
    assert count_queries(client, reverse("coaching")) == empty


def test_a_kelurahan_whose_rts_never_took_part_prints_in_as_many_queries(city, client, panitia):
    """Its lists of RTs with results (and their showings) are all empty: the same queries."""
    from coaching.kept import coaching_keep

    quiet = Kelurahan.objects.exclude(name__in=["Eka Jaya", "Beringin"]).order_by("code").first()
    RT.objects.bulk_create(RT(kelurahan=quiet, number=n) for n in (1, 2))
    coaching_keep()  # as after the master data changed (`manage.py coaching_keep`)
    client.force_login(panitia)
    html = printed(client, kelurahan=quiet.pk)
    assert rts_in(section(html, "never")) == set(
        RT.objects.filter(kelurahan=quiet).values_list("pk", flat=True)
    )
    assert not rts_in(section(html, "not-won")) and not rts_in(section(html, "won-not-back"))
    url = reverse("coaching") + "?cetak=1&kelurahan={}"
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    assert count_queries(client, url.format(quiet.pk)) == count_queries(
        client, url.format(eka_jaya.pk)
    )
