"""What every filtered list of the portal shares: choices from the user's scope, and paging.

A list's FilterSet declares its kecamatan and kelurahan filters with an empty queryset of
the region model (`Kecamatan.objects.none()`) and a category choice; `ScopedFilterSet`
fills them from the user's scope (`Model.objects.for_user`) and the competition's size
categories, so no filter leads outside a region: a forged kelurahan of another region
makes the form invalid, and an invalid filter shows nothing rather than quietly dropping
the filter. This module names no app's model: bantar is the lowest layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from bantar.models import User

# What the page says of a filter value it did not understand (templates/bantar/_filter_notice.html).
ERROR_FILTER_VALUE = _("%(label)s: nilai “%(value)s” tidak dikenali.")
ERROR_FILTER_FORM = _("Saringan tidak berlaku, jadi tidak ada RT yang ditampilkan.")
ERROR_FILTER_NOT_HERE = _(
    "%(label)s: saringan ini tidak berlaku untuk wilayah Anda, jadi “%(value)s” diabaikan."
)
ERROR_PAGE_NUMBER = _("Halaman “%(value)s” tidak ada; yang tampil halaman %(number)s.")


@dataclass(frozen=True)
class FilterProblem:
    """One filter value of the URL that the list did not understand, and the URL without it."""

    message: str
    without: str  # the query string without this filter: the list in the user's scope


def filter_problems(form: forms.Form) -> list[FilterProblem]:
    """Which values of a bound filter form were refused, named for the user (gettext)."""
    if not form.is_bound or form.is_valid():
        return []
    problems: list[FilterProblem] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        if field is None:  # an error of the whole form (e.g. a kelurahan of another kecamatan)
            problems.extend(FilterProblem(str(error), "") for error in errors)
            continue
        query = form.data.copy() if isinstance(form.data, QueryDict) else QueryDict(mutable=True)
        value = ", ".join(query.getlist(name)) if isinstance(form.data, QueryDict) else ""
        query.pop(name, None)
        query.pop("halaman", None)
        message = str(ERROR_FILTER_VALUE) % {"label": field.label, "value": value[:60]}
        problems.append(FilterProblem(message, "?" + query.urlencode()))
    return problems


# Region filters the scope fills, and what each one's rows show beside the name.
REGION_FILTERS = {"kecamatan": (), "kelurahan": ("kecamatan",)}


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose region and category choices come from the user and the competition."""

    def __init__(
        self,
        data: Any = None,
        *,
        queryset: QuerySet[Any],
        user: User,
        competition: Any,  # competitions.models.Competition (a higher layer)
        search_placeholder: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset=queryset, **kwargs)
        self.user = user
        for name, related in REGION_FILTERS.items():
            if name in self.filters:
                choices = self.filters[name].queryset.model.objects.for_user(user)
                if related:  # select_related() with no names would follow every key
                    choices = choices.select_related(*related)
                self.filters[name].queryset = choices.order_by("code")
        if "category" in self.filters:
            self.filters["category"].extra["choices"] = [
                (category.code, category.name) for category in competition.size_categories.all()
            ]
        if "q" in self.filters:
            widget = self.filters["q"].field.widget
            widget.attrs.update(placeholder=search_placeholder)
            widget.input_type = "search"  # as an attribute it gave the input two `type`s

    @property
    def form(self) -> forms.Form:
        form = super().form
        # The templates have the form only: the notice reads what was refused from it.
        form.filter_problems = filter_problems(form) + self._dropped_filters()
        return form

    def _dropped_filters(self) -> list[FilterProblem]:
        """A filter the list takes away for this user (an officer's kecamatan): its value
        narrows nothing, the rows stay the user's own, and the page says it was ignored."""
        if not isinstance(self.data, QueryDict):
            return []
        problems = []
        for name in self.base_filters.keys() - self.filters.keys():
            if value := ", ".join(v for v in self.data.getlist(name) if v):
                query = self.data.copy()
                query.pop(name)
                label = self.base_filters[name].label
                message = str(ERROR_FILTER_NOT_HERE) % {"label": label, "value": value[:60]}
                problems.append(FilterProblem(message, "?" + query.urlencode()))
        return problems

    @property
    def qs(self) -> QuerySet[Any]:
        # django-filter drops an invalid field and filters by the rest; a forged region
        # must instead show nothing, so that no filter ever widens what a page or a bulk
        # action on "every row the filters match" reaches; the form says which value
        # (templates/bantar/_filter_notice.html).
        if self.is_bound and not self.form.is_valid():
            return self.queryset.none()
        return super().qs

    def active(self) -> bool:
        """Whether any filter narrows the rows."""
        return self.form.is_valid() and any(
            self.form.cleaned_data.get(name) for name in self.filters
        )


def page_of(request: HttpRequest, rows: Any) -> Page:
    """One page of rows (?halaman=N, BANTAR_PAGE_SIZE a page); a bad number gives the last."""
    paginator = Paginator(rows, settings.BANTAR_PAGE_SIZE)
    asked = request.GET.get("halaman")
    page = paginator.get_page(asked)
    if not paginator.count and isinstance(rows, QuerySet):
        # Django skips the row query of an empty page (a slice [0:0]): a filter that matches
        # nothing cost one query less than one that matches, so a page's queries depended on
        # the data (issue 19: "queries per page stay constant"). The row query runs the same.
        page.object_list = list(rows[: paginator.per_page])
    # A page number that is not one (?halaman=-3, ?halaman=x) is said, not silently replaced.
    page.ignored = (  # type: ignore[attr-defined]
        str(ERROR_PAGE_NUMBER) % {"value": asked[:20], "number": page.number}
        if asked and asked != str(page.number)
        else ""
    )
    # The template cannot pass the page number to get_elided_page_range itself.
    page.numbers = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))  # type: ignore[attr-defined]
    return page
