"""The panitia's instrument pages (issue 14): versions listed, copied, edited, previewed.

Short views: the forms read, indicators.services write and refuse (a locked instrument,
a scale without level names, ...), and a refusal comes back as a message on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from bantar.access import permission_required
from indicators import services
from indicators.instrument_forms import (
    IndicatorAddForm,
    IndicatorForm,
    InstrumentForm,
    PillarAddForm,
    PillarEditForm,
    PillarMoveForm,
)
from indicators.models import Indicator, Instrument, Pillar
from indicators.selectors import InstrumentLock, indicators_of, pillars_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MANAGE = "indicators.manage_instruments"


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _grouped(instrument: Instrument) -> list[tuple[Pillar, list[Indicator]]]:
    indicators = list(indicators_of(instrument).with_levels())
    return [
        (pillar, [i for i in indicators if i.pillar_id == pillar.pk])
        for pillar in pillars_of(instrument)
    ]


@require_safe
@permission_required(MANAGE)
def instrument_list(request: HttpRequest) -> HttpResponse:
    instruments = list(
        Instrument.objects.select_related("parent")
        .annotate(
            pillar_count=Count("pillars", distinct=True),
            indicator_count=Count("indicators", distinct=True),
        )
        .prefetch_related(Prefetch("competitions"))
        .order_by("name", "-version")
    )
    locks = services.instruments_locks(instruments)
    rows = [
        (instrument, locks[instrument.pk], _holders(instrument, locks[instrument.pk]))
        for instrument in instruments
    ]
    return render(request, "indicators/instruments.html", {"rows": rows})


def _holders(instrument: Instrument, locks: list[InstrumentLock]) -> list[tuple[Any, bool]]:
    """Each competition holding the instrument, newest first, and whether it locks it: the
    instrument page's "mengunci" marks, from the same locks (the stage table's), read from the
    prefetched competitions so the list stays at a fixed number of queries."""
    locking = {lock.holder.pk for lock in locks}
    competitions = sorted(
        instrument.competitions.all(),
        key=lambda competition: (-competition.year, -competition.period),
    )
    return [(competition, competition.pk in locking) for competition in competitions]


@require_safe
@permission_required(MANAGE)
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(Instrument.objects.select_related("parent"), pk=pk)
    locks = services.instrument_locks(instrument)
    locking = {lock.holder.pk for lock in locks}
    return render(
        request,
        "indicators/instrument.html",
        {
            "instrument": instrument,
            "pillars": _grouped(instrument),
            "levels": [
                (value, instrument.level_name(value), instrument.level_tone(value))
                for value in instrument.scale
            ],
            # Every holder once, those that lock marked: the lock box then names none again.
            "holders": [
                (competition, competition.pk in locking)
                for competition in instrument.competitions.order_by("-year", "-period")
            ],
            "locks": locks,
            "pillar_form": PillarAddForm(),
            "indicator_form": IndicatorAddForm(),
        },
    )


@require_safe
@permission_required(MANAGE)
def instrument_preview(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(Instrument, pk=pk)
    return render(
        request,
        "indicators/instrument_preview.html",
        {"instrument": instrument, "pillars": _grouped(instrument)},
    )


@require_POST
@permission_required(MANAGE)
def instrument_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(Instrument, pk=pk)
    copy = services.instrument_copy(instrument=instrument)
    messages.success(
        request,
        _("Versi %(version)s dibuat dari versi %(parent)s; versi baru ini dapat diubah.")
        % {"version": copy.version, "parent": instrument.version},
    )
    return redirect("instrument-detail", pk=copy.pk)


@permission_required(MANAGE)
def instrument_edit(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(Instrument, pk=pk)
    form = InstrumentForm(request.POST or None, initial=InstrumentForm.initial_for(instrument))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.instrument_update(
                instrument=instrument,
                name=data["name"],
                legal_basis=data["legal_basis"],
                scale_min=data["scale_min"],
                scale_max=data["scale_max"],
                level_names=form.level_name_map(),
            )
        except ValidationError as error:
            instrument.refresh_from_db()
            # A field's refusal (the level names) goes to its field; the lock to the form.
            by_field = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for field, errors in by_field.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Instrumen disimpan."))
            return redirect("instrument-detail", pk=instrument.pk)
    return render(
        request,
        "indicators/instrument_form.html",
        {
            "instrument": instrument,
            "form": form,
            "locks": services.instrument_locks(instrument),
        },
    )


@permission_required(MANAGE)
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(
        Indicator.objects.select_related("pillar__instrument").prefetch_related("levels"), pk=pk
    )
    form = IndicatorForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.indicator_update(
                indicator=indicator,
                text=data["text"],
                guidance=data["guidance"],
                descriptors=form.descriptors(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Indikator %(code)s disimpan.") % {"code": indicator.code})
            return redirect("instrument-detail", pk=indicator.instrument_id)
    instrument = indicator.pillar.instrument
    return render(
        request,
        "indicators/indicator_form.html",
        {
            "indicator": indicator,
            "instrument": instrument,
            "form": form,
            "locks": services.instrument_locks(instrument),
        },
    )


# Every small POST of the editor has one shape: load the thing, read its form (if any),
# write through the service, say what happened, go back to the version's page. One home for
# it (duplicate finding D6): each view below is a row of what differs.
Edited = TypeVar("Edited", Instrument, Pillar, Indicator)


def _instrument(pk: int) -> Instrument:
    return get_object_or_404(Instrument, pk=pk)


def _pillar(pk: int) -> Pillar:
    return get_object_or_404(Pillar.objects.select_related("instrument"), pk=pk)


def _indicator(pk: int) -> Indicator:
    return get_object_or_404(Indicator.objects.select_related("pillar__instrument"), pk=pk)


def _back(edited: Instrument | Pillar | Indicator) -> HttpResponse:
    pk = edited.pk if isinstance(edited, Instrument) else edited.instrument_id
    return redirect("instrument-detail", pk=pk)


def _post_view(
    load: Callable[[int], Edited],
    write: Callable[[Edited, dict[str, Any]], Any],
    *,
    done: StrOrPromise,
    form: type[forms.Form] | None = None,
    invalid: StrOrPromise = "",
    then: Callable[[Any], HttpResponse] | None = None,
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST-only view: `write(thing, form data)`; its refusals come back as messages on the
    version's page, a bad form as `invalid`; `then(result)` answers a success instead."""

    @require_POST
    @permission_required(MANAGE)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        edited = load(pk)
        data: dict[str, Any] = {}
        if form is not None:
            bound = form(request.POST)
            if not bound.is_valid():
                messages.error(request, invalid)
                return _back(edited)
            data = bound.cleaned_data
        try:
            result = write(edited, data)
        except ValidationError as error:
            _refused(request, error)
            return _back(edited)
        messages.success(request, done)
        return then(result) if then is not None else _back(edited)

    return view


