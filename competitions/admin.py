from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from competitions.models import RT, Competition, Entry, Kecamatan, Kelurahan, SizeCategory
from competitions.resources import KecamatanResource, KelurahanResource, RTResource


class ScopedAdminMixin:
    """The admin lists what `for_user` lets the staff user see, like every view."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).for_user(request.user)  # type: ignore[misc]


class MasterDataAdmin(ScopedAdminMixin, ImportExportModelAdmin):
    formats = [XLSX, CSV]


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
class CompetitionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "year", "period", "status", "registration_closes", "pass_mark")
    list_filter = ("status", "year")
    inlines = [SizeCategoryInline]
    readonly_fields = ("status", "status_changed_at")


@admin.register(Entry)
class EntryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("rt", "competition", "kk_count", "category", "status", "ketua_rt")
    list_filter = ("competition", "status", "category__code", "rt__kelurahan__kecamatan")
    search_fields = ("rt__kelurahan__name", "kampung_name", "ketua_rt")
    list_select_related = ("rt__kelurahan", "competition", "category")
    raw_id_fields = ("rt", "submitted_by")
