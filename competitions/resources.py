"""django-import-export resources for the master data (admin import/export).

Regions are matched by their Kemendagri code, so a re-import updates rows
instead of duplicating them. An import with any bad row saves nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget, IntegerWidget

from bantar.history import stamp
from bantar.models import User
from competitions.models import RT, Competition, Entry, Kecamatan, Kelurahan
from competitions.services import ERROR_RT_TAKEN, size_category_for
from competitions.validators import normalize_phone, refuse_formula


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
        refuse_formula(value if isinstance(value, str) else "")
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


class EntryImportResource(resources.ModelResource):
    """Entries of one competition from the city's list of RTs.

    Columns: kode_kelurahan, nomor_rt, nama_kampung, ketua_rt, jumlah_kk and
    optionally telepon. Missing RTs are added to the master data. Every row is
    checked like the registration form; one bad row and nothing is saved.
    """

    kode_kelurahan = fields.Field(column_name="kode_kelurahan")
    nomor_rt = fields.Field(column_name="nomor_rt")
    kampung_name = fields.Field(attribute="kampung_name", column_name="nama_kampung")
    ketua_rt = fields.Field(attribute="ketua_rt", column_name="ketua_rt")
    kk_count = fields.Field(
        attribute="kk_count", column_name="jumlah_kk", widget=WholeNumberWidget()
    )
    phone = fields.Field(attribute="phone", column_name="telepon")

    REQUIRED_COLUMNS = ("kode_kelurahan", "nomor_rt", "nama_kampung", "ketua_rt", "jumlah_kk")

    class Meta:
        model = Entry
        fields = ("kode_kelurahan", "nomor_rt", "kampung_name", "ketua_rt", "kk_count", "phone")
        force_init_instance = True
        skip_diff = True

    def __init__(self, *, competition: Competition, status: str, user: User) -> None:
        super().__init__()
        self.competition, self.status, self.user = competition, status, user
        self.seen_rows: dict[tuple[int, int], int] = {}

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}

        def check(column: str, clean: Any) -> Any:
            try:
                return clean(row.get(column))
            except (ValueError, ValidationError) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                errors.setdefault(column, []).extend(messages)
                return None

        kelurahan = check(
            "kode_kelurahan", lambda v: RegionCodeWidget(Kelurahan, field="code").clean(v)
        )
        number = check("nomor_rt", _rt_number)
        for column in ("nama_kampung", "ketua_rt"):
            row[column] = check(column, _required_text)
        row["telepon"] = check("telepon", lambda v: normalize_phone(refuse_formula(str(v or ""))))
        if errors:
            raise ValidationError(errors)
        key = (kelurahan.pk, number)
        line = kwargs.get("row_number")
        if key in self.seen_rows:
            raise ValidationError(
                {
                    "nomor_rt": _(
                        "RT %(number)02d %(kelurahan)s sudah ada di baris %(line)s berkas ini."
                    )
                    % {"number": number, "kelurahan": kelurahan.name, "line": self.seen_rows[key]}
                }
            )
        self.seen_rows[key] = line + 1 if line else line
        rt, _created = RT.objects.get_or_create(
            kelurahan=kelurahan, number=number, defaults={"name_kampung": row["nama_kampung"]}
        )
        existing = Entry.objects.filter(competition=self.competition, rt=rt).first()
        if existing is not None:
            raise ValidationError(
                {
                    "nomor_rt": ERROR_RT_TAKEN
                    % {
                        "rt": str(rt),
                        "competition": self.competition.title,
                        "status": existing.get_status_display(),
                    }
                }
            )
        row["_rt"] = rt

    def init_instance(self, row: dict[str, Any] | None = None) -> Entry:
        return Entry(
            competition=self.competition,
            rt=row["_rt"],  # type: ignore[index]
            status=self.status,
            submitted_by=self.user,
        )

    def before_save_instance(self, instance: Entry, row: dict[str, Any], **kwargs: Any) -> None:
        try:
            instance.category = size_category_for(
                competition=self.competition, kk_count=instance.kk_count
            )
        except ValidationError as error:
            raise ValidationError({"jumlah_kk": error.messages}) from None
        instance.full_clean(exclude=["category"], validate_unique=False)
        stamp(instance, by=self.user, reason=_("Diimpor oleh panitia"))


def _required_text(value: Any) -> str:
    text = refuse_formula(str(value or "").strip())
    if not text:
        raise ValueError(_("Wajib diisi."))
    return text


def _rt_number(value: Any) -> int:
    number = WholeNumberWidget().clean(value)
    if number is None or not 1 <= number <= 999:
        raise ValueError(_("Nomor RT harus antara 1 dan 999."))
    return number
