from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from simple_history.admin import SimpleHistoryAdmin

from bantar.spreadsheets import Limits, as_dataset, check_upload_size, read_table
from competitions.models import (
    RT,
    Competition,
    CompetitionStatus,
    Entry,
    Kecamatan,
    Kelurahan,
    SizeCategory,
)
from competitions.resources import KecamatanResource, KelurahanResource, RTResource
from indicators.selectors import ready_instruments


class ScopedAdminMixin:
    """The admin lists what `for_user` lets the staff user see, like every view."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).for_user(request.user)  # type: ignore[misc]


class NoRevertHistoryMixin:
    """The audit history is shown, never reverted.

    simple_history's revert saves an old version of the row whole, its status
    included, past the services' checks; and it saves on a POST to the history
    form even when the admin has no change permission. So that form only shows.
    """

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(  # type: ignore[misc]
            request, object_id, version_id, extra_context
        )


class BoundedXLSX(XLSX):
    """xlsx read within the import bounds, formulas kept as text for the resources to refuse.

    django-import-export's own reader loads the cached values of formulas and has no bound.
    """

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Any:
        return as_dataset(
            read_table(content=_bytes(in_stream), file_format="xlsx", limits=Limits.from_settings())
        )


class BoundedCSV(CSV):
    """csv read within the import bounds, comma or semicolon, UTF-8 or Excel's code page."""

    def is_binary(self) -> bool:
        return True  # the bytes come to read_table, which finds the encoding itself

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Any:
        return as_dataset(
            read_table(content=_bytes(in_stream), file_format="csv", limits=Limits.from_settings())
        )


def _bytes(in_stream: Any) -> bytes:
    """What django-import-export hands a format (bytes, text or a file), as bytes."""
    if isinstance(in_stream, str):
        return in_stream.encode("utf-8")
    if hasattr(in_stream, "read"):
        return _bytes(in_stream.read())
    return bytes(in_stream)


class BoundedImportForm(ImportForm):
    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        # Refused from its size alone: django-import-export reads the whole file next.
        check_upload_size(upload.size, Limits.from_settings())
        return upload


class MasterDataAdmin(ScopedAdminMixin, ImportExportModelAdmin):  # type: ignore[misc]  # the import-export stubs' own base classes disagree with ModelAdmin's
    formats = [XLSX, CSV]
    import_formats = [BoundedXLSX, BoundedCSV]
    export_formats = [XLSX, CSV]
    import_form_class = BoundedImportForm

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        """Our readers refuse in Indonesian; say that, not the exception's class name."""
        if isinstance(e, ValidationError):
            form.add_error("import_file", e.messages)
        else:
            super().add_data_read_fail_error_to_form(form, e)


@admin.register(Kecamatan)
class KecamatanAdmin(MasterDataAdmin):
    resource_classes = [KecamatanResource]
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Kelurahan)
class KelurahanAdmin(MasterDataAdmin):
    resource_classes = [KelurahanResource]
    list_display = ("code", "name", "kecamatan", "active_from", "active_to", "rt_count")
    list_filter = ("kecamatan", "active_from")
    search_fields = ("code", "name")


@admin.register(RT)
class RTAdmin(MasterDataAdmin):
    resource_classes = [RTResource]
    list_display = ("__str__", "number", "name_kampung", "kelurahan")
    list_filter = ("kelurahan__kecamatan",)
    search_fields = ("name_kampung", "kelurahan__name")
    list_select_related = ("kelurahan",)
    autocomplete_fields = ("kelurahan",)


class SizeCategoryInline(admin.TabularInline):
    model = SizeCategory
    extra = 0


@admin.register(Competition)
class CompetitionAdmin(ScopedAdminMixin, NoRevertHistoryMixin, SimpleHistoryAdmin):
    list_display = ("title", "year", "period", "status", "registration_closes", "pass_mark")
    list_filter = ("status", "year")
    inlines = [SizeCategoryInline]
    readonly_fields = ("status", "status_changed_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Competition | None = None) -> Any:
        # The instrument is chosen while the competition is a draft; juries score against it.
        fixed = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != CompetitionStatus.DRAFT:
            return (*fixed, "instrument")
        return fixed

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Only an instrument the panitia marked ready may be chosen, as competition_create asks.
        if db_field.name == "instrument":
            kwargs["queryset"] = ready_instruments()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Entry)
class EntryAdmin(ScopedAdminMixin, NoRevertHistoryMixin, SimpleHistoryAdmin):
    list_display = ("rt", "competition", "kk_count", "category", "status", "ketua_rt")
    # The status moves only through the services (propose, verify, return, withdraw),
    # which check the stage and write the reason into the history.
    readonly_fields = ("status", "return_note")
    list_filter = ("competition", "status", "category__code", "rt__kelurahan__kecamatan")
    search_fields = ("rt__kelurahan__name", "kampung_name", "ketua_rt")
    list_select_related = ("rt__kelurahan", "competition", "category")
    raw_id_fields = ("rt", "submitted_by")
