from __future__ import annotations

from django.contrib import admin

from indicators.models import Indicator, Level, Pillar


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ("order", "code", "name")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "pillar", "text")
    list_filter = ("pillar",)
    inlines = [LevelInline]
    list_select_related = ("pillar",)
