# Issue 14: the instrument (instrumen penilaian). Pillars and indicators belong to one;
# a database that already holds the catalogue gets the Perwali 11/2019 instrument and every
# pillar and indicator is attached to it, so nothing a jury scored changes.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

# Copied here, not imported: a migration must keep meaning what it meant when written.
PERWALI = {
    "name": "Instrumen Penilaian Kampung BANTAR",
    "legal_basis": "Perwali Jambi No. 11 Tahun 2019",
    "version": 1,
    "scale_min": 1,
    "scale_max": 5,
    "level_names": {
        "1": "Sangat kurang",
        "2": "Kurang",
        "3": "Cukup",
        "4": "Baik",
        "5": "Sangat baik",
    },
}
PERWALI_CREATED = "2019-01-01T00:00:00+07:00"


def perwali_instrument(apps):
    """The shipped instrument, made once (competitions' 0007 asks for it too)."""
    from django.utils.dateparse import parse_datetime

    Instrument = apps.get_model("indicators", "Instrument")
    instrument, _ = Instrument.objects.get_or_create(
        name=PERWALI["name"],
        version=PERWALI["version"],
        defaults={**PERWALI, "created_at": parse_datetime(PERWALI_CREATED)},
    )
    return instrument


def attach_catalogue(apps, schema_editor):
    Pillar = apps.get_model("indicators", "Pillar")
    Indicator = apps.get_model("indicators", "Indicator")
    # An empty database (a new install, the tests) gets no instrument: the fixture brings it.
    if not Pillar.objects.exists():
        return
    instrument = perwali_instrument(apps)
    Pillar.objects.update(instrument=instrument)
    Indicator.objects.update(instrument=instrument)


def detach_catalogue(apps, schema_editor):
    # Backwards: the columns go away with the fields; the instrument row goes with its table.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Instrument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="nama instrumen")),
                (
                    "legal_basis",
                    models.CharField(
                        blank=True,
                        help_text="Misalnya Perwali Jambi No. 11 Tahun 2019.",
                        max_length=200,
                        verbose_name="dasar hukum",
                    ),
                ),
                ("version", models.PositiveSmallIntegerField(default=1, verbose_name="versi")),
                (
                    "scale_min",
                    models.PositiveSmallIntegerField(default=1, verbose_name="nilai terendah"),
                ),
                (
                    "scale_max",
                    models.PositiveSmallIntegerField(default=5, verbose_name="nilai tertinggi"),
                ),
                ("level_names", models.JSONField(default=dict, verbose_name="nama tingkat")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="dibuat"),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="versions",
                        to="indicators.instrument",
                        verbose_name="disalin dari",
                    ),
                ),
            ],
            options={
                "verbose_name": "instrumen penilaian",
                "verbose_name_plural": "instrumen penilaian",
                "ordering": ["-created_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("name", "version"), name="instrument_unique_version"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="pillar",
            name="instrument",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pillars",
                to="indicators.instrument",
                verbose_name="instrumen",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="instrument",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="indicators",
                to="indicators.instrument",
                verbose_name="instrumen",
            ),
        ),
        migrations.RunPython(attach_catalogue, detach_catalogue),
        migrations.AlterField(
            model_name="pillar",
            name="instrument",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pillars",
                to="indicators.instrument",
                verbose_name="instrumen",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="instrument",
            field=models.ForeignKey(
                blank=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="indicators",
                to="indicators.instrument",
                verbose_name="instrumen",
            ),
        ),
        migrations.AlterModelOptions(
            name="pillar",
            options={
                "ordering": ["instrument_id", "order"],
                "verbose_name": "pilar",
                "verbose_name_plural": "pilar",
            },
        ),
        migrations.AlterModelOptions(
            name="indicator",
            options={
                "ordering": ["instrument_id", "pillar__order", "number"],
                "verbose_name": "indikator",
                "verbose_name_plural": "indikator",
            },
        ),
        migrations.AlterField(
            model_name="pillar",
            name="code",
            field=models.CharField(
                max_length=8,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z][A-Z0-9]{0,7}$",
                        "Kode pilar: huruf besar di depan, lalu huruf besar atau angka, paling banyak 8.",
                    )
                ],
                verbose_name="kode",
            ),
        ),
        migrations.AlterField(
            model_name="pillar",
            name="order",
            field=models.PositiveSmallIntegerField(verbose_name="urutan"),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="code",
            field=models.CharField(
                max_length=10,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z][A-Z0-9]{0,9}$",
                        "Kode indikator: huruf besar di depan, lalu huruf besar atau angka, paling banyak 10.",
                    )
                ],
                verbose_name="kode",
            ),
        ),
        migrations.AlterField(
            model_name="level",
            name="value",
            field=models.PositiveSmallIntegerField(
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(10),
                ],
                verbose_name="nilai",
            ),
        ),
        migrations.AddConstraint(
            model_name="pillar",
            constraint=models.UniqueConstraint(
                fields=("instrument", "code"), name="pillar_unique_code"
            ),
        ),
        migrations.AddConstraint(
            model_name="pillar",
            constraint=models.UniqueConstraint(
                fields=("instrument", "order"), name="pillar_unique_order"
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.UniqueConstraint(
                fields=("instrument", "code"), name="indicator_unique_code"
            ),
        ),
    ]
