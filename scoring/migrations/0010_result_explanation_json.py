# Issue 12.10: a frozen result's explanation as json, not jsonb, on PostgreSQL (scoring.fields:
# kept as written, not turned into jsonb at finalisation), and no index of result_set alone
# (the unique (result_set, entry) index starts with it). SQLite rebuilds the table; its column
# stays text.

import django.db.models.deletion
from django.db import migrations, models

import scoring.fields


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0009_result_json_unchecked"),
    ]

    operations = [
        migrations.AlterField(
            model_name="result",
            name="explanation",
            field=scoring.fields.FrozenJSONTextField(default=dict),
        ),
        migrations.AlterField(
            model_name="result",
            name="result_set",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="results",
                to="scoring.resultset",
            ),
        ),
    ]
