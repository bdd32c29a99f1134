"""Issue 18: the panitia's drop-downs name jurors, the recusal lists only the team, no stutter."""

from __future__ import annotations

import pytest

from scoring.forms import MemberForm, RecusalForm
from scoring.models import Recusal

pytestmark = pytest.mark.django_db


def test_the_member_drop_down_names_jurors_by_full_name(juror, juror_polri, open_competition):
    juror.first_name, juror.last_name = "Budi", "Santoso"
    juror.save()
    juror_polri.first_name = ""  # an account without a name shows its username
    juror_polri.save()
    labels = [
        label
        for value, label in MemberForm(competition=open_competition).fields["user"].choices
        if value
    ]
    assert labels == ["juri.polri", "Budi Santoso (juri1)"]


def test_the_recusal_lists_only_the_jurors_of_the_entrys_team(
    client, panitia, team1, team2, juror, juror_team2, entry_eka_jaya
):
    choices = RecusalForm(entry=entry_eka_jaya).fields["juror"].queryset
    assert set(choices.values_list("username", flat=True)) == {
        "juri1",
        "juri.polri",
        "juri.ekajaya",
    }
    client.force_login(panitia)
    page = client.get(f"/peserta/{entry_eka_jaya.pk}/lembar-nilai/").content.decode()
    assert "juri.tim2" not in page
    # A juror of another team cannot be recorded as stepping back from this entry.
    client.post(
        f"/peserta/{entry_eka_jaya.pk}/lembar-nilai/",
        {"action": "recuse", "juror": juror_team2.pk, "reason": "Salah pilih"},
    )
    assert not Recusal.objects.exists()
    client.post(
        f"/peserta/{entry_eka_jaya.pk}/lembar-nilai/",
        {"action": "recuse", "juror": juror.pk, "reason": "Kerabat ketua RT"},
    )
    assert Recusal.objects.get().juror == juror


@pytest.mark.parametrize(
    ("name", "flash"), [("Tim 2", "Tim 2 dibuat."), ("Utara", "Tim Utara dibuat.")]
)
def test_a_new_team_is_announced_without_a_stutter(client, panitia, assessment, name, flash):
    client.force_login(panitia)
    response = client.post(f"/kompetisi/{assessment.pk}/tim/baru/", {"name": name}, follow=True)
    page = response.content.decode()
    assert flash in page
    assert "Tim Tim" not in page
