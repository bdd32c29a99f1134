"""The panitia's instrument pages (issue 14): versions listed, copied, edited, previewed.

Short views: the forms read, indicators.services write and refuse (a locked instrument,
a scale without level names, ...), and a refusal comes back as a message on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
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
from indicators.selectors import indicators_of, pillars_of

MANAGE = "indicators.manage_instruments"


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _run(request: HttpRequest, write: Callable[[], Any], done: str) -> bool:
    """The write, its success or its refusals as messages; True when it went through."""
    try:
        write()
    except ValidationError as error:
        _refused(request, error)
        return False
    messages.success(request, done)
    return True


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
    locks = services.instruments_lock_reasons(instruments)
    rows = [(instrument, locks[instrument.pk]) for instrument in instruments]
    return render(request, "indicators/instruments.html", {"rows": rows})


@require_safe
@permission_required(MANAGE)
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(Instrument.objects.select_related("parent"), pk=pk)
    return render(
        request,
        "indicators/instrument.html",
        {
            "instrument": instrument,
            "pillars": _grouped(instrument),
            "levels": [(value, instrument.level_name(value)) for value in instrument.scale],
            "competitions": instrument.competitions.order_by("-year", "-period"),
            "lock_reasons": services.instrument_lock_reasons(instrument),
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
            "lock_reasons": services.instrument_lock_reasons(instrument),
        },
    )


@require_POST
@permission_required(MANAGE)
def pillar_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(Instrument, pk=pk)
    form = PillarAddForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.pillar_add(instrument=instrument, **form.cleaned_data),
            _("Pilar ditambahkan."),
        )
    else:
        messages.error(request, _("Isi kode dan nama pilar."))
    return redirect("instrument-detail", pk=instrument.pk)


@require_POST
@permission_required(MANAGE)
def pillar_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    pillar = get_object_or_404(Pillar.objects.select_related("instrument"), pk=pk)
    form = PillarEditForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.pillar_update(pillar=pillar, **form.cleaned_data),
            _("Pilar disimpan."),
        )
    else:
        messages.error(request, _("Nama pilar wajib diisi."))
    return redirect("instrument-detail", pk=pillar.instrument_id)


@require_POST
@permission_required(MANAGE)
def pillar_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    pillar = get_object_or_404(Pillar.objects.select_related("instrument"), pk=pk)
    form = PillarMoveForm(request.POST)
    if form.is_valid():
        up = form.cleaned_data["direction"] == "up"
        _run(request, lambda: services.pillar_move(pillar=pillar, up=up), _("Urutan disimpan."))
    return redirect("instrument-detail", pk=pillar.instrument_id)


@require_POST
@permission_required(MANAGE)
def pillar_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    pillar = get_object_or_404(Pillar.objects.select_related("instrument"), pk=pk)
    _run(request, lambda: services.pillar_remove(pillar=pillar), _("Pilar dihapus."))
    return redirect("instrument-detail", pk=pillar.instrument_id)


@require_POST
@permission_required(MANAGE)
def indicator_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    pillar = get_object_or_404(Pillar.objects.select_related("instrument"), pk=pk)
    form = IndicatorAddForm(request.POST)
    if form.is_valid():
        added: list[Indicator] = []
        if _run(
            request,
            lambda: added.append(services.indicator_add(pillar=pillar, **form.cleaned_data)),
            _("Indikator ditambahkan; tulis uraian setiap nilainya."),
        ):
            return redirect("indicator-edit", pk=added[0].pk)
    else:
        messages.error(request, _("Isi kode dan teks indikator."))
    return redirect("instrument-detail", pk=pillar.instrument_id)


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
            "lock_reasons": services.instrument_lock_reasons(instrument),
        },
    )


@require_POST
@permission_required(MANAGE)
def indicator_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("pillar__instrument"), pk=pk)
    _run(request, lambda: services.indicator_remove(indicator=indicator), _("Indikator dihapus."))
    return redirect("instrument-detail", pk=indicator.instrument_id)
