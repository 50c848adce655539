"""Number search for admin lists that keeps searched CCCD/CMND numbers out of URLs and logs."""

import functools
import operator
import secrets
from typing import TYPE_CHECKING, Any

from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from idnumbers.numbers import is_ascii_digits, mask_number, normalize_number

SEARCH_TOKEN_VAR = "qt"

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
else:
    ModelAdmin = object


class SearchTokenChangeList(ChangeList):
    def get_filters_params(self, params: dict[str, Any] | None = None) -> dict[str, Any]:
        # The token is ours, not a field lookup; it stays in the list's links (pages, filters).
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(SEARCH_TOKEN_VAR, None)
        return lookup_params


class NumberSearchMixin(ModelAdmin):
    """Keep searched numbers out of URLs: the search box posts, the list reads a session token.

    A whole number typed in the box matches number_search_fields exactly (never a fragment);
    anything else matches name_search_field in part. Declare at least one search_fields entry
    so that the admin shows the search box.
    """

    change_list_template = "admin/number_search_change_list.html"
    # Where the list keeps its recent searches; None: "<the model's app label>.admin_searches".
    search_session_key: str | None = None
    number_search_fields: tuple[str, ...] = ()
    name_search_field = "full_name"

    def get_search_session_key(self) -> str:
        return self.search_session_key or f"{self.model._meta.app_label}.admin_searches"

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return SearchTokenChangeList

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST" and "_number_search" in request.POST:
            term = request.POST.get("q", "").strip()
            params = request.GET.copy()
            params.pop(SEARCH_TOKEN_VAR, None)
            params.pop("p", None)
            if term:
                token = secrets.token_urlsafe(9)
                key = self.get_search_session_key()
                searches = request.session.get(key, {})
                # A handful of recent searches is enough for back and forward in the browser.
                searches = dict(list(searches.items())[-9:])
                searches[token] = term
                request.session[key] = searches
                params[SEARCH_TOKEN_VAR] = token
            return redirect(f"{request.path}?{params.urlencode()}" if params else request.path)
        term = self._searched_term(request)
        extra_context = {**(extra_context or {}), "number_search_shown": masked_term(term)}
        return super().changelist_view(request, extra_context)

    def _searched_term(self, request: HttpRequest) -> str:
        token = request.GET.get(SEARCH_TOKEN_VAR)
        if not token:
            return ""
        searches: dict[str, str] = request.session.get(self.get_search_session_key(), {})
        return searches.get(token, "")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # Only what the search box posted counts: a `?q=` typed into the address bar would put
        # the number in browser history and server logs, so it is not searched.
        return self.search_numbers(queryset, self._searched_term(request))

    def search_numbers(
        self, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """Match a whole number exactly (never a fragment), or a name containing the term."""
        term = search_term.strip()
        if not term:
            return queryset, False
        number = normalize_number(term)
        if is_ascii_digits(number):
            # Exact matches only: a fragment search would let anyone enumerate numbers.
            matches = (queryset.filter(**{field: number}) for field in self.number_search_fields)
            return functools.reduce(operator.or_, matches, queryset.none()), False
        return queryset.filter(**{f"{self.name_search_field}__icontains": term}), False


def masked_term(term: str) -> str:
    """Return a searched term as the list may show it: a number masked, anything else as is."""
    number = normalize_number(term)
    if is_ascii_digits(number):
        return mask_number(number)
    return term
