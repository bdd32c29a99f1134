"""A JSON column for frozen results, without SQLite's per-row JSON_VALID check (issue 12.10).

Django's JSONField on SQLite is a text column with CHECK (JSON_VALID(column) OR column IS
NULL): every INSERT parses the whole text once more. A frozen result's explanation is ~2 KB
of JSON, 1,650 of them at city scale, and that check was 9 ms of finalising's 19 ms INSERT
(measured), while the text it checks was written by `json.dumps` a moment before
(`scoring.result_freeze`, or this field's own `get_prep_value` through the ORM) and is never
updated (`Result.save` refuses it). So the column keeps everything of JSONField (encoding,
decoding, lookups, jsonb on PostgreSQL, which parses it anyway) but that CHECK on SQLite.
"""

from __future__ import annotations

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class FrozenJSONField(models.JSONField):
    """JSONField without the SQLite CHECK (JSON_VALID(...)); the same everywhere else."""

    def db_check(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "sqlite":
            return None
        return super().db_check(connection)
