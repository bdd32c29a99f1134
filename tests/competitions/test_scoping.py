"""`for_user` narrows every model to the user's region, and views answer 404 outside it."""

from __future__ import annotations

import pytest

from competitions.models import RT, Entry, Kecamatan, Kelurahan
from tests.factories import EntryFactory, RTFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rts(eka_jaya, beringin) -> dict[str, RT]:
    return {
        "eka_jaya": RTFactory(kelurahan=eka_jaya, number=8),
        "beringin": RTFactory(kelurahan=beringin, number=3),
    }


def test_an_officer_of_eka_jaya_sees_only_eka_jaya_rts(officer_eka_jaya, rts):
    assert list(RT.objects.for_user(officer_eka_jaya)) == [rts["eka_jaya"]]


def test_an_officer_of_beringin_cannot_see_eka_jaya_rts(officer_beringin, rts):
    assert rts["eka_jaya"] not in RT.objects.for_user(officer_beringin)
    assert list(RT.objects.for_user(officer_beringin)) == [rts["beringin"]]


def test_a_kecamatan_officer_sees_its_kelurahan_and_no_other(officer_paal_merah, rts, paal_merah):
    assert list(RT.objects.for_user(officer_paal_merah)) == [rts["eka_jaya"]]
    visible = Kelurahan.objects.for_user(officer_paal_merah)
    assert set(visible) == set(paal_merah.kelurahan.all())
    assert list(Kecamatan.objects.for_user(officer_paal_merah)) == [paal_merah]


def test_city_wide_roles_see_everything(panitia, pejabat, admin_user, rts):
    for user in (panitia, pejabat, admin_user):
        assert set(RT.objects.for_user(user)) == set(rts.values())
        assert Kelurahan.objects.for_user(user).count() == 68


def test_a_juror_sees_no_rt_by_region(juror, rts):
    assert not RT.objects.for_user(juror).exists()


def test_entries_follow_the_same_scope(officer_eka_jaya, officer_beringin, open_competition, rts):
    mine = EntryFactory(competition=open_competition, rt=rts["eka_jaya"])
    theirs = EntryFactory(competition=open_competition, rt=rts["beringin"])
    assert list(Entry.objects.for_user(officer_eka_jaya)) == [mine]
    assert list(Entry.objects.for_user(officer_beringin)) == [theirs]


def test_an_inactive_user_sees_nothing(officer_eka_jaya, rts):
    officer_eka_jaya.is_active = False
    assert not RT.objects.for_user(officer_eka_jaya).exists()


def test_the_admin_list_of_another_kelurahan_rt_is_scoped_too(client, officer_eka_jaya, rts):
    """Staff flags do not widen scope: the admin uses for_user as well."""
    officer_eka_jaya.is_staff = True
    officer_eka_jaya.save()
    from django.contrib.auth.models import Permission

    officer_eka_jaya.user_permissions.add(Permission.objects.get(codename="change_rt"))
    client.force_login(officer_eka_jaya)
    own = client.get(f"/admin/competitions/rt/{rts['eka_jaya'].pk}/change/")
    other = client.get(f"/admin/competitions/rt/{rts['beringin'].pk}/change/")
    assert own.status_code == 200
    assert other.status_code == 302  # admin redirects a missing object to its index
    listing = client.get("/admin/competitions/rt/")
    assert "Beringin" not in listing.content.decode()
