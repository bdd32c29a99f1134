"""JSON columns for frozen results (issue 12.10): written once by finalising, never updated.

`FrozenJSONField`: Django's JSONField on SQLite is a text column with CHECK (JSON_VALID(column)
OR column IS NULL): every INSERT parses the whole text once more. A frozen result's
explanation is ~1.3 KB of JSON, 1,650 of them at city scale, and that check was 9 ms of
finalising's 19 ms INSERT (measured), while the text it checks was written by `json.dumps` a
moment before (`scoring.result_freeze`, or this field's own `get_prep_value` through the ORM)
and is never updated (`Result.save` refuses it). So the column keeps everything of JSONField
(encoding, decoding, lookups, jsonb on PostgreSQL) but that CHECK on SQLite.

`FrozenJSONTextField`, the explanation's: on PostgreSQL a `json` column, not `jsonb`. jsonb
turns every document into its binary form as it is written: at city scale 30-45 ms of the
server's 80 ms COPY at finalisation, for documents that are read whole (the explain page,
documents) far more often than by key. `json` keeps the text as it came, checked for syntax
only (psql, the same 1.8 MB of rows: 61-65 ms into jsonb, 31 ms into json). Key reads and
lookups stay as JSONField's: `->`, `->>` and `#>` work on json as on jsonb (a key read
parses the document), and a lookup that compares (exact, contains, has_key: operators json
has not) compares the document cast to jsonb (`_KeyTransform`). The driver gives json as
text, as Django has it give jsonb (`json_as_text`), so that decoding is JSONField's own.
On SQLite both are the same text column.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.fields.json import KeyTransform, KeyTransformFactory
from django.db.models.sql.compiler import SQLCompiler


class FrozenJSONField(models.JSONField):
    """JSONField without the SQLite CHECK (JSON_VALID(...)); the same everywhere else."""

    def db_check(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "sqlite":
            return None
        return super().db_check(connection)


class _KeyTransform(KeyTransform):
    """A key of a `json` column: read with json's own operators (`->`, `#>`); compared by a
    lookup as jsonb (json has no =, @> or ?), the document cast once for the lookup."""

    as_jsonb = False

    def get_lookup(self, lookup_name: str) -> Any:
        found = super().get_lookup(lookup_name)
        if found is not None:  # a lookup on this key: the chain's document as jsonb
            self.as_jsonb = True
        return found

    def preprocess_lhs(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, Any, list[str]]:
        lhs, params, keys = super().preprocess_lhs(compiler, connection)
        if connection.vendor == "postgresql" and self.as_jsonb:
            lhs = f"({lhs})::jsonb"
        return lhs, params, keys


class _KeyTransformFactory(KeyTransformFactory):
    def __call__(self, *args: Any, **kwargs: Any) -> _KeyTransform:
        return _KeyTransform(self.key_name, *args, **kwargs)


class FrozenJSONTextField(FrozenJSONField):
    """`FrozenJSONField` kept as `json` on PostgreSQL (the text as written; see the module)."""

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_transform(self, name: str) -> Any:
        found = super().get_transform(name)
        if isinstance(found, KeyTransformFactory):
            return _KeyTransformFactory(name)
        return found


def json_as_text(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On a new PostgreSQL connection through psycopg2: json values as text, as Django has
    jsonb's, so that JSONField decodes them itself (psycopg2 would decode them first)."""
    if connection.vendor != "postgresql":
        return
    try:
        import psycopg2.extras
    except ImportError:  # the project's driver is psycopg2 (pyproject.toml)
        return
    raw = connection.connection
    if isinstance(raw, psycopg2.extensions.connection):
        psycopg2.extras.register_default_json(conn_or_curs=raw, loads=lambda text: text)
