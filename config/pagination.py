"""Every list the API answers comes a page at a time (settings.REST_FRAMEWORK's default
pagination class): what one request costs does not grow with a class, a school or the country.

A page is `{"count", "next", "previous", "results"}`; `?page=N` picks one and `?page_size=N` asks
for another size, up to HEMICYCLE_API_PAGE_SIZE_MAX. A page that does not exist answers the API's
404 (config.api_errors), as anything else that is not there."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    invalid_page_message = _("Cette page n'existe pas.")

    def get_page_size(self, request):
        # Read at each request, so settings (and tests overriding them) apply.
        self.page_size = settings.HEMICYCLE_API_PAGE_SIZE
        self.max_page_size = settings.HEMICYCLE_API_PAGE_SIZE_MAX
        return super().get_page_size(request)


def paginated(view, items, serializer_class, *, entries=None):
    """The view's answer for a list built by hand: one page of `items` (a queryset or a list),
    mapped by `entries` (a function of the page's items, when they are not serialized as they
    are) and serialized by `serializer_class`, with the page's links."""
    page = view.paginate_queryset(items)
    rows = entries(page) if entries is not None else page
    context = view.get_serializer_context()
    return view.get_paginated_response(serializer_class(rows, many=True, context=context).data)
