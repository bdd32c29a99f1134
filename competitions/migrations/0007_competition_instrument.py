# Issue 14: each competition uses one instrument. Every existing competition (and its
# history rows) points at the Perwali 11/2019 instrument that indicators' 0002 made; its
# weights, scale and results stay as they were.

import django.db.models.deletion
from django.db import migrations, models


def onto_perwali(apps, schema_editor):
    Competition = apps.get_model("competitions", "Competition")
    HistoricalCompetition = apps.get_model("competitions", "HistoricalCompetition")
    if not Competition.objects.exists() and not HistoricalCompetition.objects.exists():
        return
    # A database with competitions but no catalogue yet (loaded later) still needs the row.
    from importlib import import_module

    instrument = import_module("indicators.migrations.0002_instrument").perwali_instrument(apps)
    Competition.objects.update(instrument=instrument)
    HistoricalCompetition.objects.update(instrument=instrument)


def no_default_instrument():
    """What 0007 first named here, competitions.models.default_instrument, reads the live
    Instrument model, so a field added to Instrument later (indicators 0003's `ready`) broke
    this migration on a new database. Every row already has its instrument (onto_perwali), so
    the default fills nothing; competitions 0009 names the model's default again."""
    return None


class Migration(migrations.Migration):
    dependencies = [
        ("competitions", "0006_severity_calibration_normalise"),
        ("indicators", "0002_instrument"),
    ]

    operations = [
        migrations.AddField(
            model_name="competition",
            name="instrument",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="competitions",
                to="indicators.instrument",
                verbose_name="instrumen penilaian",
            ),
        ),
        migrations.AddField(
            model_name="historicalcompetition",
            name="instrument",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="indicators.instrument",
                verbose_name="instrumen penilaian",
            ),
        ),
        migrations.RunPython(onto_perwali, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="competition",
            name="instrument",
            field=models.ForeignKey(
                default=no_default_instrument,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="competitions",
                to="indicators.instrument",
                verbose_name="instrumen penilaian",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcompetition",
            name="instrument",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default=no_default_instrument,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="indicators.instrument",
                verbose_name="instrumen penilaian",
            ),
        ),
    ]
