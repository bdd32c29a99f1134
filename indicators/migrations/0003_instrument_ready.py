# Issue 14 follow-up: an instrument is a draft until the panitia marks it ready; only a ready
# one is offered for a new competition and serves as the default. What existed before the flag
# keeps working: the shipped Perwali instrument (no parent) and every instrument a competition
# already holds are ready; an unused copy stays the draft it was.

from django.db import migrations, models


def was_ready(*, has_parent: bool, held: bool) -> bool:
    """The rule for an instrument made before the flag (season/backup.py asks it too)."""
    return not has_parent or held


def mark_ready(apps, schema_editor):
    Instrument = apps.get_model("indicators", "Instrument")
    Competition = apps.get_model("competitions", "Competition")
    held = set(Competition.objects.values_list("instrument_id", flat=True))
    ready = [
        pk
        for pk, parent in Instrument.objects.values_list("pk", "parent_id")
        if was_ready(has_parent=parent is not None, held=pk in held)
    ]
    Instrument.objects.filter(pk__in=ready).update(ready=True)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_instrument"),
        # Which instruments competitions already hold.
        ("competitions", "0007_competition_instrument"),
    ]

    operations = [
        migrations.AddField(
            model_name="instrument",
            name="ready",
            field=models.BooleanField(
                default=False,
                help_text="Hanya instrumen yang siap dipakai dapat dipilih untuk kompetisi baru.",
                verbose_name="siap dipakai",
            ),
        ),
        migrations.RunPython(mark_ready, migrations.RunPython.noop),
    ]
