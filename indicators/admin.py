from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from indicators.models import Indicator, Instrument, Level, Pillar


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


class PillarInline(admin.TabularInline):
    model = Pillar
    extra = 0
    fields = ("order", "code", "name")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """Read-mostly: a new version is copied and edited on the panitia's own pages, and past
    juries scored against the rows here (issue 14). Only the name and legal basis are typed."""

    list_display = ("name", "version", "legal_basis", "scale_min", "scale_max", "created_at")
    readonly_fields = ("version", "scale_min", "scale_max", "level_names", "parent", "created_at")
    inlines = [PillarInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ("instrument", "order", "code", "name")
    list_filter = ("instrument",)
    list_select_related = ("instrument",)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "pillar", "text")
    list_filter = ("instrument", "pillar")
    inlines = [LevelInline]
    list_select_related = ("pillar",)
