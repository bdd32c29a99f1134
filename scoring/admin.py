"""The scoring tables in the admin, to read: every write goes through a service.

Teams, assignments, recusals, sheets, scores, photos and results each have a
service that checks the competition's stage, the jury panel and the history's
who and why; an admin form would skip all of that. So every page here is view
only (no add, change or delete), the models with an audit history show it, and
a revert from that history is refused. Lists are scoped like the portal's pages:
through the model's `for_user`, or its parent's.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges

from competitions.admin import NoRevertHistoryMixin, ScopedAdminMixin
from scoring.models import (
    AppliedChange,
    Assignment,
    Evidence,
    Excusal,
    FieldDevice,
    JuryMember,
    JuryTeam,
    Recusal,
    Result,
    ResultSet,
    Score,
    ScoreSheet,
)


class ViewOnlyAdmin(admin.ModelAdmin):
    """Read, never write: the service of each model owns its writes."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ViewOnlyHistoryAdmin(NoRevertHistoryMixin, ViewOnlyAdmin, SimpleHistoryAdmin):
    """View only, with the audit history (who, when, why) of every row."""


class ScopedThroughMixin:
    """Scoped by the parent row's `for_user`, for models that have none of their own."""

    scope_through: str

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        parent = queryset.model._meta.get_field(self.scope_through).related_model
        visible = parent._default_manager.for_user(request.user)
        return queryset.filter(**{f"{self.scope_through}__in": visible})


class JuryMemberInline(admin.TabularInline):
    model = JuryMember
    extra = 0
    fields = ("user", "agency", "home_kelurahan")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(JuryTeam)
class JuryTeamAdmin(ScopedAdminMixin, ViewOnlyAdmin):
    list_display = ("name", "competition", "leader")
    list_filter = ("competition",)
    search_fields = ("name",)
    list_select_related = ("competition", "leader")
    inlines = [JuryMemberInline]


@admin.register(JuryMember)
class JuryMemberAdmin(ScopedThroughMixin, ViewOnlyAdmin):
    scope_through = "team"
    list_display = ("__str__", "team", "home_kelurahan")
    list_filter = ("team__competition",)
    search_fields = ("user__username", "user__first_name", "agency")
    list_select_related = ("user", "team", "home_kelurahan")


@admin.register(Assignment)
class AssignmentAdmin(ScopedThroughMixin, ViewOnlyHistoryAdmin):
    scope_through = "entry"
    list_display = ("entry", "team", "visit_date", "visit_order", "assigned_at")
    list_filter = ("team__competition", "team")
    list_select_related = ("entry__rt__kelurahan", "team")


@admin.register(Recusal)
class RecusalAdmin(ScopedThroughMixin, ViewOnlyAdmin):
    scope_through = "entry"
    list_display = ("entry", "juror", "reason", "recorded_by", "recorded_at")
    list_select_related = ("entry__rt__kelurahan", "juror", "recorded_by")


@admin.register(Excusal)
class ExcusalAdmin(ScopedThroughMixin, ViewOnlyHistoryAdmin):
    scope_through = "entry"
    list_display = ("entry", "juror", "reason", "recorded_by", "recorded_at")
    list_select_related = ("entry__rt__kelurahan", "juror", "recorded_by")


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = ("indicator", "value", "note", "updated_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ScopedAdminMixin, ViewOnlyHistoryAdmin):
    list_display = ("entry", "juror", "status", "submitted_at")
    list_filter = ("status", "entry__competition")
    search_fields = ("juror__username", "entry__rt__kelurahan__name")
    list_select_related = ("entry__rt__kelurahan", "juror")
    inlines = [ScoreInline]


@admin.register(Score)
class ScoreAdmin(ScopedThroughMixin, ViewOnlyHistoryAdmin):
    scope_through = "sheet"
    list_display = ("sheet", "indicator", "value", "updated_at")
    list_filter = ("indicator__pillar",)
    list_select_related = ("sheet__entry__rt__kelurahan", "sheet__juror", "indicator")


@admin.register(Evidence)
class EvidenceAdmin(ScopedAdminMixin, ViewOnlyAdmin):
    # The files are private: the admin shows their names, the portal's
    # permission-checked view serves them.
    list_display = ("entry", "indicator", "juror", "width", "height", "uploaded_at")
    list_filter = ("entry__competition",)
    list_select_related = ("entry__rt__kelurahan", "indicator", "juror")


class ResultInline(admin.TabularInline):
    model = Result
    extra = 0
    fields = ("entry", "category_code", "final", "rank", "is_winner", "held_back", "prize")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ResultSet)
class ResultSetAdmin(ScopedThroughMixin, ViewOnlyAdmin):
    scope_through = "competition"
    list_display = ("competition", "finalised_at", "published_at", "superseded_at", "total_prize")
    list_filter = ("competition",)
    list_select_related = ("competition",)
    inlines = [ResultInline]


@admin.register(Result)
class ResultAdmin(ScopedThroughMixin, ViewOnlyAdmin):
    scope_through = "entry"
    list_display = ("entry", "result_set", "category_code", "final", "rank", "is_winner", "prize")
    list_filter = ("result_set__competition", "category_code", "is_winner")
    list_select_related = ("entry__rt__kelurahan", "result_set__competition")


@admin.register(AppliedChange)
class AppliedChangeAdmin(ViewOnlyAdmin):
    list_display = ("kind", "client_id", "user", "entry", "applied_at")
    list_filter = ("kind",)
    list_select_related = ("user", "entry__rt__kelurahan")


@admin.register(FieldDevice)
class FieldDeviceAdmin(ViewOnlyAdmin):
    list_display = ("user", "device", "last_contact", "outbox", "waiting")
    list_select_related = ("user",)


def _register_the_rest() -> None:
    """A scoring model added later is at least readable, and never writable by accident."""
    for model in apps.get_app_config("scoring").get_models():
        if not issubclass(model, HistoricalChanges) and not admin.site.is_registered(model):
            admin.site.register(model, ViewOnlyAdmin)


_register_the_rest()
