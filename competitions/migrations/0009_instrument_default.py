# Issue 14 follow-up: the competition's instrument defaults again to the newest ready one
# (competitions.models.default_instrument); 0007 names a default that reads no model, so that
# it runs on a new database whatever fields Instrument gains. Nothing changes in the database.

import django.db.models.deletion
from django.db import migrations, models

import competitions.models


class Migration(migrations.Migration):
    dependencies = [
        ("competitions", "0008_history_reason_text"),
        ("indicators", "0003_instrument_ready"),
    ]

    operations = [
        migrations.AlterField(
            model_name="competition",
            name="instrument",
            field=models.ForeignKey(
                default=competitions.models.default_instrument,
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
                default=competitions.models.default_instrument,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="indicators.instrument",
                verbose_name="instrumen penilaian",
            ),
        ),
    ]
