from functools import partial

from rest_framework import serializers
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from portal.views import CappedCount, CappedCountPaginator


class CheckedPageSize:
    """``page_size`` is a whole number of at least 1 (more than ``max_page_size`` gives
    ``max_page_size`` rows), as the schema says: anything else answers 400 naming it, where DRF
    would silently use the default size."""

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            value = serializers.IntegerField(min_value=1).run_validation(raw)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({self.page_size_query_param: error.detail}) from None
        return min(value, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = f"Rows per page (at most {self.max_page_size}; more gives {self.max_page_size})."
        return parameters


class StandardPagination(CheckedPageSize, PageNumberPagination):
    """Page numbers with a capped count (``CappedCountPaginator``: at least 500 rows, and ten
    pages past the one asked for; ``count_capped`` says when the list is longer); lists that
    reach millions of rows use ``KeysetPagination``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = CappedCountPaginator

    def paginate_queryset(self, queryset, request, view=None):
        self.django_paginator_class = partial(CappedCountPaginator,
                                              wanted_page=request.query_params.get(self.page_query_param))
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        count = self.page.paginator.count
        return Response({
            "count": int(count),
            "count_capped": isinstance(count, CappedCount),
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean", "example": False,
            "description": "True when the list is longer than the count says (counting stops ten pages past the page asked for, at 500 rows at least).",
        }
        return response


class KeysetPagination(CheckedPageSize, CursorPagination):
    """For lists that reach millions of rows: no COUNT(*), a stable order on the primary key."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"
