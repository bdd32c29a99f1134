from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bantar.forms import TemporaryPasswordForm
from bantar.models import MailLog, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "get_full_name",
        "email",
        "role",
        "kecamatan",
        "kelurahan",
        "is_active",
        "must_change_password",
    )
    list_filter = ("role", "is_active", "must_change_password", "kecamatan")
    list_select_related = ("kecamatan", "kelurahan")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Peran dan wilayah"), {"fields": ("role", "kecamatan", "kelurahan", "phone")}),
        (_("Bahasa"), {"fields": ("language",)}),
        (_("Kata sandi sementara"), {"fields": ("must_change_password",)}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Surel dan kata sandi sementara"), {"fields": ("email", "must_change_password")}),
        (_("Peran dan wilayah"), {"fields": ("role", "kecamatan", "kelurahan")}),
    )
    autocomplete_fields = ("kecamatan", "kelurahan")
    # "Ubah kata sandi" in the admin may make the new password temporary (ticked by default).
    change_password_form = TemporaryPasswordForm
    change_user_password_template = "admin/bantar/user/change_password.html"
    actions = ["require_password_change"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # A password the admin types for a new account is one the user must replace.
        return {"must_change_password": True, **super().get_changeform_initial_data(request)}

    @admin.action(description=_("Wajibkan ganti kata sandi saat masuk berikutnya"))
    def require_password_change(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = queryset.update(must_change_password=True)
        self.message_user(
            request,
            _("%(count)s pengguna wajib mengganti kata sandi saat masuk berikutnya.")
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(MailLog)
class MailLogAdmin(admin.ModelAdmin):
    """Read only: the log says what happened."""

    list_display = ("created_at", "kind", "recipients", "subject", "status")
    list_filter = ("status", "kind")
    search_fields = ("recipients", "subject")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
