"""Issue 14: a frozen result keeps its pillar scores by the competition's instrument's pillar
codes, not in three columns named after the Perwali 11/2019 pillars.

The three columns are copied into `pillar_scores` under the Perwali codes (every result
frozen before instruments is on that instrument), then dropped. The figures are copied as
text with their 4 places, so a page shows exactly what it showed; the inputs hash does
not read these columns, so every frozen hash stays valid. `LEGACY_COLUMNS` and
`legacy_pillar_scores` are also what a restore of an older archive uses
(season/backup.py), so both paths upgrade a row the same way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import migrations, models

# The columns of the old schema, and the Perwali 11/2019 pillar each one held.
LEGACY_COLUMNS = {"bersih": "B", "aman": "A", "pintar": "P"}
PLACES = Decimal("0.0001")


def legacy_pillar_scores(fields: dict[str, Any]) -> dict[str, str]:
    """A result row's three old columns as `pillar_scores` (pillar code -> "48.2143")."""
    return {
        code: str(Decimal(str(fields[column])).quantize(PLACES))
        for column, code in LEGACY_COLUMNS.items()
        if fields.get(column) is not None
    }


def forwards(apps: Any, schema_editor: Any) -> None:
    Result = apps.get_model("scoring", "Result")
    using = schema_editor.connection.alias
    rows = Result.objects.using(using).only("pk", *LEGACY_COLUMNS)
    changed = []
    for row in rows.iterator(chunk_size=2000):
        row.pillar_scores = legacy_pillar_scores(
            {column: getattr(row, column) for column in LEGACY_COLUMNS}
        )
        changed.append(row)
    Result.objects.using(using).bulk_update(changed, ["pillar_scores"], batch_size=1000)


def backwards(apps: Any, schema_editor: Any) -> None:
    Result = apps.get_model("scoring", "Result")
    using = schema_editor.connection.alias
    changed = []
    for row in Result.objects.using(using).iterator(chunk_size=2000):
        for column, code in LEGACY_COLUMNS.items():
            setattr(row, column, Decimal(row.pillar_scores.get(code, "0")))
        changed.append(row)
    Result.objects.using(using).bulk_update(changed, list(LEGACY_COLUMNS), batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0005_excusal"),
        # The upgrade is part of instruments: a database taken back before them has the columns.
        ("competitions", "0007_competition_instrument"),
    ]

    operations = [
        migrations.AddField(
            model_name="result",
            name="pillar_scores",
            field=models.JSONField(default=dict),
        ),
        # Nullable while both exist, so that going backwards can add them before filling.
        *(
            migrations.AlterField(
                model_name="result",
                name=column,
                field=models.DecimalField(decimal_places=4, max_digits=7, null=True),
            )
            for column in LEGACY_COLUMNS
        ),
        migrations.RunPython(forwards, backwards),
        *(migrations.RemoveField(model_name="result", name=column) for column in LEGACY_COLUMNS),
    ]
