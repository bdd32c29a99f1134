"""django-import-export resources for the master data (admin import/export).

Regions are matched by their Kemendagri code, so a re-import updates rows
instead of duplicating them. An import with any bad row saves nothing.
"""

from __future__ import annotations

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from competitions.models import RT, Kecamatan, Kelurahan


class KecamatanResource(resources.ModelResource):
    class Meta:
        model = Kecamatan
        import_id_fields = ("code",)
        fields = ("code", "name")
        skip_unchanged = True
        report_skipped = False


class KelurahanResource(resources.ModelResource):
    kecamatan = fields.Field(
        attribute="kecamatan", column_name="kecamatan",
        widget=ForeignKeyWidget(Kecamatan, field="code"),
    )

    class Meta:
        model = Kelurahan
        import_id_fields = ("code",)
        fields = ("code", "name", "kecamatan", "active_from", "active_to", "rt_count")
        skip_unchanged = True
        report_skipped = False


class RTResource(resources.ModelResource):
    kelurahan = fields.Field(
        attribute="kelurahan", column_name="kelurahan",
        widget=ForeignKeyWidget(Kelurahan, field="code"),
    )

    class Meta:
        model = RT
        import_id_fields = ("kelurahan", "number")
        fields = ("kelurahan", "number", "name_kampung")
        skip_unchanged = True
        report_skipped = False
