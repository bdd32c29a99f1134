"""django-import-export resources for the master data (admin import/export) and entries.

Regions are matched by their Kemendagri code, so a re-import updates rows
instead of duplicating them. An import with any bad row saves nothing. A cell
holding an Excel formula is refused in every column of every import.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget, IntegerWidget

from bantar.history import stamp
from bantar.models import User
from competitions.models import (
    RT,
    Competition,
    Entry,
    EntryStatus,
    Kecamatan,
    Kelurahan,
    RepeatEntry,
    SizeCategory,
)
from competitions.services import (
    ERROR_REPEAT_REFUSED,
    ERROR_RT_TAKEN,
    WARNING_REPEAT,
    category_overrides,
    category_saved,
    size_category_for,
    took_part_last_year,
)
from competitions.validators import formula_errors, normalize_phone, refuse_formula


class FormulaRefusingMixin:
    """A formula ("=...") in any cell refuses its row, by column, before anything else."""

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        errors = formula_errors(row)
        if errors:
            raise ValidationError(errors)
        super().before_import_row(row, **kwargs)  # type: ignore[misc]


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


class KecamatanResource(FormulaRefusingMixin, resources.ModelResource):
    class Meta:
        model = Kecamatan
        import_id_fields = ("code",)
        fields = ("code", "name")
        skip_unchanged = True
        report_skipped = False


class KelurahanResource(FormulaRefusingMixin, resources.ModelResource):
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


class RTResource(FormulaRefusingMixin, resources.ModelResource):
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


class EntryImportResource(FormulaRefusingMixin, resources.ModelResource):
    """Entries of one competition from the city's list of RTs.

    Columns: kode_kelurahan, nomor_rt, nama_kampung, ketua_rt, jumlah_kk and
    optionally telepon. Missing RTs are added to the master data. Every row is
    checked like the registration form; one bad row and nothing is saved.

    The kelurahan, the RTs, the entries already made and the size categories are
    read once per file, not once per row. A dry run (the preview) writes nothing:
    a missing RT is checked as an unsaved one and made only when the panitia confirms.
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

    def __init__(
        self, *, competition: Competition, status: str, user: User, reason: str = ""
    ) -> None:
        super().__init__()
        self.competition, self.status, self.user, self.reason = competition, status, user, reason
        self.seen_rows: dict[tuple[int, int], int] = {}
        self.kelurahan = {kelurahan.code: kelurahan for kelurahan in Kelurahan.objects.all()}
        self.rts = {(rt.kelurahan_id, rt.number): rt for rt in RT.objects.all()}
        self.taken = {entry.rt_id: entry for entry in Entry.objects.filter(competition=competition)}
        prefetch_related_objects([competition], "size_categories")
        # Kencana and the year before, read once for every RT the city has, not per row.
        rts = list(self.rts.values())
        self.overrides = category_overrides(competition=competition, rts=rts)
        self.last_year = (
            set()
            if competition.repeat_entry == RepeatEntry.ALLOW
            else took_part_last_year(competition=competition, rt_ids=[rt.pk for rt in rts])
        )
        self.saved_categories: dict[str, SizeCategory] = {}
        # Rows that go in with a warning (repeat_entry "warn"): shown on the preview.
        self.warnings: list[str] = []

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        super().before_import_row(row, **kwargs)  # formulas, in any column
        errors: dict[str, list[str]] = {}

        def check(column: str, clean: Any) -> Any:
            try:
                return clean(row.get(column))
            except (ValueError, ValidationError) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                errors.setdefault(column, []).extend(messages)
                return None

        kelurahan = check("kode_kelurahan", self._kelurahan)
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
        # import-export numbers rows from 1 after the header: the spreadsheet's line is one more.
        self.seen_rows[key] = line + 1 if line else 0
        rt = self.rts.get(key)
        if rt is None and kwargs.get("dry_run"):
            rt = RT(kelurahan=kelurahan, number=number, name_kampung=row["nama_kampung"])
        elif rt is None:
            rt, _created = RT.objects.get_or_create(
                kelurahan=kelurahan, number=number, defaults={"name_kampung": row["nama_kampung"]}
            )
        existing = self.taken.get(rt.pk) if rt.pk else None
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
        if rt.pk in self.last_year:
            params = {"rt": str(rt), "year": self.competition.year - 1}
            if self.competition.repeat_entry == RepeatEntry.REFUSE:
                raise ValidationError({"nomor_rt": ERROR_REPEAT_REFUSED % params})
            self.warnings.append(
                _("Baris %(line)s: %(message)s")
                % {"line": self.seen_rows[key], "message": WARNING_REPEAT % params}
            )
        row["_rt"] = rt

    def _kelurahan(self, value: Any) -> Kelurahan:
        code = str(value or "").strip()
        if not code:
            raise ValueError(_("Kode wilayah kosong."))
        if code not in self.kelurahan:
            raise ValueError(
                _("Kode %(model)s '%(code)s' tidak dikenal.")
                % {"model": Kelurahan._meta.verbose_name, "code": code}
            )
        return self.kelurahan[code]

    def init_instance(self, row: dict[str, Any] | None = None) -> Entry:
        return Entry(
            competition=self.competition,
            rt=row["_rt"],  # type: ignore[index]
            status=self.status,
            submitted_by=self.user,
        )

    def before_save_instance(self, instance: Entry, row: dict[str, Any], **kwargs: Any) -> None:
        try:
            category = size_category_for(competition=self.competition, kk_count=instance.kk_count)
        except ValidationError as error:
            raise ValidationError({"jumlah_kk": error.messages}) from None
        override = self.overrides.get(instance.rt.pk) if instance.rt.pk else None
        if override is not None:
            category = override.category
            if not kwargs.get("dry_run"):
                # Saved once per file (the preview writes nothing).
                code = category.code
                category = self.saved_categories.setdefault(code, category_saved(category))
        instance.category = category
        # The related rows were read above (the RT may be unsaved in a preview): only the
        # entry's own fields are left to check.
        instance.full_clean(
            exclude=["category", "rt", "competition", "submitted_by"], validate_unique=False
        )
        if self.status == EntryStatus.VERIFIED:
            reason = _("Diimpor oleh panitia sebagai terverifikasi: %(reason)s") % {
                "reason": self.reason
            }
        else:
            reason = _("Diimpor oleh panitia")
        stamp(instance, by=self.user, reason=reason)


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