pillar_add_view = _post_view(
    _instrument,
    lambda instrument, data: services.pillar_add(instrument=instrument, **data),
    form=PillarAddForm,
    done=gettext_lazy("Pilar ditambahkan."),
    invalid=gettext_lazy("Isi kode dan nama pilar."),
)
pillar_edit_view = _post_view(
    _pillar,
    lambda pillar, data: services.pillar_update(pillar=pillar, **data),
    form=PillarEditForm,
    done=gettext_lazy("Pilar disimpan."),
    invalid=gettext_lazy("Nama pilar wajib diisi."),
)
pillar_move_view = _post_view(
    _pillar,
    lambda pillar, data: services.pillar_move(pillar=pillar, up=data["direction"] == "up"),
    form=PillarMoveForm,
    done=gettext_lazy("Urutan disimpan."),
    invalid=gettext_lazy("Pilih naik atau turun."),
)
pillar_remove_view = _post_view(
    _pillar,
    lambda pillar, data: services.pillar_remove(pillar=pillar),
    done=gettext_lazy("Pilar dihapus."),
)
indicator_add_view = _post_view(
    _pillar,
    lambda pillar, data: services.indicator_add(pillar=pillar, **data),
    form=IndicatorAddForm,
    done=gettext_lazy("Indikator ditambahkan; tulis uraian setiap nilainya."),
    invalid=gettext_lazy("Isi kode dan teks indikator."),
    then=lambda indicator: redirect("indicator-edit", pk=indicator.pk),
)
indicator_remove_view = _post_view(
    _indicator,
    lambda indicator, data: services.indicator_remove(indicator=indicator),
    done=gettext_lazy("Indikator dihapus."),
)
instrument_ready_view = _post_view(
    _instrument,
    lambda instrument, data: services.instrument_mark_ready(instrument=instrument),
    done=gettext_lazy(
        "Instrumen ditandai siap dipakai: kini dapat dipilih untuk kompetisi baru, dan sebagai "
        "versi siap terbaru menjadi bawaannya."
    ),
)
