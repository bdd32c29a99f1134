from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from bantar.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "get_full_name", "role", "kecamatan", "kelurahan", "is_active")
    list_filter = ("role", "is_active", "kecamatan")
    list_select_related = ("kecamatan", "kelurahan")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Peran dan wilayah"), {"fields": ("role", "kecamatan", "kelurahan", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Peran dan wilayah"), {"fields": ("role", "kecamatan", "kelurahan")}),
    )
    autocomplete_fields = ("kecamatan", "kelurahan")
