"""A re-visit outcome's pillar scores keyed by the instrument's pillar codes (issue 14).

The three Perwali columns become one map, as scoring 0006 did for Result; the values are kept.
"""

from django.db import migrations, models

OLD = {"B": "bersih", "A": "aman", "P": "pintar"}  # the Perwali 11/2019 pillars the columns held


def columns_to_map(apps, schema_editor):
    RevisitOutcome = apps.get_model("coaching", "RevisitOutcome")
    for outcome in RevisitOutcome.objects.all():
        outcome.pillar_scores = {code: str(getattr(outcome, field)) for code, field in OLD.items()}
        outcome.save(update_fields=["pillar_scores"])


def map_to_columns(apps, schema_editor):
    RevisitOutcome = apps.get_model("coaching", "RevisitOutcome")
    for outcome in RevisitOutcome.objects.all():
        for code, field in OLD.items():
            setattr(outcome, field, outcome.pillar_scores.get(code, "0"))
        outcome.save(update_fields=list(OLD.values()))


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0001_revisit_rounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="revisitoutcome",
            name="pillar_scores",
            field=models.JSONField(default=dict),
        ),
        migrations.RunPython(columns_to_map, map_to_columns),
        migrations.RemoveField(model_name="revisitoutcome", name="aman"),
        migrations.RemoveField(model_name="revisitoutcome", name="bersih"),
        migrations.RemoveField(model_name="revisitoutcome", name="pintar"),
    ]
