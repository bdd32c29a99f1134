"""What every filtered list of the portal shares: choices from the user's scope, and paging.

A list's FilterSet declares its kecamatan and kelurahan filters with an empty queryset of
the region model (`Kecamatan.objects.none()`) and a category choice; `ScopedFilterSet`
fills them from the user's scope (`Model.objects.for_user`) and the competition's size
categories, so no filter leads outside a region: a forged kelurahan of another region
makes the form invalid, and an invalid filter shows nothing rather than quietly dropping
the filter. This module names no app's model: bantar is the lowest layer.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from bantar.models import User

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
            self.filters["q"].field.widget.attrs.update(
                placeholder=search_placeholder, type="search"
            )

    @property
    def qs(self) -> QuerySet[Any]:
        # django-filter drops an invalid field and filters by the rest; a forged region
        # must instead show nothing (the form says why).
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
    page = paginator.get_page(request.GET.get("halaman"))
    # The template cannot pass the page number to get_elided_page_range itself.
    page.numbers = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))  # type: ignore[attr-defined]
    return page
