"""django-import-export resources for the master data (admin import/export).

Regions are matched by their Kemendagri code, so a re-import updates rows
instead of duplicating them. An import with any bad row saves nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget, IntegerWidget

from competitions.models import RT, Kecamatan, Kelurahan


class RegionCodeWidget(ForeignKeyWidget):
    """A region looked up by its Kemendagri code, with a message people can act on."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        code = str(value or "").strip()
        if not code:
            raise ValueError(_("Kode wilayah kosong."))
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: code})
        except self.model.DoesNotExist:
            raise ValueError(
                _("Kode %(model)s '%(code)s' tidak dikenal.")
                % {"model": self.model._meta.verbose_name, "code": code}
            ) from None


class WholeNumberWidget(IntegerWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        try:
            number = super().clean(value, row, **kwargs)
        except (ArithmeticError, TypeError, ValueError):
            number = None
        else:
            if number is not None and float(value) == number:
                return number
        if value in (None, ""):
            return None
        raise ValueError(_("'%(value)s' bukan bilangan bulat.") % {"value": value})


class KecamatanResource(resources.ModelResource):
    class Meta:
        model = Kecamatan
        import_id_fields = ("code",)
        fields = ("code", "name")
        skip_unchanged = True
        report_skipped = False


class KelurahanResource(resources.ModelResource):
    kecamatan = fields.Field(
        attribute="kecamatan",
        column_name="kecamatan",
        widget=RegionCodeWidget(Kecamatan, field="code"),
    )

    class Meta:
        model = Kelurahan
        import_id_fields = ("code",)
        fields = ("code", "name", "kecamatan", "active_from", "active_to", "rt_count")
        skip_unchanged = True
        report_skipped = False


class RTResource(resources.ModelResource):
    number = fields.Field(attribute="number", column_name="number", widget=WholeNumberWidget())
    kelurahan = fields.Field(
        attribute="kelurahan",
        column_name="kelurahan",
        widget=RegionCodeWidget(Kelurahan, field="code"),
    )

    class Meta:
        model = RT
        import_id_fields = ("kelurahan", "number")
        fields = ("kelurahan", "number", "name_kampung")
        skip_unchanged = True
        report_skipped = False
